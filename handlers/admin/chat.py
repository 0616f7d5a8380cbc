"""Partner program administration: linking channels, listing partners, adding managers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Fact, Reply, Request
from bot.core.errors import InvalidInput, NotAllowed
from bot.core.untrusted import untrusted
from handlers import fields, messages
from handlers.admin import offboarding
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.routes import Routes
from storage import audit
from storage import partners as partner_store
from storage import people as people_store

#: A user mention in neutral text: `<@U123>` or `<@U123|name>` (adapters normalise to it).
USER_MENTION = re.compile(r"<@([^>|]+)(?:\|[^>]*)?>")
#: `key=value` options after a partner name; values may be quoted.
OPTION = re.compile(r"""(\w+)=("[^"]*"|'[^']*'|\S+)""")
_OPTION_NAMES = {"tier": "tier", "region": "region", "tz": "timezone", "timezone": "timezone"}


@dataclass(frozen=True)
class PartnerSpec:
    name: str
    tier: str | None = None
    region: str | None = None
    timezone: str | None = None


def parse_partner_spec(text: str) -> PartnerSpec:
    """`Acme Corp tier=gold region=EMEA tz=Europe/Berlin` -> PartnerSpec.

    Raises:
        InvalidInput: no name, an unknown option, or an unknown time zone.
    """
    options: dict[str, str] = {}
    errors: dict[str, str] = {}
    text = fields.plain(text)
    for key, raw in OPTION.findall(text):
        name = _OPTION_NAMES.get(key.lower())
        if name is None:
            errors[key[:50]] = f"unknown option {untrusted(key[:50])}= (use tier=, region=, tz=)"
            continue
        options[name] = raw.strip("\"'")
    name = fields.one_line(OPTION.sub("", text))
    checked: dict[str, str | None] = {}
    for option, check in (
        ("name", fields.partner_name),
        ("tier", fields.tier),
        ("region", fields.region),
    ):
        try:
            checked[option] = check(name if option == "name" else options.get(option))
        except InvalidInput as exc:
            errors.update(exc.field_errors)
    if "name" in errors and not any(ch.isalnum() for ch in name):
        errors["name"] = "give the partner's name, e.g. `link Acme Corp tier=gold`"
    if "timezone" in options:
        try:
            fields.time_zone(options["timezone"])
        except InvalidInput as exc:
            errors.update({k: untrusted(v) for k, v in exc.field_errors.items()})
    if errors:
        raise InvalidInput(errors)
    return PartnerSpec(
        checked["name"] or "", checked["tier"], checked["region"], options.get("timezone")
    )


def _actor_key(request: Request) -> str:
    return f"{request.actor.platform}:{request.actor.user_id}"


def _require_staff(caller: Caller) -> None:
    if not caller.is_staff:
        raise NotAllowed(messages.STAFF_ONLY)


def _input_error(exc: InvalidInput) -> list[Reply]:
    text = "\n".join(f"- {message}" for message in exc.field_errors.values())
    return [Reply(text=f"I couldn't read that:\n{text}", visibility="only_actor")]


