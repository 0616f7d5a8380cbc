"""Unanswered questions go to a human: the partner's channel manager gets the question
through the outbox (a thread named `question:<id>`), and the manager's reply in that
thread is posted back to the partner where they asked."""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import ButtonClick, Reply, Request
from bot.core.codec import decode
from bot.core.delivery import Destination
from bot.core.errors import NotFound
from bot.core.untrusted import untrusted
from handlers import fields
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.notify import person_destination, queue_reply
from handlers.routes import ThreadKey
from storage import kb_questions as question_store
from storage import partners as partner_store
from storage import people as people_store

logger = logging.getLogger(__name__)

#: The owner part of an escalated question's thread key (`question:<id>`).
QUESTION_THREAD = "question"


class QuestionRef(BaseModel):
    """Carried by the buttons under an answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    question_id: int


def thread_of_answer(request: Request) -> str | None:
    """The thread an answer to `request` lives in: the request's thread, or the thread
    the answer starts under the request's message."""
    return request.place.thread_id or request.place.message_id


def question_id_of(click: ButtonClick) -> int | None:
    """The question a feedback or hand-off button is about; None when the value is not
    one this code wrote, or not a row id (a forged or stale button)."""
    try:
        question_id = decode(QuestionRef, click.value).question_id
    except NotFound:
        return None
    return fields.row_id(str(question_id))


async def clicked_question(
    session: AsyncSession, click: ButtonClick, caller: Caller
) -> question_store.Question | None:
    """The question under the clicked answer button, if the clicker asked it or acts
    for the partner it was asked for; None for a forged, stale or someone else's one."""
    question_id = question_id_of(click)
    if question_id is None:
        return None
    return await question_store.get_question_asked_by(
        session, question_id, person_id=caller.person_id, partner_id=caller.acting_partner_id
    )


async def ask_manager(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    """ "Ask my channel manager": send the question to the partner's manager."""
    async with deps.sessions() as session, session.begin():
        question = await clicked_question(session, click, caller)
        if question is None:
            return [Reply(text="That question is no longer on record.", visibility="only_actor")]
        partner = (
            await partner_store.get_partner(session, question.partner_id)
            if question.partner_id is not None
            else None
        )
        manager = (
            await people_store.get_person_by_id(session, partner.manager_id)
            if partner is not None and partner.manager_id is not None
            else None
        )
        if manager is None:
            return [
                Reply(
                    text="Your organisation has no channel manager on record yet, so I "
                    "can't pass this on. Please ask in your shared channel.",
                    visibility="only_actor",
                )
            ]
        if question.escalated_at is not None:
            return [Reply(text="I've already asked your channel manager.", visibility="only_actor")]
        question.escalated_at = deps.clock()
        partner_name = partner.name if partner is not None else "a partner"
        await queue_reply(
            session,
            deps,
            destination=person_destination(manager),
            reply=Reply(
                title="A partner question the docs don't answer",
                text=(
                    f"*{untrusted(caller.name)}* from *{partner_name}* asked:\n"
                    f"> {untrusted(question.text)}\n\n"
                    "Reply in this thread and I'll pass your answer on to them."
                ),
            ),
            thread_key=f"{QUESTION_THREAD}:{question.id}",
            dedupe_key=f"{QUESTION_THREAD}:{question.id}:ask",
        )
        manager_name = untrusted(manager.name) or "your channel manager"
    return [
        Reply(
            text=f"{question.answer}\n\nI've asked {manager_name}; their answer will appear here.",
            replace_original=True,
        )
    ]


async def answer_from_manager(
    request: Request, thread: ThreadKey, caller: Caller, deps: Deps
) -> list[Reply]:
    """A staff reply in a `question:<id>` thread: relay it to the partner; else []."""
    text = fields.typed_text(request.text)
    question_id = fields.row_id(thread.ident)
    if not text or not caller.is_staff or question_id is None:
        return []
    async with deps.sessions() as session, session.begin():
        question = await question_store.get_question(session, question_id)
        if question is None:
            return []
        question.manager_answer = text
        question.answered_at = deps.clock()
        destination = Destination(
            platform=question.platform,  # type: ignore[arg-type]
            channel_id=question.channel_id,
            thread_id=question.thread_id,
        )
        if question.channel_id is None:
            asker = (
                await people_store.get_person_by_id(session, question.person_id)
                if question.person_id is not None
                else None
            )
            if asker is None:
                return [Reply(text="I couldn't find who asked this any more.", in_thread=True)]
            destination = person_destination(asker)
        await queue_reply(
            session,
            deps,
            destination=destination,
            reply=Reply(
                title="Your channel manager answered",
                text=f"> {untrusted(question.text)}\n\n{text}",
            ),
            dedupe_key=f"{QUESTION_THREAD}:{question.id}:answer:{deps.clock().isoformat()}",
        )
    logger.info("relayed the manager's answer to question %d", question.id)
    return [Reply(text="Thanks! I've passed your answer on to the partner.", in_thread=True)]
