"""`/deals [status]`: a partner's own registrations (update stage, won, lost, extension);
a manager's view of the partners they own, with filters."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Button, ButtonClick, FormSubmit, Reply, Request, ids
from bot.core.codec import action_id, decode, encode
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from bot.core.untrusted import untrusted
from handlers import fields, messages
from handlers.caller import Caller
from handlers.deals.approval import extension_card, may_decide
from handlers.deals.forms import DealRef, reason_form, stage_form, with_values, won_form
from handlers.deals.history import record_change
from handlers.deals.notices import (
    deal_facts,
    decision_buttons,
    extension_buttons,
    post_to_manager,
    post_to_partner,
    when,
)
from handlers.deals.rules import MAX_REASON, STAGES, format_money, parse_amount, sentence
from handlers.deps import Deps
from handlers.routes import Routes
from storage import deals as deal_store
from storage import partners as partner_store
from storage.deals import Deal

logger = logging.getLogger(__name__)

SHOWN = 10
_PARTNER_OPTION = re.compile(r"""partner=("[^"]*"|'[^']*'|\S+)""", re.I)
_ALIASES = {"open": deal_store.ACTIVE_STATUSES, "active": deal_store.ACTIVE_STATUSES}
USAGE = (
    "Usage: `/deals [status]` where status is one of "
    f"{', '.join(('open', *deal_store.STATUSES))}; managers may add `partner=<name>`."
)


@dataclass(frozen=True)
class DealFilter:
    statuses: tuple[str, ...] = ()
    partner: str | None = None


def parse_filter(text: str) -> DealFilter:
    """`approved`, `open partner="Acme Corp"` -> DealFilter.

    Raises:
        InvalidInput: a word that is not a status.
    """
    partner = None
    match = _PARTNER_OPTION.search(text)
    if match is not None:
        partner = match.group(1).strip("\"'")
        text = _PARTNER_OPTION.sub(" ", text)
    statuses: list[str] = []
    for word in text.lower().replace(",", " ").split():
        if word == "all":
            continue
        if word in _ALIASES:
            statuses.extend(_ALIASES[word])
        elif word.replace("-", "_") in deal_store.STATUSES:
            statuses.append(word.replace("-", "_"))
        else:
            raise InvalidInput({"status": f"unknown status {word!r}"})
    return DealFilter(tuple(dict.fromkeys(statuses)), partner)


async def _visible_partner_ids(
    session: AsyncSession, caller: Caller, wanted: str | None
) -> list[int] | None:
    """The partners whose registrations the caller may see (None = all, for admins).
    A partner person sees only their own organisation, whatever they ask for."""
    if not caller.is_staff:
        partner_id = caller.acting_partner_id
        if partner_id is None:
            raise NotAllowed(messages.NOT_A_PARTNER_CHANNEL)
        return [partner_id]
    if wanted is not None:
        partner = await partner_store.get_partner_by_name(session, wanted)
        if partner is None or not (caller.is_admin or partner.manager_id == caller.person_id):
            raise NotFound("partner", wanted)
        return [partner.id]
    if caller.is_admin:
        return None
    return [p.id for p in await partner_store.list_partners(session, manager_id=caller.person_id)]


