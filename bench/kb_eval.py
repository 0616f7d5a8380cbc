"""Knowledge-base quality and speed on ../shared/kb-corpus, side by side per question file.

    python bench/kb_eval.py [--questions FILE]... [--database-url URL] [--embeddings on|off]
                            [--corpus PATH] [--misses [--answers]] [--json] [--seed N]
                            [--half even|odd]

Ingests the corpus into a fresh database (SQLite in a temp folder by default; a
PostgreSQL URL works too, its kb tables are emptied first), then asks every question
of each question file (default: bench/kb_eval_questions.json, the tune split, plus
bench/kb_eval_test_questions.json when it exists) as staff with no chat model (the
offline, extractive path), and prints for each file, for the knowledge base and for
plain BM25 over the same passages: recall@1 and recall@5 (page), MRR@10, answerable
questions declined, answerable questions answered citing none of the pages the file
names as answering them, answers hedged (quoted from a next page, Answer.hedged),
unanswerable questions declined, answer fact coverage, how often a declined
answerable question's closest pages hold its answer and how often a declined
unanswerable one is shown closest pages at all, p50/p95
answer latency, each share with a seeded 95% bootstrap interval; the full-ingest
time; and how choosing the "I don't know" threshold from a file's own questions would
fare (leave-one-out) against the fixed rule. A question file is {"answerable": [{"q",
"docs", "facts"?}], "unanswerable": [{"q", "near_miss"?} or "text"]}; the near misses
(a documented feature asked for a detail the pages lack) are also counted apart.
`--embeddings on` uses OPENAI_EMBEDDING_MODEL (with OPENAI_API_KEY / OPENAI_BASE_URL)
from the environment.
`--half even` (or `odd`) asks only the questions at even (odd) positions of each
list, answerable and unanswerable apart: one file split into an explore half and a
confirm half (bench/kb_eval_dev7_questions.json: even to look at, odd for aggregates).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from bench._kb_metrics import (  # noqa: E402
    PlainBM25,
    Scores,
    bootstrap,
    distinct,
    fact_coverage,
    leave_one_out,
    mean,
    percentile,
)
from bot.core.settings import Settings  # noqa: E402
from handlers.deps import Deps  # noqa: E402
from handlers.knowledge.ask import answer_question  # noqa: E402
from handlers.knowledge.grounding import signals  # noqa: E402
from handlers.knowledge.index import KnowledgeIndex, build_embedder  # noqa: E402
from handlers.knowledge.ingest import ingest  # noqa: E402
from storage import kb as kb_store  # noqa: E402
from storage.engine import create_engine, create_session_factory  # noqa: E402
from storage.kb_search import Access  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

TUNE = Path(__file__).with_name("kb_eval_questions.json")
TEST = Path(__file__).with_name("kb_eval_test_questions.json")
#: ../shared beside the checkout (a worktree one level deeper looks one level up too).
DEFAULT_CORPUS = next(
    (p for p in (ROOT.parent / "shared" / "kb-corpus", ROOT.parents[1] / "shared" / "kb-corpus")
     if p.is_dir()),
    ROOT.parent / "shared" / "kb-corpus",
)  # fmt: skip


def _question(item: Any) -> str:
    return str(item["q"] if isinstance(item, dict) else item)


def halved(data: dict[str, Any], half: str | None) -> dict[str, Any]:
    """The questions at even (`half` "even") or odd positions of each list."""
    if half is None:
        return data
    start = 0 if half == "even" else 1
    return {**data, **{key: data[key][start::2] for key in ("answerable", "unanswerable")}}


async def _plain_bm25(deps: Deps) -> PlainBM25:
    async with deps.sessions() as session:
        texts = await kb_store.list_passage_texts(session)
        rows = await kb_store.get_passages(session, [pid for pid, *_ in texts])
    return PlainBM25([(rows[pid].source, f"{t}\n{s}\n{b}") for pid, t, s, b in texts])


async def run_file(
    deps: Deps, bm25: PlainBM25, data: dict[str, Any], misses: list[str], *, answers: bool = False
) -> tuple[Scores, Scores]:
    ours, plain = Scores(), Scores()
    staff = Access(staff=True)
    for item in data["answerable"]:
        wanted = set(item["docs"])
        started = time.perf_counter()
        answer, retrieval = await answer_question(deps, item["q"], access=staff, limit=20)
        ours.latencies_ms.append((time.perf_counter() - started) * 1000)
        ours.grounding.append((signals(retrieval).coverage, True))
        docs = distinct([r.passage.source for r in retrieval.passages])
        first = ours.add_ranking(docs, wanted)
        ours.declined.append(0.0 if answer.grounded else 1.0)
        if answer.grounded:
            cited = {citation.source_id for citation in answer.citations}
            ours.answered_elsewhere.append(0.0 if cited & wanted else 1.0)
            ours.hedged.append(1.0 if answer.hedged else 0.0)
        if item.get("facts"):
            ours.coverage.append(
                fact_coverage(item["facts"], answer.text, declined=not answer.grounded)
            )
        started = time.perf_counter()
        baseline = bm25.ranked_documents(item["q"])
        plain.latencies_ms.append((time.perf_counter() - started) * 1000)
        plain.add_ranking(baseline, wanted)
        if first is None or first >= 5:
            misses.append(f"  miss@5: {item['q']!r} -> {docs[:3]} (want {sorted(wanted)})")
        if not answer.grounded:
            misses.append(f"  declined: {item['q']!r} (rank {first})")
            related = {page.source_id for page in answer.related}
            ours.closest_right.append(1.0 if related & wanted else 0.0)
        elif item.get("facts") and ours.coverage and ours.coverage[-1] < 1:
            flat = " ".join(answer.text.split())
            misses.append(f"  facts {ours.coverage[-1]:.2f}: {item['q']!r} -> {flat[:160]!r}")
            if answers:
                missing = [
                    f for f in item["facts"] if fact_coverage([f], answer.text, declined=False) < 1
                ]
                misses.append(f"    rank {first}; missing {missing}\n    answer: {flat}")
    for item in data["unanswerable"]:
        question = _question(item)
        started = time.perf_counter()
        answer, retrieval = await answer_question(deps, question, access=staff, limit=20)
        ours.latencies_ms.append((time.perf_counter() - started) * 1000)
        ours.grounding.append((signals(retrieval).coverage, False))
        ours.unanswerable_declined.append(0.0 if answer.grounded else 1.0)
        if isinstance(item, dict) and item.get("near_miss"):
            ours.near_miss_declined.append(0.0 if answer.grounded else 1.0)
        if answer.grounded:
            misses.append(f"  answered: {question!r} -> {answer.citations[0].source_id}")
            ours.unanswerable_hedged.append(1.0 if answer.hedged else 0.0)
        else:
            ours.closest_offered.append(1.0 if answer.related else 0.0)
    return ours, plain


def _cell(values: list[float], *, seed: int, count: bool = False) -> str:
    if not values:
        return "—"
    low, high = bootstrap(values, seed=seed)
    share = f"{mean(values):.3f} [{low:.2f}, {high:.2f}]"
    return f"{int(sum(values))}/{len(values)} = {share}" if count else share


def side_by_side(results: dict[str, tuple[Scores, Scores]], *, seed: int) -> list[tuple[str, ...]]:
    header = ["metric"]
    for name in results:
        header += [f"{name}: kb", f"{name}: bm25"]
    rows: list[tuple[str, ...]] = [tuple(header)]
    for label, attr, count in (
        ("recall@1", "r1", False),
        ("recall@5", "r5", False),
        ("MRR@10", "mrr", False),
        ("answerable declined", "declined", True),
        ("answered, citing no gold page", "answered_elsewhere", True),
        ("answered, hedged", "hedged", True),
        ("unanswerable declined", "unanswerable_declined", True),
        ("near misses declined", "near_miss_declined", True),
        ("unanswerable answered, hedged", "unanswerable_hedged", True),
        ("fact coverage", "coverage", False),
        ("declined: closest page right", "closest_right", True),
        ("unanswerable: closest shown", "closest_offered", True),
    ):
        row = [label]
        for ours, plain in results.values():
            row.append(_cell(getattr(ours, attr), seed=seed, count=count))
            row.append(_cell(getattr(plain, attr), seed=seed, count=count) if attr in {
                "r1", "r5", "mrr"} else "—")  # fmt: skip
        rows.append(tuple(row))
    for label, share in (("latency p50 ms", 0.5), ("latency p95 ms", 0.95)):
        row = [label]
        for ours, plain in results.values():
            row += [f"{percentile(ours.latencies_ms, share):.1f}"]
            row += [f"{percentile(plain.latencies_ms, share):.1f}"]
        rows.append(tuple(row))
    return rows


@dataclass
class Bench:
    """A freshly ingested knowledge base to ask, with plain BM25 over its passages."""

    deps: Deps
    engine: AsyncEngine
    bm25: PlainBM25
    facts: dict[str, Any]


async def prepare(args: argparse.Namespace, url: str) -> Bench:
    """Ingest `args.corpus` into the database at `url` (its kb tables emptied first),
    twice (the second time nothing changed), and warm the index up."""
    engine = create_engine(url)
    await upgrade(engine)
    if url.startswith("postgresql"):
        async with engine.begin() as conn:
            await conn.execute(text("TRUNCATE kb_passages, kb_documents RESTART IDENTITY CASCADE"))
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    embedder = build_embedder(settings) if args.embeddings == "on" else None
    knowledge = KnowledgeIndex(embedder=embedder)
    deps = Deps(settings=settings, sessions=create_session_factory(engine), knowledge=knowledge)
    started = time.perf_counter()
    report = await ingest(deps, [args.corpus])
    ingest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = await ingest(deps, [args.corpus])
    reingest_seconds = time.perf_counter() - started
    await answer_question(deps, "warm up", access=Access(staff=True))
    facts = {
        "backend": url.split(":", 1)[0],
        "embeddings": embedder is not None,
        "documents": report.added,
        "passages": report.passages,
        "full_ingest_s": round(ingest_seconds, 2),
        "reingest_unchanged_s": round(reingest_seconds, 2),
        "reingest_skipped": again.unchanged,
    }
    return Bench(deps, engine, await _plain_bm25(deps), facts)


async def evaluate(args: argparse.Namespace, url: str) -> dict[str, Any]:
    bench = await prepare(args, url)
    deps, bm25 = bench.deps, bench.bm25
    results: dict[str, tuple[Scores, Scores]] = {}
    misses: dict[str, list[str]] = {}
    for path in args.questions:
        data = halved(json.loads(path.read_text()), args.half)
        name = path.stem.removeprefix("kb_eval_").removesuffix("_questions") or path.stem
        name = {"questions": "tune"}.get(name, name) + (f" {args.half}" if args.half else "")
        misses[name] = []
        results[name] = await run_file(deps, bm25, data, misses[name], answers=args.answers)
    await bench.engine.dispose()
    return {
        **bench.facts,
        "table": side_by_side(results, seed=args.seed),
        "grounding_cv": {
            name: leave_one_out(ours.grounding) for name, (ours, _) in results.items()
        },
        "misses": misses,
    }


def common_arguments(parser: argparse.ArgumentParser) -> None:
    """The options kb_eval.py and kb_splits.py share."""
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    parser.add_argument("--embeddings", choices=("on", "off"), default="off")
    parser.add_argument("--seed", type=int, default=13, help="bootstrap seed")
    parser.add_argument("--json", action="store_true")


def run(
    args: argparse.Namespace,
    evaluate: Callable[[argparse.Namespace, str], Coroutine[Any, Any, dict[str, Any]]],
) -> dict[str, Any] | int:
    """`evaluate(args, url)` on `args.database_url` or a fresh SQLite file: its figures
    to print as text, or the exit status when nothing more is to be printed (2: the
    corpus folder is missing; 0: printed as JSON, with `--json`)."""
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/kb_eval.db"
        figures = asyncio.run(evaluate(args, url))
    if args.json:
        print(json.dumps(figures, indent=1))
        return 0
    return figures


def print_facts(figures: dict[str, Any]) -> None:
    """What was ingested, where, and how long it took."""
    for key in ("backend", "embeddings", "documents", "passages", "full_ingest_s"):
        print(f"{key:<22}{figures[key]}")


def print_table(figures: dict[str, Any]) -> None:
    """The run's table, columns aligned."""
    table = figures["table"]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--questions", type=Path, action="append", help="repeatable")
    parser.add_argument("--misses", action="store_true", help="list misses and declines")
    parser.add_argument(
        "--answers", action="store_true", help="with --misses: whole answers, missing facts"
    )
    parser.add_argument(
        "--half", choices=("even", "odd"), help="only the questions at even/odd positions"
    )
    args = parser.parse_args()
    if not args.questions:
        args.questions = [TUNE] + ([TEST] if TEST.exists() else [])
    figures = run(args, evaluate)
    if isinstance(figures, int):
        return figures
    if args.misses:
        for name, lines in figures["misses"].items():
            print(f"[{name}]", *lines, sep="\n")
    print_facts(figures)
    print(f"reingest_unchanged_s  {figures['reingest_unchanged_s']}"
          f" ({figures['reingest_skipped']} files skipped)")  # fmt: skip
    for name, cv in figures["grounding_cv"].items():
        print(f"grounding threshold, leave-one-out on {name}: {cv}")
    print_table(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
