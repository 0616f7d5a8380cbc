"""Deal registration: `/register-deal`, the form's submission, and info answers in threads."""

from __future__ import annotations

import logging
from functools import partial

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import ButtonClick, FormSubmit, Reply, Request, ids
from bot.core.codec import decode
from bot.core.errors import InvalidInput, NotAllowed
from handlers import fields, messages
from handlers.caller import Caller
from handlers.deals import approval as deal_approval
from handlers.deals.conflicts import ConflictResult
from handlers.deals.forms import RegisterMeta, registration_form, with_values
from handlers.deals.notices import DEAL_THREAD, SAVE_FAILED
from handlers.deals.rules import parse_free_text, validate_form
from handlers.deals.submission import FORM_USED, Outcome, store_registration
from handlers.deps import Deps
from handlers.routes import Routes, ThreadKey
from storage import deal_reads
from storage import deals as deal_store

logger = logging.getLogger(__name__)


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
            outcome = await store_registration(
                session, request, caller, deps, partner_id, draft, meta.nonce
            )
    except IntegrityError:
        # The same form was submitted twice at once: the other submission stored it.
        async with deps.sessions() as session:
            existing = await deal_store.get_deal_by_key(session, meta.nonce)
        if existing is None:
            logger.exception("registration insert failed")
            errors = {"company": SAVE_FAILED}
            raise InvalidInput(errors, with_values(form(), values, errors)) from None
        if existing.partner_id != partner_id:
            raise NotAllowed(FORM_USED) from None
        outcome = Outcome(existing, ConflictResult("none"), repeated=True)
    except SQLAlchemyError:
        logger.exception("registration could not be saved")
        errors = {"company": SAVE_FAILED}
        raise InvalidInput(errors, with_values(form(), values, errors)) from None
    return [outcome.reply()]


async def answer_in_thread(
    session: AsyncSession, request: Request, thread: ThreadKey, caller: Caller, deps: Deps
) -> list[Reply]:
    """A partner's reply in a registration's thread answers the manager's question
    (a `ThreadStep`: in the request's transaction, which commits the answer)."""
    text = request.text.strip()
    deal_id = deal_store.parse_deal_ref(thread.ident)
    if not text or deal_id is None or caller.is_staff or request.edited:
        return []
    deal, manager = await deal_reads.get_deal_and_manager(session, deal_id, for_update=True)
    if (
        deal is None
        or deal.status != deal_store.INFO_REQUESTED
        or caller.acting_partner_id != deal.partner_id
    ):
        return []
    answer = fields.typed_text(request.text)
    await deal_approval.record_answer(session, deps, deal, caller, answer, manager=manager)
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
    thread_steps={DEAL_THREAD: answer_in_thread},
)
