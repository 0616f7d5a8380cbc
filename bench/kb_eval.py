"""Knowledge-base quality and speed on ../shared/kb-corpus: prints its figures.

    python bench/kb_eval.py [--corpus PATH] [--database-url URL] [--embeddings on|off]

Ingests the corpus into a fresh database (SQLite in a temp folder by default; a
PostgreSQL URL works too, its kb tables are emptied first), then asks every question
of bench/kb_eval_questions.json as staff with no LLM (the offline, extractive path)
and reports, at document level: recall@1, recall@5, MRR@10; unanswerable questions
declined; answerable questions wrongly declined; p50/p95 answer latency; full-ingest
time (and a second, incremental ingest).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.core.settings import Settings  # noqa: E402
from handlers import knowledge_embed  # noqa: E402
from handlers.deps import Deps  # noqa: E402
from handlers.knowledge.ask import answer_question  # noqa: E402
from handlers.knowledge.ingest import ingest  # noqa: E402
from storage.engine import create_engine, create_session_factory  # noqa: E402
from storage.kb_search import Access  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

QUESTIONS = Path(__file__).with_name("kb_eval_questions.json")
DEFAULT_CORPUS = ROOT.parent / "shared" / "kb-corpus"


def ranked_documents(sources: list[str]) -> list[str]:
    seen: list[str] = []
    for source in sources:
        if source not in seen:
            seen.append(source)
    return seen


async def evaluate(corpus: Path, url: str, *, embeddings: str) -> dict[str, float | int]:
    if embeddings == "on":
        knowledge_embed.enable()
    engine = create_engine(url)
    await upgrade(engine)
    if url.startswith("postgresql"):
        async with engine.begin() as conn:
            await conn.execute(text("TRUNCATE kb_passages, kb_documents RESTART IDENTITY CASCADE"))
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    deps = Deps(settings=settings, sessions=create_session_factory(engine))
    knowledge_embed.load_embedder()  # model load is start-up cost, not ingest cost
    started = time.perf_counter()
    report = await ingest(deps, [corpus])
    ingest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = await ingest(deps, [corpus])
    reingest_seconds = time.perf_counter() - started
    data = json.loads(QUESTIONS.read_text())
    staff = Access(staff=True)
    await answer_question(deps, "warm up", access=staff)
    r1 = r5 = mrr = 0.0
    wrongly_declined = 0
    latencies: list[float] = []
    misses: list[str] = []
    for item in data["answerable"]:
        started = time.perf_counter()
        answer, retrieval = await answer_question(deps, item["q"], access=staff, limit=20)
        latencies.append((time.perf_counter() - started) * 1000)
        docs = ranked_documents([r.passage.source for r in retrieval.passages])
        wanted = set(item["docs"])
        ranks = [i for i, doc in enumerate(docs[:10]) if doc in wanted]
        first = ranks[0] if ranks else None
        r1 += 1 if first == 0 else 0
        r5 += 1 if first is not None and first < 5 else 0
        mrr += 1 / (first + 1) if first is not None else 0
        if first is None or first >= 5:
            misses.append(f"  miss@5: {item['q']!r} -> {docs[:3]}")
        if not answer.grounded:
            wrongly_declined += 1
            misses.append(f"  declined: {item['q']!r}")
    declined = 0
    for question in data["unanswerable"]:
        started = time.perf_counter()
        answer, _ = await answer_question(deps, question, access=staff, limit=20)
        latencies.append((time.perf_counter() - started) * 1000)
        if not answer.grounded:
            declined += 1
        else:
            misses.append(
                f"  answered unanswerable: {question!r} -> {answer.citations[0].source_id}"
            )
    await engine.dispose()
    n = len(data["answerable"])
    latencies.sort()
    for line in misses:
        print(line)
    return {
        "backend": url.split(":", 1)[0],
        "embeddings": knowledge_embed.load_embedder() is not None,
        "documents": report.added,
        "passages": report.passages,
        "answerable": n,
        "unanswerable": len(data["unanswerable"]),
        "recall@1": round(r1 / n, 3),
        "recall@5": round(r5 / n, 3),
        "mrr@10": round(mrr / n, 3),
        "unanswerable_declined": declined,
        "answerable_wrongly_declined": wrongly_declined,
        "answerable_wrongly_declined_pct": round(100 * wrongly_declined / n, 1),
        "latency_p50_ms": round(statistics.median(latencies), 1),
        "latency_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "full_ingest_s": round(ingest_seconds, 2),
        "reingest_unchanged_s": round(reingest_seconds, 2),
        "reingest_skipped": again.unchanged,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    parser.add_argument(
        "--embeddings",
        choices=("on", "off"),
        default="off",
        help="on: fuse the packaged MiniLM model (if installed) with full-text search",
    )
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/kb_eval.db"
        figures = asyncio.run(evaluate(args.corpus, url, embeddings=args.embeddings))
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
