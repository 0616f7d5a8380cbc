"""Knowledge-base figures pooled per split: explore, confirm and held-out, side by side.

    python bench/kb_splits.py [--splits FILE] [--only SPLIT]... [--database-url URL]
                              [--embeddings on|off] [--json] [--seed N] [--per-file]

The splits are named in bench/kb_eval_splits.json: lists of question files
(`NAME` is bench/kb_eval_NAME_questions.json; `NAME:even` and `NAME:odd` are the
questions at even and odd positions of one file, as `kb_eval.py --half` asks them).
The corpus is ingested once, every file of every split is asked as kb_eval.py asks
it, and each split's questions are pooled: one row per figure (recall@1/@5, MRR@10,
answerable and unanswerable declined, near misses declined, fact coverage, latency),
for the knowledge base and plain BM25, with seeded bootstrap intervals over the
pooled questions. `--per-file` prints each file's answerable and unanswerable
declined too. No misses are printed: the confirm and held-out splits are read as
aggregates only (kb_eval.py --misses is for explore files).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench._kb_metrics import Scores  # noqa: E402
from bench.kb_eval import (  # noqa: E402
    Bench,
    common_arguments,
    halved,
    prepare,
    print_facts,
    print_table,
    run,
    run_file,
    side_by_side,
)

SPLITS = BENCH / "kb_eval_splits.json"
NAMES = ("explore", "confirm", "held_out")


def question_file(entry: str, folder: Path = BENCH) -> tuple[Path, str | None]:
    """The question file (in `folder`, the splits file's) and half (None: all of it)
    a split entry names."""
    name, _, half = entry.partition(":")
    if not name or half not in ("", "even", "odd"):
        raise ValueError(f"{entry!r}: a split entry is NAME, NAME:even or NAME:odd")
    return folder / f"kb_eval_{name}_questions.json", half or None


def load_splits(path: Path = SPLITS) -> dict[str, list[str]]:
    """Split name -> its entries, in the order NAMES lists them."""
    data = json.loads(path.read_text())
    return {name: list(data[name]) for name in NAMES if name in data}


async def _split(
    bench: Bench, entries: list[str], folder: Path, per_file: dict[str, str]
) -> tuple[Scores, Scores]:
    ours, plain = Scores(), Scores()
    for entry in entries:
        path, half = question_file(entry, folder)
        data = halved(json.loads(path.read_text()), half)
        file_ours, file_plain = await run_file(bench.deps, bench.bm25, data, [])
        per_file[entry] = (
            f"answerable declined {int(sum(file_ours.declined))}/{len(file_ours.declined)}, "
            f"unanswerable declined {int(sum(file_ours.unanswerable_declined))}"
            f"/{len(file_ours.unanswerable_declined)}"
        )
        ours.extend(file_ours)
        plain.extend(file_plain)
    return ours, plain


async def evaluate(args: argparse.Namespace, url: str) -> dict[str, Any]:
    splits = load_splits(args.splits)
    chosen = {name: splits[name] for name in splits if not args.only or name in args.only}
    bench = await prepare(args, url)
    results: dict[str, tuple[Scores, Scores]] = {}
    per_file: dict[str, str] = {}
    for name, entries in chosen.items():
        pooled = await _split(bench, entries, args.splits.parent, per_file)
        results[f"{name} ({len(entries)} files)"] = pooled
    await bench.engine.dispose()
    return {**bench.facts, "table": side_by_side(results, seed=args.seed), "per_file": per_file}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--splits", type=Path, default=SPLITS)
    parser.add_argument("--only", action="append", choices=NAMES, help="repeatable")
    parser.add_argument("--per-file", action="store_true", help="declines of each file too")
    args = parser.parse_args()
    figures = run(args, evaluate)
    if isinstance(figures, int):
        return figures
    if args.per_file:
        for entry, line in figures["per_file"].items():
            print(f"{entry:<14}{line}")
    print_facts(figures)
    print_table(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
