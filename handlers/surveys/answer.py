"""Answers to a survey, written in its thread or clicked on its buttons: stored per
respondent (a second answer replaces the first, an edit updates the answer it edits),
confirmed lightly, and followed by the next question in the same thread."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import ButtonClick, Reply, Request
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.routes import QUIET, ThreadKey
from handlers.surveys.definitions import Question, question_of
from handlers.surveys.parse import Answer, Unreadable, parse_answer
from handlers.surveys.send import ids_of, question_reply
from storage import survey_answers as answers_store
from storage import surveys as store


def respondent_of(run: store.SurveyRun, caller: Caller) -> str:
    """Who answered, as stored: the person id, or for an anonymous run a digest that
    only tells one respondent's answers apart (its salt is erased at close)."""
    if not run.anonymous:
        return str(caller.person_id)
    return hashlib.sha256(f"{run.id}:{run.salt}:{caller.person_id}".encode()).hexdigest()[:32]


def is_closed(run: store.SurveyRun, now: datetime) -> bool:
    return run.closed_at is not None or (run.closes_at is not None and run.closes_at <= now)


def closed_line(run: store.SurveyRun) -> str:
    last = run.closes_at - timedelta(seconds=1) if run.closes_at else run.closed_at
    day = (last or run.created_at).date().isoformat()
    return (
        f"Thanks for wanting to answer — this survey closed on {day}, so I can't take "
        "answers any more."
    )


@dataclass(frozen=True)
class _Context:
    run: store.SurveyRun
    questions: list[Question]
    respondent: str


async def _load(
    session: AsyncSession, run_id: int, partner_id: int, caller: Caller
) -> _Context | None:
    """The run, if `caller` answers for one of its target partners."""
    if caller.is_staff or caller.acting_partner_id != partner_id:
        return None
    run = await store.get_run(session, run_id)
    if run is None or not await store.is_target(session, run_id, partner_id):
        return None
    questions = [question_of(q) for q in await store.list_questions(session, run.survey_id)]
    return _Context(run, questions, respondent_of(run, caller))


def _next(questions: list[Question], answered: set[int]) -> int | None:
    return next((i for i in range(len(questions)) if i not in answered), None)


async def _store(
    session: AsyncSession,
    ctx: _Context,
    caller: Caller,
    partner_id: int,
    position: int,
    answer: Answer,
    *,
    now: datetime,
    platform: str,
    message_id: str | None,
) -> None:
    await answers_store.save_answer(
        session,
        {
            "run_id": ctx.run.id,
            "partner_id": partner_id,
            "respondent": ctx.respondent,
            "person_id": None if ctx.run.anonymous else caller.person_id,
            "position": position,
            "score": answer.score,
            "choice": answer.choice,
            "comment": answer.comment,
            "platform": platform,
            "message_id": message_id,
            "answered_at": now,
        },
    )


def _follow_up(ctx: _Context, caller: Caller, answered: set[int]) -> list[Reply]:
    position = _next(ctx.questions, answered)
    if position is None:
        return [Reply(text="Thank you — that's all.", acknowledge=True, in_thread=True)]
    ask = question_reply(None, ctx.run.id, position, ctx.questions[position])
    name = caller.name.split()[0] if caller.name else ""
    return [
        Reply(text="Thanks, noted.", acknowledge=True, in_thread=True),
        Reply(
            text=f"{name}: {ask.text}" if name else ask.text,
            buttons=ask.buttons,
            in_thread=True,
        ),
    ]


async def answer_in_thread(
    request: Request, thread: ThreadKey, caller: Caller, deps: Deps
) -> list[Reply]:
    """A message in a survey's thread: the answer to the writer's next question (or,
    for an edit, to the question the edited message answered)."""
    found = ids_of(thread.ident)
    text = request.text.strip()
    if found is None or not text:
        return [QUIET]
    run_id, partner_id = found
    now = deps.clock()
    place = request.place
    async with deps.sessions() as session, session.begin():
        ctx = await _load(session, run_id, partner_id, caller)
        if ctx is None:
            return [QUIET]
        answered = await answers_store.answered_positions(session, run_id, ctx.respondent)
        position = _next(ctx.questions, answered)
        if request.edited and place.message_id is not None:
            earlier = await answers_store.get_answer_by_message(
                session, place.platform, place.message_id
            )
            if (
                earlier is not None
                and earlier.run_id == run_id
                and earlier.respondent == ctx.respondent
            ):
                position = earlier.position
        if position is None:
            return [QUIET]  # chatter after the survey is complete
        question = ctx.questions[position]
        parsed = parse_answer(text, question)
        if is_closed(ctx.run, now):
            return (
                [QUIET]
                if isinstance(parsed, Unreadable)
                else [Reply(text=closed_line(ctx.run), in_thread=True)]
            )
        if isinstance(parsed, Unreadable):
            return [Reply(text=parsed.hint, in_thread=True)]
        positions = [(position, parsed)]
        following = position + 1
        if (
            parsed.comment
            and question.kind == "scale"
            and following < len(ctx.questions)
            and ctx.questions[following].kind == "text"
            and following not in answered
        ):  # "9 - support is great" also answers "what is the main reason?"
            positions = [
                (position, Answer(score=parsed.score)),
                (following, Answer(comment=parsed.comment)),
            ]
        for at, answer in positions:
            await _store(
                session,
                ctx,
                caller,
                partner_id,
                at,
                answer,
                now=now,
                platform=place.platform,
                message_id=place.message_id,
            )
            answered.add(at)
    if request.edited:
        return [QUIET]
    return _follow_up(ctx, caller, answered)


def _click_value(value: str) -> tuple[int, int, str] | None:
    parts = value.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    return int(parts[0]), int(parts[1]), parts[2]


async def on_answer_button(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    """A score or option button: stored as the clicker's answer to that question."""
    found = _click_value(click.value)
    partner_id = caller.acting_partner_id
    if found is None or partner_id is None or caller.is_staff:
        return [Reply(text="These buttons are for the partner's team.", visibility="only_actor")]
    run_id, position, pick = found
    now = deps.clock()
    async with deps.sessions() as session, session.begin():
        ctx = await _load(session, run_id, partner_id, caller)
        if ctx is None or position >= len(ctx.questions):
            return [Reply(text="That survey is not your team's.", visibility="only_actor")]
        if is_closed(ctx.run, now):
            return [Reply(text=closed_line(ctx.run), visibility="only_actor")]
        question = ctx.questions[position]
        answer = _picked(question, pick)
        if answer is None:
            return [Reply(text="That button has expired.", visibility="only_actor")]
        await _store(
            session,
            ctx,
            caller,
            partner_id,
            position,
            answer,
            now=now,
            platform=request.place.platform,
            message_id=None,
        )
        answered = await answers_store.answered_positions(session, run_id, ctx.respondent)
    shown = answer.choice if answer.choice is not None else str(answer.score)
    follow = [r for r in _follow_up(ctx, caller, answered) if not r.acknowledge]
    return [Reply(text=f"Thanks — {shown} noted.", visibility="only_actor"), *follow]


def _picked(question: Question, pick: str) -> Answer | None:
    if question.kind == "choice" and pick.startswith("c") and pick[1:].isdigit():
        index = int(pick[1:])
        return Answer(choice=question.options[index]) if index < len(question.options) else None
    if question.kind == "scale" and pick.isdigit():
        score = int(pick)
        low, high = question.low or 0, question.high or 10
        return Answer(score=score) if low <= score <= high else None
    return None