async def list_deals(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """`/deals [status] [partner=..]`: one summary, then each registration with actions."""
    try:
        wanted = parse_filter(request.text)
    except InvalidInput:
        return [Reply(text=USAGE, visibility="only_actor")]
    async with deps.sessions() as session:
        partner_ids = await _visible_partner_ids(session, caller, wanted.partner)
        found = (
            []
            if partner_ids == []
            else await deal_store.list_deals(
                session, partner_ids=partner_ids, statuses=wanted.statuses, limit=SHOWN + 1
            )
        )
    if not found:
        text = "No deal registrations match." if wanted.statuses else "No deal registrations yet."
        return [Reply(text=f"{text} Register one with `/register-deal`.", visibility="only_actor")]
    more = (
        f" (showing the newest {SHOWN}; filter by status to narrow)" if len(found) > SHOWN else ""
    )
    replies = [
        Reply(
            title="Deal registrations",
            text=f"{len(found[:SHOWN])} found{more}.",
            visibility="only_actor",
        )
    ]
    replies.extend(_deal_reply(deal, caller) for deal in found[:SHOWN])
    return replies


def _deal_reply(deal: Deal, caller: Caller) -> Reply:
    staff = caller.is_staff
    buttons: list[Button] = []
    value = encode(DealRef(deal_id=deal.id))
    if staff and may_decide(caller, deal):
        if deal.status in deal_store.UNDECIDED_STATUSES:
            buttons.extend(decision_buttons(deal))
        if deal.extension_status == deal_store.EXTENSION_REQUESTED:
            buttons.extend(extension_buttons(deal))
    elif not staff:
        if deal.status in deal_store.ACTIVE_STATUSES:
            buttons.append(Button("Update stage", action_id(ids.DEAL_UPDATE_STAGE, deal.id), value))
            buttons.append(Button("Won", action_id(ids.DEAL_MARK_WON, deal.id), value, "primary"))
            buttons.append(Button("Lost", action_id(ids.DEAL_MARK_LOST, deal.id), value))
        if (
            deal.status == deal_store.APPROVED
            and deal.extension_status != deal_store.EXTENSION_REQUESTED
        ):
            label = "Request extension"
            buttons.append(Button(label, action_id(ids.DEAL_REQUEST_EXTENSION, deal.id), value))
    context: tuple[str, ...] = ()
    if deal.extension_status == deal_store.EXTENSION_REQUESTED:
        context = (f"Extension requested {when(deal.extension_requested_at)}",)
    return Reply(
        title=f"{deal.ref} · {deal.company}",
        text=f"{deal.domain} · {format_money(deal.value_cents, deal.currency)}",
        facts=deal_facts(deal, partner_name=deal.partner.name if staff else None),
        buttons=tuple(buttons),
        context=context,
        visibility="only_actor",
    )


async def _on_menu_my_deals(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    scoped = Request(actor=request.actor, place=request.place, text="")
    return await list_deals(scoped, caller, deps)


async def _load_own(session: AsyncSession, caller: Caller, deal_id: int) -> Deal:
    """A registration the caller's organisation owns (or staff owning its partner).
    Anything else is "not found": a partner never learns another's registration exists."""
    deal = await deal_store.get_deal(session, deal_id, for_update=True)
    if deal is None:
        raise NotFound("registration", deal_id)
    own = not caller.is_staff and caller.acting_partner_id == deal.partner_id
    if not (own or (caller.is_staff and may_decide(caller, deal))):
        raise NotFound("registration", deal_id)
    return deal


def _deal_id(raw: str) -> int:
    """The registration a button value or form metadata names."""
    return decode(DealRef, raw).deal_id


def _require_active(deal: Deal) -> None:
    if deal.status not in deal_store.ACTIVE_STATUSES:
        raise NotAllowed(f"{deal.ref} is {deal.status}; it can't be changed any more.")


async def on_update_stage(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    async with deps.sessions() as session:
        deal = await _load_own(session, caller, _deal_id(click.value))
    _require_active(deal)
    form = stage_form(deal_id=deal.id, current=deal.stage)
    return [Reply(text=f"Update {deal.ref}", form=form, visibility="only_actor")]


async def on_mark_won(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    async with deps.sessions() as session:
        deal = await _load_own(session, caller, _deal_id(click.value))
    _require_active(deal)
    form = won_form(deal_id=deal.id, initial=format_money(deal.value_cents, deal.currency))
    return [Reply(text=f"{deal.ref} won", form=form, visibility="only_actor")]


async def on_mark_lost(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    async with deps.sessions() as session:
        deal = await _load_own(session, caller, _deal_id(click.value))
    _require_active(deal)
    form = reason_form(ids.FORM_DEAL_LOST, deal_id=deal.id)
    return [Reply(text=form.title, form=form, visibility="only_actor")]


async def submit_stage(
    request: Request, submit: FormSubmit, caller: Caller, deps: Deps
) -> list[Reply]:
    stage = str(submit.values.get("stage") or "").lower()
    if stage not in STAGES:
        form = stage_form(deal_id=_deal_id(submit.metadata), current="")
        errors = {"stage": f"Pick a stage: {', '.join(STAGES)}."}
        raise InvalidInput(errors, with_values(form, submit.values, errors))
    async with deps.sessions() as session, session.begin():
        deal = await _load_own(session, caller, _deal_id(submit.metadata))
        _require_active(deal)
        before, deal.stage = deal.stage, stage
        await record_change(
            session,
            deps,
            deal,
            actor_id=caller.person_id,
            actor_name=caller.name,
            kind="stage_changed",
            detail={"from_stage": before, "to_stage": stage},
        )
        await post_to_partner(
            session,
            deps,
            deal,
            Reply(
                text=f"{untrusted(caller.name)} moved *{deal.ref}* to stage {stage.capitalize()}."
            ),
        )
    return [
        Reply(text=f"{deal.ref} is now at stage {stage.capitalize()}.", visibility="only_actor")
    ]


async def submit_won(
    request: Request, submit: FormSubmit, caller: Caller, deps: Deps
) -> list[Reply]:
    raw = submit.values.get("amount")
    async with deps.sessions() as session, session.begin():
        deal = await _load_own(session, caller, _deal_id(submit.metadata))
        _require_active(deal)
        try:
            cents, currency = parse_amount(raw if isinstance(raw, str) else "")
            if cents <= 0 or (currency or deal.currency) != deal.currency:
                raise ValueError(f"give the amount in {deal.currency}, e.g. 48,000 {deal.currency}")
        except ValueError as exc:
            form = won_form(deal_id=deal.id, initial=None)
            errors = {"amount": sentence(str(exc))}
            raise InvalidInput(errors, with_values(form, submit.values, errors)) from exc
        deal.won_amount_cents = cents
        await record_change(
            session,
            deps,
            deal,
            actor_id=caller.person_id,
            actor_name=caller.name,
            kind="won",
            to=deal_store.WON,
            detail={"amount_cents": cents},
        )
        money = format_money(cents, deal.currency)
        text = f"🎉 *{deal.ref}* ({untrusted(deal.company)}) was won: {money}."
        await post_to_partner(session, deps, deal, Reply(text=text))
        await post_to_manager(session, deps, deal, Reply(text=f"{deal.partner.name}: {text}"))
    return [Reply(text=f"Marked {deal.ref} as won. Congratulations!", visibility="only_actor")]


async def submit_lost(
    request: Request, submit: FormSubmit, caller: Caller, deps: Deps
) -> list[Reply]:
    raw = submit.values.get("reason")
    reason = fields.typed_text(raw) if isinstance(raw, str) else ""
    if not reason or len(reason) > MAX_REASON:
        form = reason_form(ids.FORM_DEAL_LOST, deal_id=_deal_id(submit.metadata))
        errors = {"reason": f"Give a short reason (at most {MAX_REASON} characters)."}
        raise InvalidInput(errors, with_values(form, submit.values, errors))
    async with deps.sessions() as session, session.begin():
        deal = await _load_own(session, caller, _deal_id(submit.metadata))
        _require_active(deal)
        deal.lost_reason = reason
        await record_change(
            session,
            deps,
            deal,
            actor_id=caller.person_id,
            actor_name=caller.name,
            kind="lost",
            to=deal_store.LOST,
            reason=reason,
        )
        text = f"*{deal.ref}* ({untrusted(deal.company)}) was lost: {untrusted(reason)}"
        await post_to_partner(session, deps, deal, Reply(text=text))
        await post_to_manager(session, deps, deal, Reply(text=f"{deal.partner.name}: {text}"))
    return [Reply(text=f"Marked {deal.ref} as lost.", visibility="only_actor")]


async def on_request_extension(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    """One open extension request at a time; the manager approves or declines it."""
    async with deps.sessions() as session, session.begin():
        deal = await _load_own(session, caller, _deal_id(click.value))
        if deal.status != deal_store.APPROVED:
            raise NotAllowed(
                f"Only an approved registration can be extended; {deal.ref} is {deal.status}."
            )
        if deal.extension_status == deal_store.EXTENSION_REQUESTED:
            return [
                Reply(
                    text=f"An extension of {deal.ref} is already waiting for your channel manager.",
                    visibility="only_actor",
                )
            ]
        deal.extension_status = deal_store.EXTENSION_REQUESTED
        deal.extension_requested_at = deps.clock()
        await record_change(
            session,
            deps,
            deal,
            actor_id=caller.person_id,
            actor_name=caller.name,
            kind="extension_requested",
            detail={"protected_until": when(deal.protected_until)},
        )
        await post_to_manager(session, deps, deal, extension_card(deal, requested_by=caller.name))
        await post_to_partner(
            session,
            deps,
            deal,
            Reply(text=f"{untrusted(caller.name)} asked to extend the protection of *{deal.ref}*."),
        )
    return [
        Reply(
            text=f"I've asked your channel manager to extend {deal.ref}.", visibility="only_actor"
        )
    ]


ROUTES = Routes(
    commands={"deals": list_deals},
    actions={
        ids.MENU_MY_DEALS: _on_menu_my_deals,
        ids.DEAL_UPDATE_STAGE: on_update_stage,
        ids.DEAL_MARK_WON: on_mark_won,
        ids.DEAL_MARK_LOST: on_mark_lost,
        ids.DEAL_REQUEST_EXTENSION: on_request_extension,
    },
    forms={
        ids.FORM_DEAL_STAGE: submit_stage,
        ids.FORM_DEAL_WON: submit_won,
        ids.FORM_DEAL_LOST: submit_lost,
    },
)
