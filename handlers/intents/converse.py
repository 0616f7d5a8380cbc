"""Registration by conversation: the missing fields asked one at a time in a thread.

"Register Acme Corp, acme.com, about 50k" in a channel (or a reply in the thread where
the bot offered the form) starts a draft: the bot asks, in the thread, for each
required field the sentence did not hold, then posts a summary with Register / Edit.
Nothing is registered until Register; Register submits the same values through the
form's own path (`submit_registration`: the same validation, conflict check and
idempotency nonce), and a bad value comes back as that field's message, in the thread.
Edit opens the registration form prefilled with the answers (both buttons:
`handlers.intents.draft_buttons`). A draft left unanswered for REGISTRATION_DRAFT_HOURS
expires (`handlers.intents.expiry`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace

from pydantic import BaseModel, ConfigDict

from bot.core import Button, Fact, Field, Reply, Request, ids
from bot.core.codec import action_id, encode
from bot.core.model import THREADED_DM_PLATFORMS
from handlers import fields
from handlers.caller import Caller
from handlers.deals.registration import acting_partner
from handlers.deps import Deps
from handlers.intents import expiry
from handlers.intents.answers import field_error, typed_answer
from handlers.intents.extract import Extraction, extract, form_fields
from handlers.intents.matcher import match_intent
from handlers.knowledge.handoff import thread_of_answer
from handlers.routes import Routes, ThreadKey
from storage import drafts as draft_store
from storage import threads as thread_store
from storage.drafts import RegistrationDraft

#: The thread key owner of a registration being written by conversation.
DRAFT_THREAD = "draft"
#: Answers that end the conversation without registering anything.
_CANCEL = frozenset({"cancel", "stop", "abort", "never mind", "nevermind", "forget it"})
_NEXT = "Answer here in the thread (or `cancel`); nothing is registered until you press Register."
_IN_THE_THREAD = (
    "Let's register it together: I'll ask what is missing in the thread under your message."
)
START_AGAIN = (
    "To register another, write “register” and what you know (e.g. “register Acme Corp, "
    "acme.com, 50k”), or press Register a deal."
)
_CANCELLED = "Cancelled; nothing was registered. " + START_AGAIN
REGISTER_ANOTHER = (Button("Register a deal", ids.MENU_REGISTER_DEAL, style="primary"),)


class DraftRef(BaseModel):
    """Carried by the summary's Register / Edit buttons."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    draft_id: int


def can_talk(request: Request, values: Mapping[str, object]) -> bool:
    """Where a registration is written by conversation rather than in the form.

    It needs a thread to live in and a message to start it under (a click on an
    ephemeral message has none). In a channel or a thread, always: the first question
    carries the form's button, and answering in the thread is the person's choice. In a
    direct message (where a form on a phone is the awkward case, which no platform
    tells us), only when the sentence already holds the company and the domain, and
    only where direct messages have threads."""
    place = request.place
    if request.click is not None or thread_of_answer(request) is None:
        return False
    if place.kind != "dm" or place.thread_id is not None:
        return True
    return place.platform in THREADED_DM_PLATFORMS and bool(
        values.get("company") and values.get("domain")
    )


def _values_of(deps: Deps, extraction: Extraction) -> dict[str, object]:
    """What the sentence held, over the form's own defaults (the stage)."""
    found: dict[str, object] = {
        f.name: f.initial for f in form_fields(deps) if f.initial and not f.required
    }
    return found | {name: v for name, v in extraction.values.items() if v}


def _missing(deps: Deps, values: Mapping[str, object]) -> Field | None:
    for field in form_fields(deps):
        if field.required and values.get(field.name) in (None, "", []):
            return field
    return None


def question_reply(deps: Deps, field: Field, draft_id: int, *, error: str | None = None) -> Reply:
    lines = [f"✗ {error}"] if error else []
    lines.append(f"**{field.label}?**")
    if field.kind == "date":
        lines.append("YYYY-MM-DD, or in words: end of March, Q2, in 6 weeks.")
    elif field.hint:
        lines.append(field.hint)
    if field.options:
        choices = ", ".join(f"{n}) {o.label}" for n, o in enumerate(field.options, start=1))
        lines.append(f"Pick one or more, by number or name: {choices}.")
    lines.append(f"{_NEXT} {expiry.keep_line(deps)}")
    ref = encode(DraftRef(draft_id=draft_id))
    form = Button("Fill in the form instead", action_id(ids.DRAFT_EDIT, draft_id), ref)
    return Reply(text="\n".join(lines), buttons=(form,), in_thread=True)


