"""`partnerbot digest preview [--manager PLATFORM:USER_ID] [--json]`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli._output import print_json
from bot.core.errors import InvalidInput, NotFound
from handlers.deps import Deps
from handlers.digests.build import build_digest
from handlers.digests.due import PERIODS
from storage import digests as digest_store
from storage import people as people_store

NAME = "digest"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="managers' digests")
    actions = parser.add_subparsers(dest="digest_action", metavar="ACTION", required=True)
    preview = actions.add_parser("preview", help="print a manager's digest as of now")
    preview.add_argument(
        "--manager", metavar="PLATFORM:USER_ID", help="whose digest (default: every manager)"
    )
    preview.add_argument("--json", action="store_true", help="print machine-readable output")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    now = deps.clock()
    async with deps.sessions() as session:
        if args.manager:
            platform, _, user_id = args.manager.partition(":")
            if not user_id:
                raise InvalidInput({"manager": "give PLATFORM:USER_ID, e.g. slack:U123"})
            person = await people_store.get_person(session, platform, user_id)
            if person is None or not person.is_staff:
                raise NotFound("manager", args.manager)
            people = [person]
        else:
            people = [
                p
                for role in ("manager", "admin")
                for p in await people_store.list_people(session, role=role)
            ]
        digests = []
        for person in people:
            sub = await digest_store.get_subscription(session, person.id)
            since = sub.last_sent_at if sub and sub.last_sent_at else now - PERIODS["weekly"]
            digest = await build_digest(session, deps, person, since=since, now=now)
            digests.append((person, digest))

    def say(line: str) -> None:  # plain text: rich would eat "[Approve]" as markup
        sys.stdout.write(line + "\n")

    if args.json:
        print_json(
            [
                {**d.to_json(), "manager": f"{p.platform}:{p.user_id}", "name": d.manager}
                for p, d in digests
            ]
        )
        return 0
    if not digests:
        say("No managers yet: partnerbot admin add-manager --platform slack --user-id U…")
    for person, digest in digests:
        say(f"# Digest of {digest.manager} ({person.platform}:{person.user_id})")
        for reply in digest.replies():
            say(f"## {reply.title}" if reply.title else "")
            say(reply.text)
            for fact in reply.facts:
                say(f"  {fact.label}: {fact.value}")
            if reply.buttons:
                say("  [" + "] [".join(b.label for b in reply.buttons) + "]")
        say("")
    return 0
