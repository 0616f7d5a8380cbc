"""What a partner does to its own registration after submitting it: update the stage,
mark it won (with the amount) or lost (with a reason), withdraw it (with a reason), or
ask for an extension. Each is one audited `deal_events` row (history.record_change),
posted in the registration's thread; the manager hears of wins, losses and withdrawals."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import ButtonClick, FormSubmit, Reply, Request, ids
from bot.core.codec import decode
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from bot.core.untrusted import untrusted
from handlers import fields
from handlers.caller import Caller
from handlers.deals.approval import may_decide
from handlers.deals.extensions import extension_card
from handlers.deals.forms import DealRef, reason_form, stage_form, with_values, won_form
from handlers.deals.history import record_change
from handlers.deals.money import format_money, parse_amount
from handlers.deals.notices import announce, post_to_manager, post_to_partner, when
from handlers.deals.rules import MAX_REASON, STAGES, sentence
from handlers.deps import Deps
from handlers.routes import Routes
from storage import deals as deal_store
from storage.deals import Deal


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


async def _active_own(deps: Deps, caller: Caller, click: ButtonClick) -> Deal:
    """The still-active registration a partner's button names (see `_load_own`)."""
    async with deps.sessions() as session:
        deal = await _load_own(session, caller, _deal_id(click.value))
    _require_active(deal)
    return deal


async def _reason_form(deps: Deps, caller: Caller, click: ButtonClick, form_id: str) -> list[Reply]:
    """Lost or withdraw: the one-field reason form for the registration clicked."""
    deal = await _active_own(deps, caller, click)
    form = reason_form(form_id, deal_id=deal.id)
    return [Reply(text=form.title, form=form, visibility="only_actor")]


async def on_update_stage(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    deal = await _active_own(deps, caller, click)
    form = stage_form(deal_id=deal.id, current=deal.stage)
    return [Reply(text=f"Update {deal.ref}", form=form, visibility="only_actor")]


async def on_mark_won(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    deal = await _active_own(deps, caller, click)
    form = won_form(deal_id=deal.id, initial=format_money(deal.value_cents, deal.currency))
    return [Reply(text=f"{deal.ref} won", form=form, visibility="only_actor")]


async def on_mark_lost(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    return await _reason_form(deps, caller, click, ids.FORM_DEAL_LOST)


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
        await announce(session, deps, deal, text)
    return [Reply(text=f"Marked {deal.ref} as won. Congratulations!", visibility="only_actor")]


async def submit_lost(
    request: Request, submit: FormSubmit, caller: Caller, deps: Deps
) -> list[Reply]:
    reason = _closing_reason(submit)
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
        await announce(session, deps, deal, text)
    return [Reply(text=f"Marked {deal.ref} as lost.", visibility="only_actor")]


async def on_withdraw(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    return await _reason_form(deps, caller, click, ids.FORM_DEAL_WITHDRAW)


def _closing_reason(submit: FormSubmit) -> str:
    """The reason typed into a lost or withdraw form, or the form back with its error."""
    raw = submit.values.get("reason")
    reason = fields.typed_text(raw) if isinstance(raw, str) else ""
    if not reason or len(reason) > MAX_REASON:
        form = reason_form(submit.form_id, deal_id=_deal_id(submit.metadata))
        errors = {"reason": f"Give a short reason (at most {MAX_REASON} characters)."}
        raise InvalidInput(errors, with_values(form, submit.values, errors))
    return reason


async def submit_withdraw(
    request: Request, submit: FormSubmit, caller: Caller, deps: Deps
) -> list[Reply]:
    """The partner no longer pursues it: its protection ends now, a pending decision
    is no longer asked for, and an open extension request lapses."""
    reason = _closing_reason(submit)
    async with deps.sessions() as session, session.begin():
        deal = await _load_own(session, caller, _deal_id(submit.metadata))
        _require_active(deal)
        if deal.extension_status == deal_store.EXTENSION_REQUESTED:
            deal.extension_status = None
        await record_change(
            session,
            deps,
            deal,
            actor_id=caller.person_id,
            actor_name=caller.name,
            kind="withdrawn",
            to=deal_store.WITHDRAWN,
            reason=reason,
        )
        text = (
            f"{untrusted(caller.name)} withdrew *{deal.ref}* ({untrusted(deal.company)}): "
            f"{untrusted(reason)}"
        )
        await announce(session, deps, deal, text)
    return [
        Reply(
            text=(
                f"Withdrew {deal.ref}; its protection has ended. Register it again with "
                "`/register-deal` if the opportunity comes back."
            ),
            visibility="only_actor",
        )
    ]


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
    actions={
        ids.DEAL_UPDATE_STAGE: on_update_stage,
        ids.DEAL_MARK_WON: on_mark_won,
        ids.DEAL_MARK_LOST: on_mark_lost,
        ids.DEAL_WITHDRAW: on_withdraw,
        ids.DEAL_REQUEST_EXTENSION: on_request_extension,
    },
    forms={
        ids.FORM_DEAL_STAGE: submit_stage,
        ids.FORM_DEAL_WON: submit_won,
        ids.FORM_DEAL_LOST: submit_lost,
        ids.FORM_DEAL_WITHDRAW: submit_withdraw,
    },
)
