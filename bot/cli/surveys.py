"""`partnerbot survey import | send | results | list`: partner surveys."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.cli._errors import CliError
from bot.cli._output import print_json, print_table, say
from handlers.deps import Deps
from handlers.surveys.definitions import MAX_FILE_BYTES, import_definition, parse_definition
from handlers.surveys.due import trigger_after
from handlers.surveys.results import results_csv, results_of, results_text
from handlers.surveys.send import EVERY, Audience, send_run

NAME = "survey"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="partner surveys (NPS, satisfaction, your own)")
    actions = parser.add_subparsers(dest="survey_action", metavar="ACTION", required=True)

    imported = actions.add_parser("import", help="a custom survey from a YAML file")
    imported.add_argument("file", metavar="FILE", type=Path)

    send = actions.add_parser("send", help="send a survey to partners' channels")
    send.add_argument("survey", metavar="SURVEY", help="nps, satisfaction, enablement or yours")
    who = send.add_mutually_exclusive_group()
    who.add_argument("--partner", metavar="NAME")
    who.add_argument("--tier", metavar="T")
    who.add_argument("--all", action="store_true", help="every partner (the default)")
    send.add_argument("--closes", type=date.fromisoformat, metavar="DATE")
    send.add_argument("--anonymous", action="store_true", help="store no person")
    send.add_argument("--every", choices=tuple(EVERY), help="send again every month/quarter")
    send.add_argument(
        "--after",
        choices=("approved", "won", "lost"),
        help="ask in a registration's thread a day after this decision (once per deal)",
    )
    send.add_argument("--json", action="store_true", help="print machine-readable output")

    results = actions.add_parser("results", help="a run's results (for vendor staff)")
    results.add_argument("run_id", metavar="RUN_ID", type=int)
    form = results.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true")
    form.add_argument("--json", action="store_true")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    if args.survey_action == "import":
        return await _import(args.file, deps)
    if args.survey_action == "send":
        return await _send(args, deps)
    results = await results_of(deps, args.run_id)
    if args.json:
        print_json(results.as_json())
    elif args.csv:
        sys.stdout.write(results_csv(results))
    else:
        say(results_text(results).replace("**", ""))
    return 0


def _read(path: Path) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes (parse_definition refuses a larger file)."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from exc


async def _import(path: Path, deps: Deps) -> int:
    raw = await asyncio.to_thread(_read, path)
    definition = parse_definition(raw)
    async with deps.sessions() as session, session.begin():
        await import_definition(session, definition)
    say(f"Imported survey {definition.key!r} ({len(definition.questions)} questions).")
    return 0


async def _send(args: argparse.Namespace, deps: Deps) -> int:
    if args.after:
        trigger_id = await trigger_after(deps, args.survey, args.after, anonymous=args.anonymous)
        if args.json:
            print_json({"trigger_id": trigger_id, "survey": args.survey, "after": args.after})
        else:
            say(f"{args.survey} will be asked a day after each registration is {args.after}.")
        return 0
    run_id, queued = await send_run(
        deps,
        args.survey,
        Audience(partner=args.partner, tier=args.tier),
        closes=args.closes,
        anonymous=args.anonymous,
        every=args.every,
    )
    if args.json:
        print_json({"run_id": run_id, "queued": queued})
    else:
        print_table("Survey run", ("Run", "Messages queued"), [(run_id, queued)])
    return 0
