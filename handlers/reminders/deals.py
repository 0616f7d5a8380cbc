"""Deal reminders, steps of `run_due`: protection ending (14 and 3 days), protection
ended (the registration expires), approvals past the SLA, registrations gone quiet.

Each finds its due deals in one set-based query (storage.reminders) and queues one
outbox message per reminder with a dedupe key, in one INSERT, so a reminder goes out
once however often `run_due` runs and on however many replicas. A key carries what
makes the reminder new (the protection end, the last update), so an extended
registration is reminded again before its new end.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Button, Reply, ids
from bot.core.codec import action_id, encode
from bot.core.delivery import Destination
from handlers import fields
from handlers.deals.forms import DealRef
from handlers.deals.notices import DEAL_THREAD, manager_card
from handlers.deps import Deps
from handlers.notify import outbox_row, person_destination, queue_rows
from handlers.reminders.business_time import business_cutoff
from storage import deals as deal_store
from storage import people as people_store
from storage import reminders as store
from storage.deals import Deal
from storage.partners import Partner
from storage.reminders import DueDeal, dedupe_key_sql

THRESHOLDS_DAYS = (14, 3)
QUIET_DAYS = 30


def _ref(deal_id: int) -> str:
    return deal_store.deal_ref(deal_id)


def _in_thread(due: DueDeal, reply: Reply, now: datetime) -> dict[str, object] | None:
    """An outbox row for the deal's partner thread; None when the partner has no channel."""
    if due.platform is None or due.channel_id is None:
        return None
    destination = Destination(platform=due.platform, channel_id=due.channel_id)  # type: ignore[arg-type]
    return outbox_row(
        destination,
        reply,
        dedupe_key=due.dedupe_key,
        now=now,
        thread_key=f"{DEAL_THREAD}:{due.deal_id}",
    )


async def _queue(deps: Deps, session: AsyncSession, rows: list[dict[str, object] | None]) -> int:
    return await queue_rows(session, deps, [r for r in rows if r is not None])


def ending_reply(due: DueDeal, days: int) -> Reply:
    ends = due.protected_until.date().isoformat() if due.protected_until else "soon"
    value = encode(DealRef(deal_id=due.deal_id))
    return Reply(
        text=f"The protection of **{_ref(due.deal_id)}** ({due.company}) ends on {ends}, "
        f"in {days} days. Still working on it? Ask for an extension.",
        buttons=(
            Button(
                "Request extension",
                action_id(ids.DEAL_REQUEST_EXTENSION, due.deal_id),
                value,
            ),
        ),
    )


async def remind_protection_ending(deps: Deps, now: datetime) -> int:
    """Approved registrations whose protection ends within 14 days, then within 3 days:
    one reminder each in the registration's thread, with the extension button."""
    queued = 0
    async with deps.sessions() as session, session.begin():
        for days, floor in zip(THRESHOLDS_DAYS, (*THRESHOLDS_DAYS[1:], 0), strict=True):
            key = dedupe_key_sql(f"deal-ending:{days}:", Deal.protected_until)
            due = await store.find_due(
                session,
                key,
                Deal.status == deal_store.APPROVED,
                Deal.protected_until > now + timedelta(days=floor),
                Deal.protected_until <= now + timedelta(days=days),
            )
            queued += await _queue(
                deps, session, [_in_thread(d, ending_reply(d, days), now) for d in due]
            )
    return queued


async def expire_protection(deps: Deps, now: datetime) -> int:
    """Registrations whose protection ended become `expired` (with a deal_events row);
    the partner is told in the registration's thread."""
    async with deps.sessions() as session, session.begin():
        expired = await store.expire_ended(session, now=now)
        if not expired:
            return 0
        key = dedupe_key_sql("deal-expired:")
        due = await store.find_due(session, key, Deal.id.in_(expired))
        rows = [
            _in_thread(
                d,
                Reply(
                    text=f"The protection of **{_ref(d.deal_id)}** ({d.company}) has ended; "
                    "the registration is now expired. Register it again if the deal is "
                    "still open."
                ),
                now,
            )
            for d in due
        ]
        return await _queue(deps, session, rows)


def _waited(sla_hours: float, now: datetime, timezones: list[str]) -> ColumnElement[bool]:
    """Pending at least `sla_hours` business hours in the partner's time zone: one
    cutoff per time zone, so the query stays one SELECT."""
    return or_(
        *(
            and_(
                Partner.timezone == name,
                Deal.submitted_at <= business_cutoff(now, sla_hours, fields.zone_or_utc(name)),
            )
            for name in timezones
        )
    )