async def link_channel(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """`link <partner> [tier=..] [region=..] [tz=..]`: link this channel to a partner,
    creating the partner if new and making the caller its manager if it has none."""
    _require_staff(caller)
    if request.place.kind == "dm":
        return [
            Reply(
                text="Run `link` in the partner's shared channel, not in a DM.",
                visibility="only_actor",
            )
        ]
    try:
        spec = parse_partner_spec(request.text)
    except InvalidInput as exc:
        return _input_error(exc)
    async with deps.sessions() as session, session.begin():
        partner, created = await partner_store.save_partner(
            session,
            spec.name,
            tier=spec.tier,
            region=spec.region,
            timezone=spec.timezone,
            manager_id=caller.person_id,  # a partner someone owns keeps its manager
        )
        await link_in_session(
            session,
            partner,
            platform=request.place.platform,
            channel_id=request.place.channel_id,
            team_id=request.place.team_id,
            actor=_actor_key(request),
            created=created,
            deps=deps,
        )
        facts = _partner_facts(partner)
    verb = "Created partner and linked" if created else "Linked"
    return [Reply(text=f"{verb} this channel to *{partner.name}*.", facts=facts)]


async def link_in_session(
    session: AsyncSession,
    partner: partner_store.Partner,
    *,
    platform: str,
    channel_id: str,
    team_id: str | None,
    actor: str,
    created: bool,
    deps: Deps,
) -> None:
    """Link a channel to `partner` and audit it (chat `link` and `partners link`)."""
    await partner_store.link_channel(
        session, partner, platform=platform, channel_id=channel_id, team_id=team_id
    )
    await audit.add_audit(
        session,
        actor=actor,
        action="partner.link",
        subject=f"partner:{partner.id}",
        detail={"platform": platform, "channel": channel_id, "created": created},
        at=deps.clock(),
    )


def _partner_facts(partner: partner_store.Partner) -> tuple[Fact, ...]:
    return (
        Fact("Tier", partner.tier or "—"),
        Fact("Region", partner.region or "—"),
        Fact("Time zone", partner.timezone),
    )


async def list_partners(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """`partners`: every partner with tier, region and linked channels (staff only)."""
    _require_staff(caller)
    async with deps.sessions() as session:
        partners = await partner_store.list_partners(session)
        lines = [_partner_line(p) for p in partners]
    if not lines:
        return [
            Reply(
                text="No partners yet. Link a channel with `partnerbot link <name>`.",
                visibility="only_actor",
            )
        ]
    return [Reply(title=f"Partners ({len(lines)})", text="\n".join(lines), visibility="only_actor")]


def _partner_line(partner: partner_store.Partner) -> str:
    channels = ", ".join(f"{c.platform}:{c.channel_id}" for c in partner.channels) or "no channels"
    details = " · ".join(x for x in (partner.tier, partner.region) if x) or "no tier"
    return f"- *{partner.name}* ({details}): {channels}"


async def managers(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """`managers add|remove <@user>`: give or take the manager role (admins only)."""
    if not caller.is_admin:
        raise NotAllowed(messages.ADMIN_ONLY)
    words = request.text.split(maxsplit=1)
    verb = words[0].lower() if words else ""
    mentioned = USER_MENTION.findall(words[1]) if len(words) == 2 else []
    if verb not in ("add", "remove") or not mentioned:
        usage = "Usage: `partnerbot managers add @person` or `partnerbot managers remove @person`"
        return [Reply(text=usage, visibility="only_actor")]
    platform, actor = request.actor.platform, _actor_key(request)
    if verb == "remove" and request.actor.user_id in mentioned:
        return [Reply(text="Ask another admin to remove you.", visibility="only_actor")]
    names = []
    async with deps.sessions() as session, session.begin():
        for user_id in mentioned:
            if verb == "add":
                person = await add_manager(session, platform, user_id, actor=actor, deps=deps)
                names.append(f"<@{person.user_id}>")
            else:
                await offboarding.remove_manager(session, platform, user_id, actor=actor, deps=deps)
                names.append(f"<@{user_id}>")
    if verb == "add":
        return [Reply(text=f"{', '.join(names)} can now manage partners.")]
    return [Reply(text=f"{', '.join(names)} no longer manage partners.")]


async def add_manager(
    session: AsyncSession,
    platform: str,
    user_id: str,
    *,
    actor: str,
    deps: Deps,
    name: str | None = None,
    role: str = "manager",
) -> people_store.Person:
    """Give a person the manager (or admin) role; used by chat and the CLI.

    Raises:
        NotAllowed: the person is from an external organisation.
    """
    person = await people_store.get_person(session, platform, user_id)
    if person is not None and person.is_external:
        raise NotAllowed("People from other organisations can't be channel managers.")
    person = await people_store.upsert_person(session, platform, user_id, name=name, role=role)
    await audit.add_audit(
        session,
        actor=actor,
        action=f"person.{role}",
        subject=f"{platform}:{user_id}",
        at=deps.clock(),
    )
    return person


ROUTES = Routes(commands={"link": link_channel, "partners": list_partners, "managers": managers})