async def start(
    request: Request, caller: Caller, deps: Deps, *, extraction: Extraction
) -> list[Reply]:
    """Open a draft in the request's thread and ask the first missing field (or show
    the summary when the sentence held everything); a value the form refused is asked
    for with the form's message.

    Raises:
        NotAllowed: the conversation is not linked to a partner.
    """
    partner_id = acting_partner(caller)
    place = request.place
    thread = thread_of_answer(request)
    assert thread is not None  # can_talk() said so
    now = deps.clock()
    values = _values_of(deps, extraction)
    async with deps.sessions() as session, session.begin():
        draft = await draft_store.add_draft(
            session,
            RegistrationDraft(
                platform=place.platform,
                channel_id=place.channel_id,
                thread_id=thread,
                person_id=caller.person_id,
                partner_id=partner_id,
                nonce=uuid.uuid4().hex,
                values=values,
                asking=None,
                created_at=now,
                updated_at=now,
            ),
        )
        await thread_store.save_thread(
            session,
            f"{DRAFT_THREAD}:{draft.id}",
            platform=place.platform,
            channel_id=place.channel_id,
            thread_id=thread,
        )
        replies = _next_step(deps, draft, errors=extraction.errors)
    if place.thread_id is None and place.kind == "dm":  # a thread under a DM is easy to miss
        replies.insert(0, Reply(text=_IN_THE_THREAD))
    return replies


def _next_step(
    deps: Deps, draft: RegistrationDraft, *, errors: Mapping[str, str] | None = None
) -> list[Reply]:
    """Ask the next missing field, or show the summary; records what was asked. The
    form's message for a refused value goes with its question, and the values of other
    fields that were left out are named first (they are asked in turn)."""
    field = _missing(deps, draft.values)
    draft.asking = field.name if field else None
    errors = dict(errors or {})
    reply = (
        question_reply(deps, field, draft.id, error=errors.pop(field.name, None))
        if field is not None
        else _summary(deps, draft)
    )
    labels = {f.name: f.label for f in form_fields(deps)}
    left_out = [f"✗ {labels.get(name, name)}: {message}" for name, message in errors.items()]
    if left_out:
        reply = replace(reply, text="\n".join(["I left out:", *left_out, reply.text]))
    return [reply]


def _summary(deps: Deps, draft: RegistrationDraft) -> Reply:
    facts = []
    for field in form_fields(deps):
        shown = draft.values.get(field.name)
        if shown not in (None, "", []):
            text = ", ".join(shown) if isinstance(shown, list) else str(shown)
            facts.append(Fact(field.label, text))
    ref = encode(DraftRef(draft_id=draft.id))
    return Reply(
        text="Here is the registration. Press Register to send it to your channel manager, "
        "or Edit to change it in the form. Nothing is registered until you press Register; "
        f"{expiry.keep_line(deps)}",
        facts=tuple(facts),
        buttons=(
            Button("Register", action_id(ids.DRAFT_REGISTER, draft.id), ref, "primary"),
            Button("Edit", action_id(ids.DRAFT_EDIT, draft.id), ref),
        ),
        in_thread=True,
    )


async def on_thread_reply(
    request: Request, thread: ThreadKey, caller: Caller, deps: Deps
) -> list[Reply]:
    """The person's answer to the field asked last; anyone else in the thread is left
    alone (the draft is theirs). In the thread of an expired draft, the person is told
    so, or a new registration starts there when they ask for one."""
    draft_id = fields.row_id(thread.ident)
    if draft_id is None or not request.text.strip():
        return []
    now = deps.clock()
    async with deps.sessions() as session, session.begin():
        draft = await draft_store.get_draft(session, draft_id, for_update=True)
        if draft is None or draft.person_id != caller.person_id:
            return []
        if expiry.is_expired(draft, deps, now=now):
            if await draft_store.has_newer_draft(session, draft):
                return []  # a registration started again here: the thread is the new one's
            expiry.mark_expired(draft, now=now)
            again = match_intent(request.text).intent == "register_deal"
        elif request.text.strip().casefold().strip(".!") in _CANCEL:
            await draft_store.delete_draft(session, draft.id)
            return [Reply(text=_CANCELLED, buttons=REGISTER_ANOTHER, in_thread=True)]
        else:
            return _answered(deps, request, draft)
    if not again:
        return [expiry.expired_reply(deps)]
    asker = (request.actor.platform, request.actor.user_id)
    extraction = await extract(request.text, deps, asker=asker)
    return await start(request, caller, deps, extraction=extraction)


def _answered(deps: Deps, request: Request, draft: RegistrationDraft) -> list[Reply]:
    """An answer to an open draft: stored and the next field asked, or asked again."""
    field = next((f for f in form_fields(deps) if f.name == draft.asking), None)
    if field is None:  # the summary is out: the buttons decide
        return [Reply(text="Press Register or Edit above (or say `cancel`).", in_thread=True)]
    values = dict(draft.values) | {field.name: typed_answer(deps, request, field)}
    error = field_error(deps, values, field.name)
    if error:
        return [question_reply(deps, field, draft.id, error=error)]
    draft.values = values
    draft.updated_at = deps.clock()
    return _next_step(deps, draft)


ROUTES = Routes(threads={DRAFT_THREAD: on_thread_reply})
