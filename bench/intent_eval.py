"""How well the offline intent matcher routes plain words: accuracy and confusion.

    .venv/bin/python bench/intent_eval.py                    # tune file (+ test file if present)
    .venv/bin/python bench/intent_eval.py --phrasings FILE   # repeatable
    .venv/bin/python bench/intent_eval.py --phrasings bench/blind/round1.json --show-texts

Per file: accuracy, accuracy without "ask", knowledge-base questions routed to a command
(must be 0; split into those the router would run and those it answers with buttons,
"<command>" / "Search the docs", as `handlers.intents.act` does for an unsure match; both
count as wrong in accuracy), precision/recall per intent, slot accuracy for refs and
statuses, and the wrong ones. Texts are printed only for the tune file; any other file
shows aggregates and confusion counts, so a held-out set stays held out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.intents.matcher import match_intent

HERE = Path(__file__).resolve().parent
TUNE = HERE / "intent_tune_phrasings.json"
TEST = HERE / "intent_test_phrasings.json"


def evaluate(path: Path, *, show_texts: bool) -> None:
    phrasings = json.loads(path.read_text())["phrasings"]
    pairs: list[tuple[str, str]] = []
    wrong: list[tuple[str, str, str, float]] = []
    unsure = kb_buttons = 0
    slot_total = slot_right = 0
    for item in phrasings:
        got = match_intent(item["text"])
        gold = item["intent"]
        pairs.append((gold, got.intent))
        unsure += got.unsure
        kb_buttons += gold == "ask" and got.unsure
        if got.intent != gold:
            wrong.append((gold, got.intent, item["text"], got.confidence))
        for slot in ("ref", "status"):
            if slot in item.get("slots", {}):
                slot_total += 1
                slot_right += got.intent == gold and got.slots.get(slot) == item["slots"][slot]
    total = len(pairs)
    right = sum(g == p for g, p in pairs)
    commands = [(g, p) for g, p in pairs if g != "ask"]
    kb_to_command = sum(1 for g, p in pairs if g == "ask" and p != "ask")
    print(f"== {path.name}: {total} phrasings")
    print(f"accuracy               {right / total:.3f} ({right}/{total})")
    cmd_right = sum(g == p for g, p in commands)
    share = cmd_right / max(1, len(commands))
    print(f"accuracy without ask   {share:.3f} ({cmd_right}/{len(commands)})")
    print(f"KB questions -> command {kb_to_command}")
    print(f"  run as the command   {kb_to_command - kb_buttons}")
    print(f"  asked with buttons   {kb_buttons}")
    print(f"all asked with buttons {unsure}")
    print(f"slot accuracy (ref/status) {slot_right}/{slot_total}")
    print(f"{'intent':18} {'precision':>9} {'recall':>7} {'n':>4}")
    for intent in sorted({g for g, _ in pairs} | {p for _, p in pairs}):
        tp = sum(1 for g, p in pairs if g == p == intent)
        predicted = sum(1 for _, p in pairs if p == intent)
        actual = sum(1 for g, _ in pairs if g == intent)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        print(f"{intent:18} {precision:9.2f} {recall:7.2f} {actual:4}")
    confusion = Counter((g, p) for g, p, _, _ in wrong)
    print("confusion (gold -> got: count)")
    for (gold, got), count in confusion.most_common():
        print(f"  {gold} -> {got}: {count}")
    if show_texts:
        for gold, got, text, confidence in wrong:
            print(f"  [{gold} -> {got} {confidence:.2f}] {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phrasings", action="append", type=Path)
    parser.add_argument(
        "--show-texts",
        action="store_true",
        help="print the wrong ones of every file (never use it on a held-out set)",
    )
    args = parser.parse_args()
    files = args.phrasings or [p for p in (TUNE, TEST) if p.exists()]
    for path in files:
        evaluate(path, show_texts=args.show_texts or path.resolve() == TUNE)


if __name__ == "__main__":
    main()
