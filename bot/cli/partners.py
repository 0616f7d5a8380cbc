"""`partnerbot partners add | set | link | unlink | list`: partners, their channels and
their quarterly targets."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli._output import print_json, print_table, say
from bot.core.errors import InvalidInput, NotFound
from handlers.admin import offboarding, operators
from handlers.deals.money import parse_amount
from handlers.deals.tables import CURRENCIES
from handlers.deps import Deps
from handlers.digests.targets import set_partner_target
from storage import partners as partner_store
from storage.quarters import Quarter

NAME = "partners"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="partners and their channels")
    actions = parser.add_subparsers(dest="partners_action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a partner (or update an existing one)")
    add.add_argument("name", metavar="NAME")
    _profile_options(add, timezone_default=" (default UTC)")

    change = actions.add_parser("set", help="change a partner: quarterly target, tier …")
    change.add_argument("name", metavar="NAME")
    change.add_argument("--target", metavar="AMOUNT", help="revenue target, e.g. 250000 or 250k")
    change.add_argument("--currency", help="the target's currency (default DEAL_DEFAULT_CURRENCY)")
    change.add_argument("--quarter", help="the target's quarter, e.g. 2026Q4 (default: this one)")
    _profile_options(change, timezone_default="")

    for action, summary in (
        ("link", "link a Slack channel or Teams conversation"),
        ("unlink", "unlink a channel from a partner"),
    ):
        channel = actions.add_parser(action, help=summary)
        channel.add_argument("name", metavar="NAME")
        channel.add_argument("--platform", required=True, choices=("slack", "teams"))
        channel.add_argument(
            "--channel", required=True, metavar="ID", help="channel/conversation id"
        )
        _json_option(channel)

    _json_option(actions.add_parser("list", help="every partner with tier, manager and channels"))


def _profile_options(parser: Any, *, timezone_default: str) -> None:
    """The partner attributes `add` and `set` both take."""
    parser.add_argument("--tier")
    parser.add_argument("--region")
    parser.add_argument("--timezone", help=f"IANA time zone, e.g. Europe/Berlin{timezone_default}")
    parser.add_argument("--manager", metavar="PLATFORM:USER_ID", help="owning channel manager")
    _json_option(parser)


def _json_option(parser: Any) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable output")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    if args.partners_action == "add":
        summary, created = await operators.add_partner(
            deps,
            args.name,
            tier=args.tier,
            region=args.region,
            timezone=args.timezone,
            manager=args.manager,
        )
        if args.json:
            print_json({**summary.to_json(), "created": created})
        else:
            say(f"{'Added' if created else 'Updated'} partner {summary.name}.")
        return 0
    if args.partners_action == "set":
        return await _set(args, deps)
    if args.partners_action == "link":
        summary = await operators.link_partner_channel(
            deps, args.name, platform=args.platform, channel_id=args.channel
        )
        if args.json:
            print_json(summary.to_json())
        else:
            say(f"Linked {args.platform}:{args.channel} to partner {summary.name}.")
        return 0
    if args.partners_action == "unlink":
        async with deps.sessions() as session, session.begin():
            partner = await offboarding.unlink(
                session,
                args.name,
                platform=args.platform,
                channel_id=args.channel,
                actor=operators.CLI_ACTOR,
                deps=deps,
            )
            name = partner.name
        if args.json:
            print_json({"name": name, "platform": args.platform, "channel": args.channel})
        else:
            say(f"Unlinked {args.platform}:{args.channel} from partner {name}.")
        return 0
    summaries = await operators.list_partner_summaries(deps)
    if args.json:
        print_json([s.to_json() for s in summaries])
        return 0
    if not summaries:
        say("No partners yet: partnerbot partners add NAME")
        return 0
    rows = [
        (s.name, s.tier or "—", s.region or "—", s.timezone, s.manager or "—",
         ", ".join(s.channels) or "—")
        for s in summaries
    ]  # fmt: skip
    print_table(
        f"Partners ({len(rows)})",
        ("Name", "Tier", "Region", "Time zone", "Manager", "Channels"),
        rows,
    )
    return 0


async def _set(args: argparse.Namespace, deps: Deps) -> int:
    async with deps.sessions() as session:
        if await partner_store.get_partner_by_name(session, args.name) is None:
            raise NotFound("partner", args.name)
    lines: list[str] = []
    if any(v is not None for v in (args.tier, args.region, args.timezone, args.manager)):
        summary, _ = await operators.add_partner(
            deps,
            args.name,
            tier=args.tier,
            region=args.region,
            timezone=args.timezone,
            manager=args.manager,
        )
        lines.append(f"Updated partner {summary.name}.")
    target: dict[str, object] | None = None
    if args.target is not None:
        currency = (args.currency or deps.settings.deal_default_currency).upper()
        if currency not in CURRENCIES:
            raise InvalidInput({"currency": f"{args.currency!r} is not an ISO 4217 currency"})
        try:
            cents, named = parse_amount(args.target)
            quarter = Quarter.parse(args.quarter) if args.quarter else Quarter.of(deps.clock())
        except ValueError as exc:
            raise InvalidInput({"target": str(exc)}) from exc
        currency = named or currency
        async with deps.sessions() as session, session.begin():
            line = await set_partner_target(
                session, args.name, cents=cents, currency=currency, quarter=quarter,
                now=deps.clock(),
            )  # fmt: skip
        lines.append(line.replace("**", ""))
        target = {"quarter": quarter.label, "cents": cents, "currency": currency}
    elif args.currency is not None or args.quarter is not None:
        raise InvalidInput({"target": "--currency and --quarter go with --target"})
    if args.json:
        print_json({"name": args.name, "target": target})
    else:
        say(" ".join(lines) or "Nothing to change: give --target, --tier, --region …")
    return 0
