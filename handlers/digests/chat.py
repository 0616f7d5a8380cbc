"""`/partnerbot digest …`, `/partnerbot target …` and `/partnerbot scorecard [partner]`."""

from __future__ import annotations

from dataclasses import replace

from bot.core import Fact, Reply, Request
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from handlers.caller import Caller
from handlers.checkins.timing import WEEKDAYS, parse_time, parse_weekday, parse_zone
from handlers.deps import Deps
from handlers.digests.build import build_digest
from handlers.digests.due import PERIODS, next_digest
from handlers.digests.kpis import at_risk, kpi_facts, load_kpis
from handlers.digests.targets import parse_target_words, set_partner_target
from storage import digests as store
from storage import partners as partner_store
from storage import people as people_store
from storage.quarters import Quarter

DIGEST_USAGE = (
    "Usage: `/partnerbot digest daily 08:30 [Europe/Berlin]`, `digest weekly mon 08:30 "
    "[Europe/Berlin]`, `digest off`, `digest now`, `digest` (shows the setting)."
)


def _private(text: str) -> list[Reply]:
    return [Reply(text=text, visibility="only_actor")]


async def digest_command(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    if not caller.is_staff:
        raise NotAllowed("Digests are for channel managers.")
    words = request.text.split()
    head = words[0].lower() if words else "show"
    now = deps.clock()
    if head == "now":
        async with deps.sessions() as session:
            person = await people_store.get_person_by_id(session, caller.person_id)
            assert person is not None
            sub = await store.get_subscription(session, caller.person_id)
            since = sub.last_sent_at if sub and sub.last_sent_at else now - PERIODS["weekly"]
            digest = await build_digest(session, deps, person, since=since, now=now)
        # only to the caller: `digest now` in a partner's channel must not show there
        return [replace(reply, visibility="only_actor") for reply in digest.replies()]
    if head not in ("show", "off", "daily", "weekly"):
        return _private(f"I couldn't read that. {DIGEST_USAGE}")
    async with deps.sessions() as session, session.begin():
        sub = await store.get_subscription(session, caller.person_id)
        if head == "show":
            if sub is None or sub.cadence == "off":
                return _private(f"Your digest is off. {DIGEST_USAGE}")
            return _private(_describe(sub.cadence, sub.weekday, sub.local_time, sub.timezone))
        rest = words[1:]
        weekday = 0
        try:
            if head == "weekly":
                weekday = parse_weekday(rest.pop(0)) if rest else 0
            local_time = rest[0] if rest else "08:30"
            parse_time(local_time)
            zone = rest[1] if len(rest) > 1 else (sub.timezone if sub else "UTC")
            parse_zone(zone)
        except InvalidInput as exc:
            return _private(f"I couldn't use that: {'; '.join(exc.field_errors.values())}.")
        due = next_digest(head, weekday=weekday, local_time=local_time, timezone=zone, after=now)
        await store.save_subscription(
            session,
            caller.person_id,
            cadence=head,
            weekday=weekday,
            local_time=local_time,
            timezone=zone,
            next_due_at=due,
            now=now,
        )
    if head == "off":
        return _private("Your digest is off.")
    line = _describe(head, weekday, local_time, zone)
    return _private(f"{line} Next: {due:%Y-%m-%d %H:%M} UTC." if due else line)


def _describe(cadence: str, weekday: int, local_time: str, zone: str) -> str:
    when = f"every {WEEKDAYS[weekday]}" if cadence == "weekly" else "every day"
    return f"Your digest comes {when} at {local_time} ({zone}), to your direct messages."


async def target_command(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    if not caller.is_staff:
        raise NotAllowed("Only channel managers set targets.")
    try:
        words = parse_target_words(request.text)
    except InvalidInput as exc:
        return _private(f"I couldn't read that: {'; '.join(exc.field_errors.values())}.")
    name = words.partner or caller.channel_partner_name or ""
    now = deps.clock()
    async with deps.sessions() as session, session.begin():
        line = await set_partner_target(
            session,
            name,
            cents=words.cents,
            currency=words.currency or deps.settings.deal_default_currency,
            quarter=words.quarter or Quarter.of(now),
            now=now,
            manager_id=None if caller.is_admin else caller.person_id,
        )
    return _private(line)


async def scorecard_command(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """A partner's KPIs this quarter, with last quarter's beside them. Managers: their
    partners (admins: any); partner admins: their own organisation only."""
    name = request.text.strip()
    now = deps.clock()
    async with deps.sessions() as session:
        if caller.is_staff:
            partner = (
                await partner_store.get_partner_by_name(session, name)
                if name
                else await _channel_partner(session, caller)
            )
            if partner is None:
                if not name:
                    return _private("Usage: `/partnerbot scorecard <partner>`.")
                raise NotFound("partner", name)
            if not caller.is_admin and partner.manager_id != caller.person_id:
                raise NotAllowed(f"{partner.name} is not one of your partners.")
        else:
            if caller.role != "partner_admin" or caller.partner_id is None:
                raise NotAllowed("Scorecards are for partner admins and channel managers.")
            partner = await partner_store.get_partner(session, caller.partner_id)
            assert partner is not None
            if name and partner_store.name_key(name) != partner.name_key:
                raise NotAllowed("You can see your own organisation's scorecard only.")
        quarter = Quarter.of(now)
        this = (await load_kpis(session, deps.settings, [partner.id], quarter, now=now))[partner.id]
        last = (await load_kpis(session, deps.settings, [partner.id], quarter.previous(), now=now))[
            partner.id
        ]
    currency = deps.settings.deal_default_currency
    previous = dict(kpi_facts(last, currency))
    facts = tuple(
        Fact(label, f"{value} · {quarter.previous().label}: {previous[label]}")
        for label, value in kpi_facts(this, currency)
    )
    reasons = at_risk(this, deps.settings, now=now) if caller.is_staff else []
    return [
        Reply(
            title=f"Scorecard: {partner.name}, {quarter.label}",
            text=f"{partner.name} this quarter, with {quarter.previous().label} beside it.",
            facts=facts,
            warning=("At risk: " + "; ".join(reasons)) if reasons else None,
            visibility="only_actor",
        )
    ]


async def _channel_partner(session: object, caller: Caller) -> partner_store.Partner | None:
    if caller.channel_partner_id is None:
        return None
    return await partner_store.get_partner(session, caller.channel_partner_id)  # type: ignore[arg-type]
