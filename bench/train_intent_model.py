"""Train the intent matcher's learned scorer: handlers/intents/intent_model.json.

    .venv/bin/python bench/train_intent_model.py            # train and write the model
    .venv/bin/python bench/train_intent_model.py --cv       # cross-validation figures only
    .venv/bin/python bench/train_intent_model.py --sweep    # step-5 thresholds by cross-validation

A multinomial logistic regression (softmax) over `handlers.intents.learned.features`,
trained by Adagrad with L2 on the tune phrasings, the blind rounds and dev sets 3a and
3b, in a fixed order (seeded shuffle), so the same data gives the same weights. Never on
dev set 4 (kept to validate) nor on any held-out test file. `--cv` trains on all groups
but one and scores the one left out (tune, blind rounds 1-8, rounds 9-17, dev 3a, dev
3b): the model's own accuracy on sentences it did not see, next to the patterns'.
`--sweep` does the same for the matcher as a whole (patterns plus the left-out model)
at each combination of the step-5 thresholds, to choose them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.intents import learned, matcher
from handlers.intents.learned import MODEL_FILE, features
from handlers.intents.matcher import match_intent, normalise

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench"
GROUPS = {
    "tune": [HERE / "intent_tune_phrasings.json"],
    "rounds 1-8": [HERE / "blind" / f"round{n}.json" for n in range(1, 9)],
    "rounds 9-17": [HERE / "blind" / f"round{n}.json" for n in range(9, 18)],
    "dev 3a": [HERE / "intent_dev3a_phrasings.json"],
    "dev 3b": [HERE / "intent_dev3b_phrasings.json"],
}
#: The step-5 thresholds `--sweep` tries (RESCUE, DOUBT, SETTLED in matcher.py).
SWEEP = {
    "RESCUE": (0.9, 0.93, 0.95, 0.97, 0.98, 0.99),
    "DOUBT": (0.85, 0.9, 0.95),
    "SETTLED": (0.95, 0.97, 0.99),
}
EPOCHS = 20
RATE = 0.5
L2 = 1e-3
MIN_COUNT = 2  # a feature seen in fewer training sentences is dropped
KEEP = 0.05  # smaller weights are not stored


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


def sweep() -> None:
    """Accuracy and KB questions given a command (run, buttons) of the whole matcher on
    each group left out, summed, for each threshold combination."""
    held = []
    for left_out, paths in GROUPS.items():
        rest = [p for name, ps in GROUPS.items() if name != left_out for p in ps]
        model = train(load(rest))
        probs = {normalise(text): predict(model, text) for text, _ in load(paths)}
        held.append((load(paths), probs))
    print("RESCUE DOUBT SETTLED  right  kb->cmd (run)")
    for combo in itertools.product(*SWEEP.values()):
        for name, value in zip(SWEEP, combo, strict=True):
            setattr(matcher, name, value)
        right = kb_run = kb_buttons = 0
        for pairs, probs in held:
            learned.probabilities = lambda norm, probs=probs: probs[norm]  # type: ignore[misc]
            for text, gold in pairs:
                got = match_intent(text)
                right += got.intent == gold
                if gold == "ask" and got.intent != "ask":
                    kb_run += got.confident
                    kb_buttons += not got.confident
        print(
            f"{combo[0]:6} {combo[1]:5} {combo[2]:7}  {right:5}  {kb_run + kb_buttons} ({kb_run})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cv", action="store_true", help="cross-validation figures only")
    parser.add_argument("--sweep", action="store_true", help="thresholds by cross-validation")
    parser.add_argument("--dump", type=Path, help="with --cv: write each prediction here")
    args = parser.parse_args()
    if args.cv:
        cross_validate(args.dump)
        return
    if args.sweep:
        sweep()
        return
    model = train(load([p for paths in GROUPS.values() for p in paths]))
    MODEL_FILE.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n")
    size, count = MODEL_FILE.stat().st_size, len(model["weights"])  # type: ignore[arg-type]
    print(f"wrote {MODEL_FILE.relative_to(ROOT)}: {count} features, {size} bytes")


if __name__ == "__main__":
    main()
