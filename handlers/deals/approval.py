"""The manager side of deal registration: approve, reject (reason), ask for info
(question), and answer extension requests. Decisions post into the registration's thread.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import ButtonClick, FormSubmit, Reply, Request, ids
from bot.core.codec import decode
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from bot.core.untrusted import untrusted
from handlers import fields
from handlers.caller import Caller
from handlers.deals.forms import DealRef, reason_form, with_values
from handlers.deals.history import record_change
from handlers.deals.notices import (
    deal_facts,
    decided_line,
    manager_card,
    manager_recipients,
    partner_row,
    post_to_partner,
    when,
)
from handlers.deals.rules import MAX_REASON, protection_days
from handlers.deps import Deps
from handlers.notify import outbox_row, person_destination
from handlers.routes import Routes
from storage import deal_reads
from storage import deals as deal_store
from storage.deals import Deal
from storage.people import Person

logger = logging.getLogger(__name__)


def may_decide(caller: Caller, deal: Deal) -> bool:
    """Only the partner's owning manager, or an admin, decides on its registrations."""
    return caller.is_admin or (caller.is_staff and caller.person_id == deal.partner.manager_id)


async def load_for_decision(session: AsyncSession, caller: Caller, deal_id: int) -> Deal:
    """The registration, locked, once the caller may decide on it.

    Raises:
        NotFound: no such registration, or the caller is not staff (nothing leaks).
        NotAllowed: staff who do not own the partner.
    """
    deal = await deal_reads.get_deal(session, deal_id, for_update=True)
    if deal is None or not caller.is_staff:
        raise NotFound("registration", deal_id)
    if not may_decide(caller, deal):
        raise NotAllowed(
            f"Only {deal.partner.name}'s channel manager or an admin can decide on {deal.ref}."
        )
    return deal


async def approve(
    session: AsyncSession, deps: Deps, deal: Deal, *, actor_id: int | None, actor_name: str
) -> None:
    """Approve and protect for the tier's period; tell the partner's thread."""
    now = deps.clock()
    settings = deps.settings
    days = protection_days(
        deal.partner.tier,
        default=settings.deal_protection_days,
        by_tier=settings.deal_protection_days_by_tier,
    )
    kind = "approved" if actor_id is not None else "auto_approved"
    protected_until = now + timedelta(days=days)
    how = "approved automatically" if actor_id is None else "approved by your channel manager"

    async def notice() -> list[dict[str, object]]:  # with the change on `deal`
        until = protected_until.date().isoformat()
        reply = Reply(
            text=f"*{deal.ref}* ({untrusted(deal.company)}) was {how}. "
            f"It is protected until {until}.",
            facts=deal_facts(deal),
        )
        row = partner_row(deal, reply, now=deps.clock())
        return [row] if row is not None else []

    await record_change(
        session,
        deps,
        deal,
        to=deal_store.APPROVED,
        kind=kind,
        actor_id=actor_id,
        actor_name=actor_name,
        changes={
            "decided_at": now,
            "decided_by_id": actor_id,
            "decided_by_name": actor_name,
            "protected_until": protected_until,
        },
        messages=notice,
    )


def _decided(deal: Deal) -> list[Reply] | None:
    if deal.status in deal_store.UNDECIDED_STATUSES:
        return None
    return [Reply(text=decided_line(deal), visibility="only_actor")]


def deal_ref(raw: str) -> int:
    """The registration a button value or form metadata names."""
    return decode(DealRef, raw).deal_id


