"""Unanswered questions go to a human: the partner's channel manager gets the question
through the outbox (a thread named `question:<id>`), and the manager's reply in that
thread is posted back to the partner where they asked."""

from __future__ import annotations

import logging

from bot.core import Reply, Request
from bot.core.delivery import Destination
from bot.core.untrusted import untrusted
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.notify import person_destination, queue_reply, thread_key_at
from storage import kb_questions as question_store
from storage import partners as partner_store
from storage import people as people_store

logger = logging.getLogger(__name__)

THREAD_PREFIX = "question:"


def thread_of_answer(request: Request) -> str | None:
    """The thread an answer to `request` lives in: the request's thread, or the thread
    the answer starts under the request's message."""
    return request.place.thread_id or request.place.message_id


def question_id_of(request: Request) -> int | None:
    assert request.click is not None
    raw = request.click.value or request.click.action_id.rpartition(":")[2]
    return int(raw) if raw.isdigit() else None


async def ask_manager(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """ "Ask my channel manager": send the question to the partner's manager."""
    question_id = question_id_of(request)
    async with deps.sessions() as session, session.begin():
        question = await question_store.get_question(session, question_id) if question_id else None
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
            thread_key=f"{THREAD_PREFIX}{question.id}",
            dedupe_key=f"{THREAD_PREFIX}{question.id}:ask",
        )
        manager_name = untrusted(manager.name) or "your channel manager"
    return [
        Reply(
            text=f"{question.answer}\n\nI've asked {manager_name}; their answer will appear here.",
            replace_original=True,
        )
    ]


async def answer_from_manager(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """A reply in a `question:<id>` thread: relay it to the partner; else []."""
    place = request.place
    text = request.text.strip()
    if place.thread_id is None or not text:
        return []
    async with deps.sessions() as session, session.begin():
        key = await thread_key_at(
            session, platform=place.platform, channel_id=place.channel_id, thread_id=place.thread_id
        )
        if key is None or not key.startswith(THREAD_PREFIX):
            return []
        suffix = key[len(THREAD_PREFIX) :]
        question = (
            await question_store.get_question(session, int(suffix)) if suffix.isdigit() else None
        )
        if question is None:
            return []
        if not caller.is_staff:
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
            dedupe_key=f"{THREAD_PREFIX}{question.id}:answer:{deps.clock().isoformat()}",
        )
    logger.info("relayed the manager's answer to question %d", question.id)
    return [Reply(text="Thanks! I've passed your answer on to the partner.", in_thread=True)]
