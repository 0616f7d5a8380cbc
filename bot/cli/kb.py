"""`partnerbot kb ingest PATH... | ask QUESTION... [--json]`: the knowledge base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot.cli._output import print_json, say
from handlers.deps import Deps
from handlers.knowledge.ask import HEDGED, answer_question
from handlers.knowledge.ingest import IngestReport, ingest
from storage.kb_search import Access

NAME = "kb"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="the knowledge base: ingest documents, ask it")
    actions = parser.add_subparsers(dest="kb_action", metavar="ACTION", required=True)

    ingest_parser = actions.add_parser(
        "ingest", help="ingest Markdown/MDX, text and HTML files (incremental)"
    )
    ingest_parser.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    ingest_parser.add_argument("--json", action="store_true", help="print machine-readable output")

    ask_parser = actions.add_parser("ask", help="answer a question from the knowledge base")
    ask_parser.add_argument(
        "question", nargs="+", metavar="QUESTION", help="the question ('-': one per line on stdin)"
    )
    ask_parser.add_argument("--json", action="store_true", help="one JSON object per question")
    ask_parser.add_argument("--tier", help="answer as a partner of this tier (default: staff)")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    if args.kb_action == "ingest":
        return await _ingest(args, deps)
    return await _ask(args, deps)


async def _ingest(args: argparse.Namespace, deps: Deps) -> int:
    if args.json:
        report = await ingest(deps, args.paths)
    else:
        with Progress(
            TextColumn("[bold]Ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[passages]} passages · {task.fields[current]}"),
            transient=False,
        ) as bar:
            task = bar.add_task("ingest", total=None, passages=0, current="")
            totals = {"passages": 0}

            def progress(event: str, detail: str, count: int) -> None:
                if event == "files":
                    bar.update(task, total=count)
                    return
                totals["passages"] += count
                bar.update(task, advance=1, passages=totals["passages"], current=detail[-40:])

            report = await ingest(deps, args.paths, progress=progress)
    _print_report(report, as_json=args.json)
    return 1 if report.problems and not (report.added or report.updated or report.unchanged) else 0


def _print_report(report: IngestReport, *, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "added": report.added,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "removed": report.removed,
                "passages": report.passages,
                "embedded": report.embedded,
                "problems": [{"path": p, "reason": r} for p, r in report.problems],
            }
        )
        return
    say(
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.removed} removed ({report.passages} passages written)."
    )
    for path, reason in report.problems:
        print(f"skipped {path}: {reason}", file=sys.stderr)


def _questions(args: argparse.Namespace) -> list[str]:
    if args.question == ["-"]:
        return [line.strip() for line in sys.stdin if line.strip()]
    return [" ".join(args.question)]


async def _ask(args: argparse.Namespace, deps: Deps) -> int:
    access = Access(staff=args.tier is None, tier=args.tier)
    for question in _questions(args):
        answer, retrieval = await answer_question(deps, question, access=access, limit=20)
        if args.json:
            print_json(
                {
                    "question": question,
                    "answer": answer.text,
                    "grounded": answer.grounded,
                    "hedged": answer.hedged,
                    "citations": [
                        {
                            "n": c.n,
                            "path": c.source_id,
                            "title": c.title,
                            "section": c.section,
                            "url": c.url,
                        }
                        for c in answer.citations
                    ],
                    "related": [
                        {"path": c.source_id, "title": c.title, "url": c.url}
                        for c in answer.related
                    ],
                    "retrieved": [
                        {
                            "path": item.passage.source,
                            "score": round(item.score, 6),
                            "title": item.passage.doc_title,
                            "section": item.passage.section,
                        }
                        for item in retrieval.passages
                    ],
                }
            )
            continue
        say(answer.text)
        if answer.hedged:
            say(f"  ⚠ {HEDGED}")
        for c in answer.citations:
            where = f" › {c.section}" if c.section else ""
            say(f"  [{c.n}] {c.title}{where} ({c.url or c.source_id})")
        for c in answer.related:
            say(f"  closest page: {c.title} ({c.url or c.source_id})")
    return 0
