"""`partnerbot shell`: chat with the bot in the terminal."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from handlers.deps import Deps

NAME = "shell"
DEFAULT_LOG_FILE = "partnerbot-shell.log"


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
    parser.add_argument(
        "--log-file",
        metavar="PATH",
        type=Path,
        default=Path(DEFAULT_LOG_FILE),
        help=f"where the shell writes its logs, so they never interleave with the chat "
        f"(default: {DEFAULT_LOG_FILE}; warnings are also shown, styled apart)",
    )


async def run(args: argparse.Namespace, deps: Deps) -> int:
    from bot.shell import run_shell

    return await run_shell(deps, role=args.role, partner_name=args.partner, log_file=args.log_file)
