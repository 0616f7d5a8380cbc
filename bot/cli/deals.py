"""`partnerbot deals export | house-accounts import`: deal registrations for operators."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

from bot.cli._errors import CliError
from bot.cli._output import print_json, say
from handlers.deals import export as deal_export
from handlers.deps import Deps
from storage import deals as deal_store

NAME = "deals"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="deal registrations: export, house accounts")
    actions = parser.add_subparsers(dest="deals_action", metavar="ACTION", required=True)

    export = actions.add_parser("export", help="every registration as CSV on stdout")
    export.add_argument("--format", choices=("csv",), default="csv", help="output format")
    export.add_argument(
        "--status", action="append", choices=deal_store.STATUSES, help="only this status (repeat)"
    )
    export.add_argument("--partner", metavar="NAME", help="only this partner's registrations")

    house = actions.add_parser("house-accounts", help="accounts direct sales owns")
    house_actions = house.add_subparsers(dest="house_action", metavar="ACTION", required=True)
    load = house_actions.add_parser(
        "import",
        help="add or update from a CSV file with a domain (or website) column, "
        "and optional company and owner columns",
    )
    load.add_argument("file", metavar="FILE.csv", type=Path)
    load.add_argument("--json", action="store_true", help="print machine-readable output")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    if args.deals_action == "export":
        text = await deal_export.export_deals_csv(
            deps, statuses=args.status or (), partner=args.partner
        )
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    try:
        with args.file.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise CliError(f"can't read {args.file}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise CliError(
            f"{args.file} is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from exc
    except csv.Error as exc:  # e.g. a field over the csv module's 131,072-character limit
        raise CliError(f"{args.file} is not a CSV file this can read: {exc}") from exc
    report = await deal_export.import_house_accounts(deps, rows)
    if args.json:
        print_json({"added": report.added, "updated": report.updated})
    else:
        say(f"House accounts: {report.added} added, {report.updated} updated.")
    return 0
