"""Deal registration: `/register-deal`, the form's submission, and info answers in threads."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import ButtonClick, FormSubmit, Reply, Request, ids
from bot.core.codec import decode
from bot.core.errors import InvalidInput, NotAllowed
from bot.core.untrusted import untrusted
from handlers import fields, messages
from handlers.caller import Caller
from handlers.deals import approval as deal_approval
from handlers.deals.forms import RegisterMeta, registration_form, with_values
from handlers.deals.notices import (
    DEAL_THREAD,
    SAVE_FAILED,
    STATUS_LABELS,
    deal_facts,
    manager_card,
    post_to_manager,
    post_to_partner,
)
from handlers.deals.rules import (
    ConflictResult,
    DealDraft,
    ExistingRegistration,
    auto_approve,
    company_key,
    company_prefix,
    detect_conflict,
    parse_free_text,
    validate_form,
)
from handlers.deps import Deps
from handlers.routes import Routes, ThreadKey
from storage import deals as deal_store
from storage.deals import Deal
from storage.people import Person

logger = logging.getLogger(__name__)

_FORM_USED = "This form was already used. Open a new one with `/register-deal`."


def acting_partner(caller: Caller) -> int:
    """The partner a registration is for: the person's own, or (staff) the channel's.

    Raises:
        NotAllowed: the conversation is not linked to a partner.
    """
    partner_id = caller.acting_partner_id
    if partner_id is None:
        raise NotAllowed(messages.NOT_A_PARTNER_CHANNEL)
    return partner_id


async def register_deal(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """`/register-deal [free text]`: open the form, prefilled from what the text says."""
    acting_partner(caller)
    prefill = parse_free_text(
        request.text,
        today=deps.clock().date(),
        default_currency=deps.settings.deal_default_currency,
    )
    form = registration_form(
        products=deps.settings.deal_products,
        prefill=prefill,
        default_currency=deps.settings.deal_default_currency,
    )
    return [Reply(text="Register a deal", form=form, visibility="only_actor")]


async def _on_menu_register(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    return await register_deal(request, caller, deps)


async def submit_registration(
    request: Request, submit: FormSubmit, caller: Caller, deps: Deps
) -> list[Reply]:
    """The submitted form: validate, check conflicts, store once, confirm, route.

    Raises:
        InvalidInput: a field needs fixing, or the database failed (the form comes back
            with the user's values, so nothing typed is lost).
    """
    values = submit.values
    meta = decode(RegisterMeta, submit.metadata)
    # The form comes back only when something needs fixing: built then, not per submit.
    form = partial(
        registration_form,
        products=deps.settings.deal_products,
        nonce=meta.nonce,
        default_currency=deps.settings.deal_default_currency,
    )
    partner_id = acting_partner(caller)
    try:
        draft = validate_form(
            values,
            today=deps.clock().date(),
            products=deps.settings.deal_products,
            default_currency=deps.settings.deal_default_currency,
        )
    except InvalidInput as exc:
        raise InvalidInput(exc.field_errors, with_values(form(), values, exc.field_errors)) from exc
    try:
        async with deps.sessions() as session, session.begin():
            outcome = await _register(session, request, caller, deps, partner_id, draft, meta.nonce)
    except IntegrityError:
        # The same form was submitted twice at once: the other submission stored it.
        async with deps.sessions() as session:
            existing = await deal_store.get_deal_by_key(session, meta.nonce)
        if existing is None:
            logger.exception("registration insert failed")
            errors = {"company": SAVE_FAILED}
            raise InvalidInput(errors, with_values(form(), values, errors)) from None
        if existing.partner_id != partner_id:
            raise NotAllowed(_FORM_USED) from None
        outcome = _Outcome(existing, ConflictResult("none"), repeated=True)
    except SQLAlchemyError:
        logger.exception("registration could not be saved")
        errors = {"company": SAVE_FAILED}
        raise InvalidInput(errors, with_values(form(), values, errors)) from None
    return [outcome.reply()]


@dataclass(frozen=True)
class _Outcome:
    deal: Deal | None
    conflict: ConflictResult
    repeated: bool = False

    def reply(self) -> Reply:
        deal = self.deal
        if deal is None:  # refused duplicate of the partner's own registration
            own = self.conflict.matches[0]
            return Reply(
                text=(
                    f"Your organisation already registered *{own.domain}* as "
                    f"{deal_store.deal_ref(own.id)} ({STATUS_LABELS.get(own.status, own.status)}). "
                    "I didn't register it again."
                ),
                visibility="only_actor",
            )
        if deal.status == deal_store.APPROVED:
            until = deal.protected_until.date().isoformat() if deal.protected_until else "—"
            text = f"Registered and approved: *{deal.ref}*, protected until {until}."
        elif deal.conflict_kind is not None:
            text = (
                f"Registered *{deal.ref}*. It is under review: your channel manager will "
                "look at it and answer in the registration's thread."
            )
        else:
            text = f"Registered *{deal.ref}*. Your channel manager will review it."
        return Reply(text=text, facts=deal_facts(deal), visibility="only_actor")


async def _register(
    session: AsyncSession,
    request: Request,
    caller: Caller,
    deps: Deps,
    partner_id: int,
    draft: DealDraft,
    nonce: str,
) -> _Outcome:
    found = await deal_store.get_submit_context(session, partner_id, idempotency_key=nonce)
    if found is None:
        if await deal_store.get_deal_by_key(session, nonce) is not None:
            raise NotAllowed(_FORM_USED)  # never show another partner's registration
        raise NotAllowed(messages.NOT_A_PARTNER_CHANNEL)
    if found.existing_deal_id is not None:
        existing = await deal_store.get_deal_by_key(session, nonce)
        assert existing is not None
        if existing.partner_id != partner_id:  # never show another partner's registration
            raise NotAllowed(_FORM_USED)
        return _Outcome(existing, ConflictResult("none"), repeated=True)
    partner, manager = found.partner, found.manager
    key = company_key(draft.company)
    conflict = await check_conflict(session, partner_id=partner_id, domain=draft.domain, key=key)
    if conflict.refused:
        return _Outcome(None, conflict)
    now = deps.clock()
    place = request.place
    deal = Deal(
        partner_id=partner_id,
        submitted_by_id=caller.person_id,
        idempotency_key=nonce,
        company=draft.company,
        company_key=key,
        company_prefix=company_prefix(key),
        domain=draft.domain,
        value_cents=draft.value_cents,
        currency=draft.currency,
        close_date=draft.close_date,
        products=list(draft.products),
        stage=draft.stage,
        contact=draft.contact,
        notes=draft.notes,
        status=deal_store.PENDING,
        conflict_kind=None if conflict.kind == "none" else conflict.kind,
        conflict_with=[m.id for m in conflict.matches],
        origin_platform=place.platform,
        origin_channel_id=place.channel_id if place.kind != "dm" else None,
        origin_thread_id=place.thread_id,
        submitted_at=now,
        updated_at=now,
        extensions_granted=0,
    )
    deal.partner = partner
    await deal_store.add_deal(session, deal)
    await deal_store.add_event(
        session,
        deal,
        kind="submitted",
        at=now,
        actor_id=caller.person_id,
        actor_name=caller.name,
        from_status=None,
        to_status=deal_store.PENDING,
        detail={"conflict": conflict.kind, "conflict_with": deal.conflict_with},
    )
    automatic = conflict.kind == "none" and auto_approve(
        partner.tier,
        draft.value_cents,
        currency=draft.currency,
        rules=deps.settings.deal_auto_approve,
        rules_currency=deps.settings.deal_auto_approve_currency,
    )
    if automatic:
        await deal_approval.approve(session, deps, deal, actor_id=None, actor_name="auto-approval")
    await _announce(session, deps, deal, caller, conflict, automatic=automatic, manager=manager)
    return _Outcome(deal, conflict)


async def check_conflict(
    session: AsyncSession, *, partner_id: int, domain: str, key: str
) -> ConflictResult:
    """Load the candidates by index in one round trip (same domain; same company-key
    prefix; the house account) and classify them with the pure `detect_conflict`."""
    found = await deal_store.lookup_conflicts(session, domain=domain, prefix=company_prefix(key))
    conflict = detect_conflict(
        partner_id=partner_id,
        domain=domain,
        key=key,
        existing=[_existing(row) for row in found.candidates],
        house_account=found.house_account,
    )
    return conflict


def _existing(row: deal_store.Candidate) -> ExistingRegistration:
    return ExistingRegistration(
        id=row.id,
        partner_id=row.partner_id,
        domain=row.domain,
        company=row.company,
        company_key=row.company_key,
        status=row.status,
    )


async def _announce(
    session: AsyncSession,
    deps: Deps,
    deal: Deal,
    caller: Caller,
    conflict: ConflictResult,
    *,
    automatic: bool,
    manager: Person | None,
) -> None:
    """Confirm in the partner's thread; send the manager the approval card."""
    if not automatic:
        status = "under review" if conflict.held else "waiting for your channel manager"
        await post_to_partner(
            session,
            deps,
            deal,
            Reply(
                text=f"*{deal.ref}* registered by {untrusted(caller.name)}: "
                f"{untrusted(deal.company)} ({deal.domain}). "
                f"Status: {status}. Updates will follow in this thread.",
                facts=deal_facts(deal),
            ),
        )
    # Only the manager's card shows the registrations involved: load them in full.
    conflicts = await deal_store.get_deals(session, [m.id for m in conflict.matches])
    card = manager_card(
        deal,
        partner_name=deal.partner.name,
        submitted_by=caller.name,
        conflicts=conflicts,
        house_account=conflict.house_account,
    )
    if automatic:
        card = Reply(
            title=card.title,
            text=f"*{deal.partner.name}* registered a deal; it was approved automatically "
            f"(tier {deal.partner.tier}).",
            facts=card.facts,
        )
    await post_to_manager(session, deps, deal, card, manager=manager)


async def answer_in_thread(
    request: Request, thread: ThreadKey, caller: Caller, deps: Deps
) -> list[Reply]:
    """A partner's reply in a registration's thread answers the manager's question."""
    text = request.text.strip()
    deal_id = deal_store.parse_deal_ref(thread.ident)
    if not text or deal_id is None or caller.is_staff:
        return []
    async with deps.sessions() as session, session.begin():
        deal = await deal_store.get_deal(session, deal_id, for_update=True)
        if (
            deal is None
            or deal.status != deal_store.INFO_REQUESTED
            or caller.acting_partner_id != deal.partner_id
        ):
            return []
        answer = fields.typed_text(request.text)
        await deal_approval.record_answer(session, deps, deal, caller, answer)
    return [
        Reply(
            text="Thanks, I've passed your answer to your channel manager.",
            in_thread=True,
        )
    ]


ROUTES = Routes(
    commands={"register-deal": register_deal},
    actions={ids.MENU_REGISTER_DEAL: _on_menu_register},
    forms={ids.FORM_DEAL_REGISTER: submit_registration},
    threads={DEAL_THREAD: answer_in_thread},
)
