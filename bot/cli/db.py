"""`partnerbot db upgrade`: apply the migrations."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli._database import safe_url
from bot.cli._output import print_json, say
from handlers.deps import Deps

NAME = "db"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="database maintenance")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="apply migrations (also done at every start)")
    upgrade.add_argument("--json", action="store_true", help="print machine-readable output")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    # run_cli has already applied the migrations before calling us.
    url = safe_url(deps.settings.async_database_url)
    if args.json:
        print_json({"database": url, "revision": "head"})
    else:
        say(f"Database {url} is up to date.")
    return 0
