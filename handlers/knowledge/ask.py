"""Knowledge-base answers: `/ask`, mentions and DMs, follow-ups in the answer's thread,
feedback buttons, and handing unanswered questions to the partner's channel manager.

`answer_question` is the core (also used by `partnerbot kb ask` and the benchmark):
retrieve what the asker may see, compose an `Answer` (LLM when configured, else
extractive). The chat use cases record each question (the knowledge-gap log) and
render the `Answer` to a neutral `Reply`.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import asdict

import openai

from bot.core import Button, ButtonClick, Citation, Field, Form, FormSubmit, Reply, Request, ids
from bot.core.codec import action_base, action_id, encode
from bot.core.errors import InvalidInput
from bot.core.untrusted import untrusted
from handlers import fields
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.knowledge.answer import Answer, compose_extractive
from handlers.knowledge.closest import closest_pages
from handlers.knowledge.handoff import (
    QUESTION_THREAD,
    QuestionRef,
    answer_from_manager,
    ask_manager,
    clicked_question,
    thread_of_answer,
)
from handlers.knowledge.search import Retrieval, retrieve
from handlers.knowledge.written import compose_llm
from handlers.routes import Routes, ThreadKey
from storage import kb_questions as question_store
from storage import partners as partner_store
from storage import threads as thread_store
from storage.kb_search import Access

logger = logging.getLogger(__name__)

PRODUCT = "the vendor's product"
EMPTY_QUESTION = "Ask me a product question, e.g. `/ask does SSO support SAML?`"
NO_SOURCES = "No documentation matched this question."
NOT_STATED = "None of the pages I found states this."
HEDGED = (
    "The page that best matches your question doesn't state this; this is from the next"
    " closest one. Check that it answers what you asked."
)
CLOSEST = "Closest pages: "


async def answer_question(
    deps: Deps, question: str, *, access: Access, limit: int = 20
) -> tuple[Answer, Retrieval]:
    """Answer `question` from what `access` may see. Never raises for "no answer"."""
    retrieval = await retrieve(deps, question, access=access, limit=limit)
    if deps.llm is not None and retrieval.passages:
        try:
            answer = await compose_llm(
                deps.llm, retrieval, question, model=deps.settings.openai_model, product=PRODUCT
            )
        except openai.APIError as exc:
            # The documentation still answers when the model is down: quote it instead.
            logger.warning("LLM unavailable (%s); answering extractively", type(exc).__name__)
            answer = compose_extractive(retrieval)
    else:
        answer = compose_extractive(retrieval)
    if not answer.grounded:
        answer = dataclasses.replace(answer, related=closest_pages(retrieval))
    return answer, retrieval


async def access_for(deps: Deps, caller: Caller) -> Access:
    """What an answer to `caller` may quote. In a partner's channel, what that partner's
    tier may see, whoever asks (staff included): everyone there reads the answer.
    Elsewhere staff see everything, and a partner person what their partner's tier may."""
    partner_id = caller.channel_partner_id
    if partner_id is None:
        if caller.is_staff:
            return Access(staff=True)
        partner_id = caller.acting_partner_id
    tier = None
    if partner_id is not None:
        async with deps.sessions() as session:
            partner = await partner_store.get_partner(session, partner_id)
            tier = partner.tier if partner is not None else None
    return Access(staff=False, tier=tier)


def feedback_buttons(question_id: int) -> tuple[Button, ...]:
    value = encode(QuestionRef(question_id=question_id))
    return (
        Button("Helpful", action_id(ids.KB_HELPFUL, question_id), value=value),
        Button("Not helpful", action_id(ids.KB_NOT_HELPFUL, question_id), value=value),
    )


def render_answer(
    answer: Answer, question_id: int, *, in_thread: bool, buttons: bool = True
) -> Reply:
    """The neutral reply for an answer: text, sources, and the buttons that fit it."""
    if not answer.grounded:
        manager = Button(
            "Ask my channel manager",
            action_id(ids.KB_ASK_MANAGER, question_id),
            value=encode(QuestionRef(question_id=question_id)),
            style="primary",
        )
        titles = " · ".join(untrusted(page.title or page.source_id) for page in answer.related)
        return Reply(
            text=answer.text,
            warning=NOT_STATED if titles else NO_SOURCES,
            context=(CLOSEST + titles,) if titles else (),
            buttons=(manager,) if buttons else (),
            in_thread=in_thread,
        )
    return Reply(
        text=answer.text,
        citations=answer.citations,
        warning=HEDGED if answer.hedged else None,
        buttons=feedback_buttons(question_id) if buttons else (),
        in_thread=in_thread,
    )


