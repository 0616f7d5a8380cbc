"""A second opinion beside the patterns: a linear model over the words of a sentence.

`intent_model.json` holds a multinomial logistic regression (softmax) over word
unigrams, bigrams, the first word, and character 4-grams of the normalised text
(`matcher.normalise`: typos fixed, a ref is `dealref`, a domain `webdomain`). It is
trained by `bench/train_intent_model.py` on the tune phrasings, the blind rounds and
dev sets 3a and 3b; scoring is a sum of weights per intent and a softmax, nothing more.

The weights are read once at import into read-only tuples (no state changes after).
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from types import MappingProxyType

MODEL_FILE = Path(__file__).with_name("intent_model.json")


def features(norm: str) -> list[str]:
    """The features of a normalised sentence (" can you extend dealref "), as strings."""
    words = norm.split()
    found = [f"w:{w}" for w in words]
    found += [f"b:{a}_{b}" for a, b in itertools.pairwise(words)]
    if words:
        found.append(f"f:{words[0]}")
    padded = f" {' '.join(words)} "
    found += [f"c:{padded[i : i + 4]}" for i in range(len(padded) - 3)]
    return found


def _load(
    path: Path,
) -> tuple[
    tuple[str, ...], tuple[float, ...], MappingProxyType[str, tuple[tuple[int, float], ...]]
]:
    data = json.loads(path.read_text())
    labels = tuple(data["labels"])
    bias = tuple(float(b) for b in data["bias"])
    weights = {
        feature: tuple((int(i), float(w)) for i, w in pairs)
        for feature, pairs in data["weights"].items()
    }
    return labels, bias, MappingProxyType(weights)


LABELS, _BIAS, _WEIGHTS = _load(MODEL_FILE)


def probabilities(norm: str) -> dict[str, float]:
    """Each intent's probability (they sum to 1) for a normalised sentence."""
    scores = list(_BIAS)
    for feature in features(norm):
        for index, weight in _WEIGHTS.get(feature, ()):
            scores[index] += weight
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    total = sum(exps)
    return {label: e / total for label, e in zip(LABELS, exps, strict=True)}


__all__ = ["LABELS", "MODEL_FILE", "features", "probabilities"]
