"""`partnerbot shell`: chat with the bot in the terminal."""

from __future__ import annotations

import argparse
from typing import Any

from handlers.deps import Deps

NAME = "shell"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="chat with the bot in the terminal")
    parser.add_argument(
        "--as",
        dest="role",
        choices=("partner", "manager"),
        default="manager",
        help="talk as a channel manager (default) or as a partner rep",
    )
    parser.add_argument(
        "--partner",
        metavar="NAME",
        help="the partner whose channel you are in (created and linked if new; "
        "default for --as partner: Demo Partner)",
    )


async def run(args: argparse.Namespace, deps: Deps) -> int:
    from bot.shell import run_shell

    return await run_shell(deps, role=args.role, partner_name=args.partner)
