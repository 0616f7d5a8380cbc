"""A registration draft's Register and Edit buttons (registration by conversation,
handlers.intents.converse): Register submits the answers through the form's own path
(`submit_registration`: the same validation, conflict check and idempotency nonce),
and a bad value is asked again in the thread; Edit opens the form prefilled with them
(the same nonce: still one row)."""

from __future__ import annotations

from bot.core import ButtonClick, FormSubmit, Reply, Request, ids
from bot.core.codec import decode, encode
from bot.core.errors import InvalidInput
from handlers.caller import Caller
from handlers.deals.forms import RegisterMeta, registration_form, with_values
from handlers.deals.registration import submit_registration
from handlers.deps import Deps
from handlers.intents import expiry
from handlers.intents.converse import REGISTER_ANOTHER, START_AGAIN, DraftRef, question_reply
from handlers.intents.extract import form_fields
from handlers.routes import Routes
from storage import drafts as draft_store
from storage.drafts import RegistrationDraft

_NOT_YOURS = "Only the person who started this registration can send or edit it. " + START_AGAIN
_GONE = "This registration was already sent or cancelled. " + START_AGAIN


async def load_draft(deps: Deps, click: ButtonClick, caller: Caller) -> RegistrationDraft | Reply:
    """The draft a button names, or what to tell someone it is not for."""
    draft_id = decode(DraftRef, click.value).draft_id
    async with deps.sessions() as session:
        draft = await draft_store.get_draft(session, draft_id)
    if draft is None:
        return Reply(text=_GONE, buttons=REGISTER_ANOTHER, visibility="only_actor")
    if draft.person_id != caller.person_id:
        return Reply(text=_NOT_YOURS, buttons=REGISTER_ANOTHER, visibility="only_actor")
    if expiry.is_expired(draft, deps, now=deps.clock()):
        return expiry.expired_reply(deps, visibility="only_actor")
    return draft


def _as_form_values(draft: RegistrationDraft) -> dict[str, str | list[str] | None]:
    return {k: v for k, v in draft.values.items() if isinstance(v, str | list)}


async def on_register(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    """Register: the answers through the form's submit path; a bad value is asked again."""
    draft = await load_draft(deps, click, caller)
    if isinstance(draft, Reply):
        return [draft]
    submit = FormSubmit(
        ids.FORM_DEAL_REGISTER, _as_form_values(draft), encode(RegisterMeta(nonce=draft.nonce))
    )
    try:
        replies = await submit_registration(request, submit, caller, deps)
    except InvalidInput as exc:
        order = [f for f in form_fields(deps) if f.name in exc.field_errors]
        field = order[0] if order else form_fields(deps)[0]
        async with deps.sessions() as session, session.begin():
            stored = await draft_store.get_draft(session, draft.id, for_update=True)
            if stored is not None:
                stored.asking = field.name
        return [question_reply(deps, field, draft.id, error=exc.field_errors.get(field.name))]
    async with deps.sessions() as session, session.begin():
        await draft_store.delete_draft(session, draft.id)
    return replies


async def on_edit(request: Request, click: ButtonClick, caller: Caller, deps: Deps) -> list[Reply]:
    """Edit: the registration form, prefilled with the answers (same nonce: one row)."""
    draft = await load_draft(deps, click, caller)
    if isinstance(draft, Reply):
        return [draft]
    form = registration_form(
        products=deps.settings.deal_products,
        nonce=draft.nonce,
        default_currency=deps.settings.deal_default_currency,
    )
    form = with_values(form, _as_form_values(draft), {})
    return [Reply(text="Register a deal", form=form, visibility="only_actor")]


ROUTES = Routes(actions={ids.DRAFT_REGISTER: on_register, ids.DRAFT_EDIT: on_edit})