async def remind_stalled_approvals(deps: Deps, now: datetime) -> int:
    """Registrations pending longer than DEAL_APPROVAL_SLA_HOURS business hours
    (Monday to Friday in the partner's time zone; 48 = two business days): the owning
    manager gets the approval card again (admins when the partner has no manager);
    past twice the SLA, every program admin is told too."""
    sla = deps.settings.deal_approval_sla_hours
    async with deps.sessions() as session, session.begin():
        timezones = await store.pending_timezones(session)
        if not timezones:
            return 0
        pending = Deal.status == deal_store.PENDING
        first = await store.find_due(
            session, dedupe_key_sql("deal-sla:"), pending, _waited(sla, now, timezones)
        )
        second = await store.find_due(
            session, dedupe_key_sql("deal-sla-admins:"), pending, _waited(2 * sla, now, timezones)
        )
        if not (first or second):
            return 0
        deals = {
            d.id: d
            for d in await deal_store.get_deals(session, [d.deal_id for d in first + second])
        }
        admins = await people_store.list_people(session, role="admin")
        managers = {
            p.id: p
            for p in [
                await people_store.get_person_by_id(session, m)
                for m in {d.manager_id for d in first if d.manager_id is not None}
            ]
            if p is not None
        }
        rows: list[dict[str, object] | None] = []
        for due in first:
            card = _card(deals[due.deal_id], f"Waiting for your decision for over {_span(sla)}.")
            manager = managers.get(due.manager_id) if due.manager_id is not None else None
            rows.extend(_to_people(due.dedupe_key, [manager] if manager else admins, card, now))
        for due in second:
            card = _card(
                deals[due.deal_id],
                f"Still undecided after {_span(2 * sla)}: the channel manager was reminded.",
            )
            rows.extend(_to_people(due.dedupe_key, admins, card, now))
        return await _queue(deps, session, rows)


def _span(hours: int) -> str:
    """48 -> "2 business days"; 12 -> "12 business hours"."""
    if hours % 24 == 0:
        days = hours // 24
        return f"{days} business day{'s' * (days != 1)}"
    return f"{hours} business hours"


def _card(deal: Deal, note: str) -> Reply:
    card = manager_card(deal, partner_name=deal.partner.name, submitted_by="reminder")
    return Reply(
        title=card.title,
        text=f"{note}\n{card.text}",
        facts=card.facts,
        buttons=card.buttons,
    )


def _to_people(
    key: str, people: list[people_store.Person], reply: Reply, now: datetime
) -> list[dict[str, object] | None]:
    """One DM per person; the first carries `key`, the others `key:<person id>`."""
    return [
        outbox_row(
            person_destination(person),
            reply,
            dedupe_key=key if n == 0 else f"{key}:{person.id}",
            now=now,
        )
        for n, person in enumerate(people)
    ]


def quiet_reply(due: DueDeal) -> Reply:
    value = encode(DealRef(deal_id=due.deal_id))
    return Reply(
        text=f"No news on **{_ref(due.deal_id)}** ({due.company}) for {QUIET_DAYS} days. "
        "Where does it stand?",
        buttons=(
            Button("Update stage", action_id(ids.DEAL_UPDATE_STAGE, due.deal_id), value),
            Button("Won", action_id(ids.DEAL_MARK_WON, due.deal_id), value, "primary"),
            Button("Lost", action_id(ids.DEAL_MARK_LOST, due.deal_id), value),
        ),
    )


async def nudge_quiet_deals(deps: Deps, now: datetime) -> int:
    """Active registrations with no update for 30 days: the partner is asked in the
    thread, with one-click stage buttons (once per quiet spell)."""
    async with deps.sessions() as session, session.begin():
        due = await store.find_due(
            session,
            dedupe_key_sql("deal-quiet:", Deal.updated_at),
            Deal.status.in_(deal_store.ACTIVE_STATUSES),
            Deal.updated_at <= now - timedelta(days=QUIET_DAYS),
        )
        return await _queue(deps, session, [_in_thread(d, quiet_reply(d), now) for d in due])


__all__ = [
    "expire_protection",
    "nudge_quiet_deals",
    "remind_protection_ending",
    "remind_stalled_approvals",
]