async def ask(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """`/ask <question>` (also a mention or DM that is not a command)."""
    question = request.text.strip()
    if not question:
        return [Reply(text=EMPTY_QUESTION, visibility="only_actor")]
    return await _answer_and_record(request, caller, deps, question)


async def _answer_and_record(
    request: Request, caller: Caller, deps: Deps, question: str
) -> list[Reply]:
    question = fields.question(question)
    if not question:
        return [Reply(text=EMPTY_QUESTION, visibility="only_actor")]
    access = await access_for(deps, caller)
    answer, _ = await answer_question(deps, question, access=access)
    place = request.place
    thread = thread_of_answer(request)
    in_thread = thread is not None and (place.kind != "dm" or place.thread_id is not None)
    async with deps.sessions() as session, session.begin():
        record = await question_store.add_question(
            session,
            question,
            person_id=caller.person_id,
            partner_id=caller.acting_partner_id,
            answer=answer.text,
            grounded=answer.grounded,
            sources=[asdict(c) for c in answer.citations],
            platform=place.platform,
            channel_id=place.channel_id,
            thread_id=thread if in_thread else None,
            now=deps.clock(),
        )
        if in_thread and thread is not None:
            # Follow-ups in the answer's thread come back here (see on_follow_up).
            await thread_store.save_thread(
                session,
                f"{ANSWER_THREAD}:{record.id}",
                platform=place.platform,
                channel_id=place.channel_id,
                thread_id=thread,
            )
    if not answer.grounded:
        logger.info("knowledge gap recorded: question %d", record.id)
    return [render_answer(answer, record.id, in_thread=in_thread)]


async def on_follow_up(
    request: Request, thread: ThreadKey, caller: Caller, deps: Deps
) -> list[Reply]:
    """A message in the thread of one of the bot's answers: the asker's follow-up
    question is answered there; others talking in that thread are left alone."""
    text = request.text.strip()
    if not text or not thread.ident.isdigit():
        return []
    async with deps.sessions() as session:
        earlier = await question_store.get_question(session, int(thread.ident))
    if earlier is None or earlier.person_id != caller.person_id:
        return []
    return await _answer_and_record(request, caller, deps, text)


async def on_feedback(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    """Helpful / Not helpful: one row per person per question; the answer's buttons
    give way to a thank-you line, confirmed only to the clicker."""
    helpful = action_base(click.action_id) == ids.KB_HELPFUL
    async with deps.sessions() as session, session.begin():
        question = await clicked_question(session, click, caller)
        if question is None:
            return [Reply(text="That answer is no longer on record.", visibility="only_actor")]
        recorded = await question_store.add_feedback(
            session, question.id, person_id=caller.person_id, helpful=helpful, now=deps.clock()
        )
        text, sources = question.answer, list(question.sources or [])
    if not recorded:
        return [Reply(text="You already rated this answer. Thanks!", visibility="only_actor")]
    thanks = "Thanks for the feedback!" if helpful else "Thanks, we'll use that to improve."
    citations = tuple(Citation(**source) for source in sources)
    return [
        Reply(text=text, citations=citations, context=(thanks,), replace_original=True),
        Reply(text=thanks, visibility="only_actor"),
    ]


async def on_menu_ask(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    """The menu's "Ask a question" button: a one-field form."""
    form = Form(
        form_id=ids.FORM_ASK,
        title="Ask a question",
        fields=(
            Field("question", "Your question", kind="multiline", required=True, max_length=1000),
        ),
        submit_label="Ask",
    )
    return [Reply(text="Ask me about the product.", form=form, visibility="only_actor")]


async def on_ask_form(
    request: Request, submit: FormSubmit, caller: Caller, deps: Deps
) -> list[Reply]:
    """The submitted ask form: answered like `/ask`."""
    raw = submit.values.get("question")
    question = (raw if isinstance(raw, str) else "").strip()
    if not question:
        raise InvalidInput({"question": "Type a question first."})
    return await _answer_and_record(request, caller, deps, question)


#: The owner part of the thread key an answer's thread gets (`answer:<question id>`).
ANSWER_THREAD = "answer"

ROUTES = Routes(
    commands={"ask": ask},
    actions={
        ids.MENU_ASK: on_menu_ask,
        ids.KB_HELPFUL: on_feedback,
        ids.KB_NOT_HELPFUL: on_feedback,
        ids.KB_ASK_MANAGER: ask_manager,
    },
    forms={ids.FORM_ASK: on_ask_form},
    threads={ANSWER_THREAD: on_follow_up, QUESTION_THREAD: answer_from_manager},
)
