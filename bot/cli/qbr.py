"""`partnerbot qbr PARTNER [--quarter 2026Q4] [--format md|csv|json]`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli._output import print_json
from bot.core.errors import InvalidInput
from handlers.deps import Deps
from handlers.digests.qbr import build_qbr
from storage.quarters import Quarter

NAME = "qbr"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="a partner's quarterly business review pack")
    parser.add_argument("partner", metavar="PARTNER")
    parser.add_argument("--quarter", help="e.g. 2026Q4 (default: this quarter)")
    parser.add_argument("--format", choices=("md", "csv", "json"), default="md")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    now = deps.clock()
    try:
        quarter = Quarter.parse(args.quarter) if args.quarter else Quarter.of(now)
    except ValueError as exc:
        raise InvalidInput({"quarter": str(exc)}) from exc
    pack = await build_qbr(deps, args.partner, quarter, now=now)
    if args.format == "json":
        print_json(pack.to_json())
    else:
        sys.stdout.write(pack.to_csv() if args.format == "csv" else pack.to_markdown())
    return 0