async def on_approve(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    async with deps.sessions() as session, session.begin():
        deal = await load_for_decision(session, caller, deal_ref(click.value))
        if (done := _decided(deal)) is not None:
            return done
        await approve(session, deps, deal, actor_id=caller.person_id, actor_name=caller.name)
        until = when(deal.protected_until)
    return [
        Reply(
            text=f"You approved *{deal.ref}* ({untrusted(deal.company)}); protected until {until}.",
            replace_original=True,
        )
    ]


async def on_reject(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    return await _ask_reason(click, caller, deps, ids.FORM_DEAL_REJECT)


async def on_ask_info(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    return await _ask_reason(click, caller, deps, ids.FORM_DEAL_INFO)


async def _ask_reason(click: ButtonClick, caller: Caller, deps: Deps, form_id: str) -> list[Reply]:
    async with deps.sessions() as session:
        deal = await load_for_decision(session, caller, deal_ref(click.value))
    if (done := _decided(deal)) is not None:
        return done
    form = reason_form(form_id, deal_id=deal.id)
    return [Reply(text=form.title, form=form, visibility="only_actor")]


def _reason(submit: FormSubmit, form_id: str) -> str:
    raw = submit.values.get("reason")
    reason = fields.typed_text(raw) if isinstance(raw, str) else ""
    error = None
    if not reason:
        error = "Please write something the partner can act on."
    elif len(reason) > MAX_REASON:
        error = f"Keep it under {MAX_REASON} characters."
    if error is not None:
        deal_id = deal_ref(submit.metadata)
        form = reason_form(form_id, deal_id=deal_id)
        raise InvalidInput({"reason": error}, with_values(form, submit.values, {"reason": error}))
    return reason


async def submit_reject(
    request: Request, submit: FormSubmit, caller: Caller, deps: Deps
) -> list[Reply]:
    reason = _reason(submit, ids.FORM_DEAL_REJECT)
    async with deps.sessions() as session, session.begin():
        deal = await load_for_decision(session, caller, deal_ref(submit.metadata))
        if (done := _decided(deal)) is not None:
            return done
        deal.decided_at, deal.decided_by_id = deps.clock(), caller.person_id
        deal.decided_by_name, deal.decision_reason = caller.name, reason
        await record_change(
            session,
            deps,
            deal,
            to=deal_store.REJECTED,
            kind="rejected",
            actor_id=caller.person_id,
            actor_name=caller.name,
            reason=reason,
        )
        await post_to_partner(
            session,
            deps,
            deal,
            Reply(
                text=f"*{deal.ref}* ({untrusted(deal.company)}) was not approved. Reason: {reason}"
            ),
        )
    return [Reply(text=f"You rejected *{deal.ref}*. I've told the partner why.")]


async def submit_info_request(
    request: Request, submit: FormSubmit, caller: Caller, deps: Deps
) -> list[Reply]:
    question = _reason(submit, ids.FORM_DEAL_INFO)
    async with deps.sessions() as session, session.begin():
        deal = await load_for_decision(session, caller, deal_ref(submit.metadata))
        if (done := _decided(deal)) is not None:
            return done
        deal.info_question = question
        await record_change(
            session,
            deps,
            deal,
            to=deal_store.INFO_REQUESTED,
            kind="info_requested",
            actor_id=caller.person_id,
            actor_name=caller.name,
            reason=question,
        )
        await post_to_partner(
            session,
            deps,
            deal,
            Reply(
                text="Your channel manager has a question about "
                f"*{deal.ref}* ({untrusted(deal.company)}):\n"
                f"> {question}\nPlease answer in this thread.",
            ),
        )
    return [Reply(text=f"I've asked the partner in {deal.ref}'s thread; their answer comes here.")]


async def record_answer(
    session: AsyncSession,
    deps: Deps,
    deal: Deal,
    caller: Caller,
    answer: str,
    *,
    manager: Person | None = None,
) -> None:
    """The partner answered the info request: back to pending, the manager sees it
    (`manager`: the partner's owning manager when the caller already read it)."""

    async def to_manager() -> list[dict[str, object]]:  # with the change on `deal`
        note = (
            f"*{deal.partner.name}* answered your question on {deal.ref}:\n"
            f"> {deal.info_question or ''}\n"
            f"{untrusted(caller.name)}: {untrusted(answer[:MAX_REASON])}"
        )
        card = manager_card(
            deal, partner_name=deal.partner.name, submitted_by=caller.name, note=note
        )
        recipients = await manager_recipients(session, deal, manager=manager)
        now = deps.clock()
        return [outbox_row(person_destination(person), card, now=now) for person in recipients]

    await record_change(
        session,
        deps,
        deal,
        to=deal_store.PENDING,
        kind="info_answered",
        actor_id=caller.person_id,
        actor_name=caller.name,
        reason=answer[:MAX_REASON],
        messages=to_manager,
    )


ROUTES = Routes(
    actions={
        ids.DEAL_APPROVE: on_approve,
        ids.DEAL_REJECT: on_reject,
        ids.DEAL_ASK_INFO: on_ask_info,
    },
    forms={ids.FORM_DEAL_REJECT: submit_reject, ids.FORM_DEAL_INFO: submit_info_request},
)
