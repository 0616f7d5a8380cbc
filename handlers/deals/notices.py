"""What deal registration says, and to whom: partner-thread notices, manager cards.

Partner-facing text never names another partner or shows another partner's
registration; only the manager card lists conflicting registrations.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Button, Fact, Reply, ids
from bot.core.codec import action_id, encode
from bot.core.delivery import Destination
from bot.core.untrusted import untrusted
from handlers.deals.forms import DealRef
from handlers.deals.money import format_money
from handlers.deps import Deps
from handlers.notify import outbox_row, person_destination, queue_reply
from storage import deal_reads
from storage import deals as deal_store
from storage import people as people_store
from storage.deals import Deal

logger = logging.getLogger(__name__)

CONFLICT_LABELS = {
    "horizontal": "Horizontal conflict: another partner registered this domain",
    "channel": "Channel conflict: this domain is a house account",
    "possible_duplicate": "Possible duplicate: a similar company name is registered elsewhere",
}
STATUS_LABELS = {
    deal_store.PENDING: "waiting for approval",
    deal_store.INFO_REQUESTED: "more information requested",
    deal_store.APPROVED: "approved",
    deal_store.REJECTED: "rejected",
    deal_store.WON: "won",
    deal_store.LOST: "lost",
    deal_store.EXPIRED: "expired",
    deal_store.WITHDRAWN: "withdrawn",
}
SAVE_FAILED = "I couldn't save your registration just now. Nothing is lost: submit the form again."


#: The owner part of a registration's thread key (`deal:42`).
DEAL_THREAD = "deal"


def thread_key(deal: Deal) -> str:
    return f"{DEAL_THREAD}:{deal.id}"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "—"


def deal_facts(deal: Deal, *, partner_name: str | None = None) -> tuple[Fact, ...]:
    """The registration as label/value pairs (`partner_name` only on staff views)."""
    facts = [
        Fact("Company", deal.company),
        Fact("Domain", deal.domain),
        Fact("Value", format_money(deal.value_cents, deal.currency)),
        Fact("Close date", deal.close_date.isoformat()),
        Fact("Products", ", ".join(deal.products) or "—"),
        Fact("Stage", deal.stage.capitalize()),
        Fact("Status", STATUS_LABELS.get(deal.status, deal.status)),
    ]
    if partner_name is not None:
        facts.insert(0, Fact("Partner", partner_name))
    if deal.contact:
        facts.append(Fact("Contact", deal.contact))
    if deal.protected_until is not None and deal.status == deal_store.APPROVED:
        facts.append(Fact("Protected until", deal.protected_until.date().isoformat()))
    if deal.won_amount_cents is not None:
        facts.append(Fact("Won amount", format_money(deal.won_amount_cents, deal.currency)))
    return tuple(facts)


def decided_line(deal: Deal) -> str:
    """Who decided a registration, and when (the answer to a second click)."""
    verb = STATUS_LABELS.get(deal.status, deal.status)
    who = untrusted(deal.decided_by_name) or "a channel manager"
    return f"{deal.ref} was already {verb} by {who} on {when(deal.decided_at)}."


def decision_buttons(deal: Deal) -> tuple[Button, ...]:
    value = encode(DealRef(deal_id=deal.id))
    return (
        Button("Approve", action_id(ids.DEAL_APPROVE, deal.id), value, style="primary"),
        Button("Reject", action_id(ids.DEAL_REJECT, deal.id), value, style="danger"),
        Button("Ask for info", action_id(ids.DEAL_ASK_INFO, deal.id), value),
    )


def extension_buttons(deal: Deal) -> tuple[Button, ...]:
    value = encode(DealRef(deal_id=deal.id))
    return (
        Button(
            "Approve extension", action_id(ids.DEAL_APPROVE_EXTENSION, deal.id), value, "primary"
        ),
        Button(
            "Decline extension", action_id(ids.DEAL_DECLINE_EXTENSION, deal.id), value, "danger"
        ),
    )


def manager_card(
    deal: Deal,
    *,
    partner_name: str,
    submitted_by: str,
    conflicts: Sequence[Deal] = (),
    house_account: str | None = None,
    note: str | None = None,
) -> Reply:
    """The approval card: the registration, any conflicting ones side by side, buttons."""
    lines = [note or f"*{partner_name}* registered a deal ({untrusted(submitted_by)})."]
    if deal.conflict_kind in CONFLICT_LABELS:
        lines.append(f"**{CONFLICT_LABELS[deal.conflict_kind]}.**")
    if house_account:
        lines.append(f"- House account: {house_account}")
    for other in conflicts:
        lines.append(
            f"- {other.ref} · {other.partner.name} · {untrusted(other.company)} · {other.domain} · "
            f"{format_money(other.value_cents, other.currency)} · "
            f"{STATUS_LABELS.get(other.status, other.status)}"
        )
    if deal.notes:
        lines.append(f"Notes: {untrusted(deal.notes)}")
    return Reply(
        title=f"Deal registration {deal.ref}",
        text="\n".join(lines),
        facts=deal_facts(deal, partner_name=partner_name),
        buttons=decision_buttons(deal),
    )


async def post_to_partner(session: AsyncSession, deps: Deps, deal: Deal, reply: Reply) -> bool:
    """Queue `reply` in the registration's thread in the partner's channel (the thread
    starts with the first message). False when the partner has no channel."""
    destination = partner_destination(deal)
    if destination is None:
        return False
    await queue_reply(
        session, deps, destination=destination, reply=reply, thread_key=thread_key(deal)
    )
    return True


def partner_row(deal: Deal, reply: Reply, *, now: datetime) -> dict[str, object] | None:
    """`post_to_partner` as an `outbox_row` for `queue_new_rows` (None: no channel)."""
    destination = partner_destination(deal)
    if destination is None:
        return None
    return outbox_row(destination, reply, now=now, thread_key=thread_key(deal))


def partner_destination(deal: Deal) -> Destination | None:
    """The partner's channel for the registration's thread (None, logged: it has none)."""
    destination = _partner_channel(deal)
    if destination is None:
        logger.warning(
            "%s: partner %s has no channel; thread notice skipped", deal.ref, deal.partner_id
        )
    return destination


def _partner_channel(deal: Deal) -> Destination | None:
    channels = list(deal.partner.channels)
    origin = [
        c
        for c in channels
        if c.platform == deal.origin_platform and c.channel_id == deal.origin_channel_id
    ]
    same_platform = [c for c in channels if c.platform == deal.origin_platform]
    found = origin or same_platform or channels
    if not found:
        return None
    chosen = found[0]
    return Destination(platform=chosen.platform, channel_id=chosen.channel_id)  # type: ignore[arg-type]


async def post_to_manager(
    session: AsyncSession,
    deps: Deps,
    deal: Deal,
    reply: Reply,
    *,
    manager: people_store.Person | None = None,
) -> int:
    """Queue `reply` as a DM to the partner's owning manager (or every admin when the
    partner has none). Returns how many people it was queued for.

    Args:
        manager: the owning manager when the caller already loaded it.
    """
    recipients = await manager_recipients(session, deal, manager=manager)
    for person in recipients:
        await queue_reply(session, deps, destination=person_destination(person), reply=reply)
    return len(recipients)


async def announce(session: AsyncSession, deps: Deps, deal: Deal, text: str) -> None:
    """Queue `text` in the registration's thread and, prefixed with the partner's name,
    to its manager: a change both sides must hear of (won, lost, withdrawn)."""
    await post_to_partner(session, deps, deal, Reply(text=text))
    await post_to_manager(session, deps, deal, Reply(text=f"{deal.partner.name}: {text}"))


async def manager_recipients(
    session: AsyncSession, deal: Deal, *, manager: people_store.Person | None = None
) -> list[people_store.Person]:
    """Who gets the registration's manager messages: the partner's owning manager (as
    given, or loaded), else every admin (logged when there is nobody)."""
    recipients: list[people_store.Person] = [manager] if manager is not None else []
    if not recipients and deal.partner.manager_id is not None:
        manager = await deal_reads.get_person_by_id(session, deal.partner.manager_id)
        recipients = [manager] if manager is not None else []
    if not recipients:
        recipients = await people_store.list_people(session, role="admin")
    if not recipients:
        logger.warning("%s: no manager or admin to notify", deal.ref)
    return recipients
