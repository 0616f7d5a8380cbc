"""Train the intent matcher's learned scorer: handlers/intents/intent_model.json.

    .venv/bin/python bench/train_intent_model.py            # train and write the model
    .venv/bin/python bench/train_intent_model.py --cv       # cross-validation figures only

A multinomial logistic regression (softmax) over `handlers.intents.learned.features`,
trained by Adagrad with L2 on the tune phrasings, the blind rounds and dev set 3a, in a
fixed order (seeded shuffle), so the same data gives the same weights. Never on dev set
3b (kept to validate) nor on any held-out test file. `--cv` trains on all groups but one
and scores the one left out (tune, blind rounds 1-8, rounds 9-17, dev 3a): the model's
own accuracy on sentences it did not see, next to the patterns'.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.intents.learned import MODEL_FILE, features
from handlers.intents.matcher import match_intent, normalise

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench"
GROUPS = {
    "tune": [HERE / "intent_tune_phrasings.json"],
    "rounds 1-8": [HERE / "blind" / f"round{n}.json" for n in range(1, 9)],
    "rounds 9-17": [HERE / "blind" / f"round{n}.json" for n in range(9, 18)],
    "dev 3a": [HERE / "intent_dev3a_phrasings.json"],
}
EPOCHS = 20
RATE = 0.5
L2 = 1e-3
MIN_COUNT = 2  # a feature seen in fewer training sentences is dropped
KEEP = 0.02  # smaller weights are not stored


def load(paths: list[Path]) -> list[tuple[str, str]]:
    """(text, intent) pairs of the phrasing files."""
    pairs = []
    for path in paths:
        for item in json.loads(path.read_text())["phrasings"]:
            pairs.append((item["text"], item["intent"]))
    return pairs


def train(pairs: list[tuple[str, str]]) -> dict[str, object]:
    """Softmax regression weights for `pairs`, as the JSON `learned.py` reads."""
    labels = sorted({intent for _, intent in pairs})
    index = {label: i for i, label in enumerate(labels)}
    rows = [(sorted(set(features(normalise(text)))), index[intent]) for text, intent in pairs]
    seen = Counter(f for feats, _ in rows for f in feats)
    rows = [([f for f in feats if seen[f] >= MIN_COUNT], y) for feats, y in rows]
    k = len(labels)
    weights: dict[str, list[float]] = {}
    squares: dict[str, list[float]] = {}
    bias, bias_sq = [0.0] * k, [1e-8] * k
    order = list(range(len(rows)))
    rng = random.Random(14)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for n in order:
            feats, y = rows[n]
            scores = bias[:]
            for f in feats:
                for c, w in enumerate(weights.setdefault(f, [0.0] * k)):
                    scores[c] += w
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            grad = [e / total - (c == y) for c, e in enumerate(exps)]
            for c in range(k):
                bias_sq[c] += grad[c] ** 2
                bias[c] -= RATE * grad[c] / math.sqrt(bias_sq[c])
            for f in feats:
                row, sq = weights[f], squares.setdefault(f, [1e-8] * k)
                for c in range(k):
                    g = grad[c] + L2 * row[c]
                    sq[c] += g * g
                    row[c] -= RATE * g / math.sqrt(sq[c])
    stored = {
        f: [[c, round(w, 3)] for c, w in enumerate(ws) if abs(w) >= KEEP]
        for f, ws in sorted(weights.items())
    }
    return {
        "labels": labels,
        "bias": [round(b, 3) for b in bias],
        "weights": {f: pairs for f, pairs in stored.items() if pairs},
    }


def predict(model: dict[str, object], text: str) -> dict[str, float]:
    labels: list[str] = model["labels"]  # type: ignore[assignment]
    scores = list(model["bias"])  # type: ignore[call-overload]
    table: dict[str, list[list[float]]] = model["weights"]  # type: ignore[assignment]
    for f in features(normalise(text)):
        for c, w in table.get(f, ()):
            scores[int(c)] += w
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    return {label: e / sum(exps) for label, e in zip(labels, exps, strict=True)}


def cross_validate(dump: Path | None) -> None:
    rows = []
    for left_out, paths in GROUPS.items():
        rest = [p for name, ps in GROUPS.items() if name != left_out for p in ps]
        model = train(load(rest))
        pairs = load(paths)
        model_right = pattern_right = 0
        for text, gold in pairs:
            probs = predict(model, text)
            got = max(probs, key=lambda label: probs[label])
            pattern = match_intent(text).intent
            model_right += got == gold
            pattern_right += pattern == gold
            rows.append({"group": left_out, "text": text, "gold": gold, "probs": probs})
        n = len(pairs)
        print(
            f"{left_out:12} n={n:4} model {model_right / n:.3f}  "
            f"patterns (tuned on it) {pattern_right / n:.3f}"
        )
    if dump:
        dump.write_text(json.dumps(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cv", action="store_true", help="cross-validation figures only")
    parser.add_argument("--dump", type=Path, help="with --cv: write each prediction here")
    args = parser.parse_args()
    if args.cv:
        cross_validate(args.dump)
        return
    model = train(load([p for paths in GROUPS.values() for p in paths]))
    MODEL_FILE.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n")
    size, count = MODEL_FILE.stat().st_size, len(model["weights"])  # type: ignore[arg-type]
    print(f"wrote {MODEL_FILE.relative_to(ROOT)}: {count} features, {size} bytes")


if __name__ == "__main__":
    main()
