"""Send a survey run: record who it goes to, and queue its first question into each
target partner's channels through the outbox (one thread per run and channel)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Button, Reply, ids
from bot.core.codec import action_id
from bot.core.delivery import Destination
from bot.core.errors import InvalidInput, NotFound
from handlers.deps import Deps
from handlers.notify import outbox_row, queue_rows
from handlers.surveys.definitions import Question, ensure_builtin, question_of
from storage import partners as partner_store
from storage import surveys as store

SURVEY_THREAD = "survey"
EVERY = {"month": 1, "quarter": 3}
DEFAULT_OPEN_DAYS = 14
HOW_TO_ANSWER = (
    "Answer in this thread in your own words (e.g. “9 - support is great”), or click. "
    "Each of you answers for yourself. On Teams, reply to this post (mention me if I "
    "don't react)."
)


@dataclass(frozen=True)
class Audience:
    """Who a run goes to: one partner, one tier, or every partner."""

    partner: str | None = None
    tier: str | None = None

    def describe(self) -> str:
        if self.partner:
            return f"partner {self.partner}"
        if self.tier:
            return f"tier {self.tier}"
        return "all partners"


def thread_key(run_id: int, partner_id: int, channel_row_id: int) -> str:
    """One thread per run and channel: `survey:<run>.<partner>.<channel row>`."""
    return f"{SURVEY_THREAD}:{run_id}.{partner_id}.{channel_row_id}"


def ids_of(ident: str) -> tuple[int, int] | None:
    """(run id, partner id) of a thread key's ident."""
    parts = ident.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def question_reply(title: str | None, run_id: int, position: int, question: Question) -> Reply:
    """A question as posted: scale questions carry one button per score, choice
    questions one per option."""
    buttons: tuple[Button, ...] = ()
    if question.kind == "scale" and question.low is not None and question.high is not None:
        buttons = tuple(
            Button(
                str(n),
                action_id(ids.SURVEY_ANSWER, f"{run_id}.{position}.{n}"),
                f"{run_id}.{position}.{n}",
            )
            for n in range(question.low, question.high + 1)
        )
    elif question.kind == "choice":
        buttons = tuple(
            Button(
                option,
                action_id(ids.SURVEY_ANSWER, f"{run_id}.{position}.c{i}"),
                f"{run_id}.{position}.c{i}",
            )
            for i, option in enumerate(question.options)
        )
    scale = ""
    if question.kind == "scale" and len(question.labels) == 2:
        scale = f"\n_{question.low} = {question.labels[0]}, {question.high} = {question.labels[1]}_"
    optional = " (optional: “skip” to skip)" if question.optional else ""
    return Reply(
        title=title,
        text=f"{question.prompt}{optional}{scale}",
        buttons=buttons,
        context=(HOW_TO_ANSWER,) if title else (),
        in_thread=title is None,
    )


def close_moment(closes: date | None, now: datetime) -> datetime:
    """The end of the close date (UTC), DEFAULT_OPEN_DAYS from now when none is given."""
    if closes is None:
        return now + timedelta(days=DEFAULT_OPEN_DAYS)
    moment = datetime.combine(closes + timedelta(days=1), time(0), tzinfo=UTC)
    if moment <= now:
        raise InvalidInput({"closes": f"{closes.isoformat()} has passed"})
    return moment


def next_sending(every: str, after: datetime) -> datetime:
    months = EVERY[every]
    month = after.month - 1 + months
    year = after.year + month // 12
    return after.replace(year=year, month=month % 12 + 1, day=min(after.day, 28))


async def send_run(
    deps: Deps,
    survey_key: str,
    audience: Audience,
    *,
    closes: date | None = None,
    anonymous: bool = False,
    every: str | None = None,
    created_by_id: int | None = None,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Record a run and queue its first question. Returns (run id, messages queued).

    Raises:
        NotFound: no such survey or partner.
        InvalidInput: a close date in the past, an unknown `every`, nobody to ask.
    """
    now = now or deps.clock()
    if every is not None and every not in EVERY:
        raise InvalidInput({"every": f"{every!r} is not month or quarter"})
    async with deps.sessions() as session, session.begin():
        await ensure_builtin(session)
        survey = await store.get_survey(session, survey_key.lower())
        if survey is None:
            raise NotFound("survey", survey_key)
        partners = await _audience(session, audience)
        closes_at = close_moment(closes, now)
        run = await store.add_run(
            session,
            survey_id=survey.id,
            audience=audience.describe(),
            anonymous=anonymous,
            salt=secrets.token_hex(16) if anonymous else None,
            created_at=now,
            closes_at=closes_at,
            every=every,
            next_at=next_sending(every, now) if every else None,
            created_by_id=created_by_id,
        )
        assert run is not None
        queued = await post_run(session, deps, run, survey, partners, now=now)
        return run.id, queued


async def _audience(session: AsyncSession, audience: Audience) -> list[partner_store.Partner]:
    if audience.partner:
        partner = await partner_store.get_partner_by_name(session, audience.partner)
        if partner is None:
            raise NotFound("partner", audience.partner)
        return [partner]
    partners = await partner_store.list_partners(session)
    if audience.tier:
        partners = [p for p in partners if (p.tier or "").lower() == audience.tier.lower()]
        if not partners:
            raise InvalidInput({"tier": f"no partner is in tier {audience.tier!r}"})
    if not partners:
        raise InvalidInput({"audience": "there is no partner to ask yet"})
    return partners


async def post_run(
    session: AsyncSession,
    deps: Deps,
    run: store.SurveyRun,
    survey: store.Survey,
    partners: list[partner_store.Partner],
    *,
    now: datetime,
    thread_of_partner: dict[int, Destination] | None = None,
) -> int:
    """Record `partners` as the run's targets and queue the first question to each of
    their channels (or into the given thread); dedupe per run, partner and channel."""
    questions = await store.list_questions(session, survey.id)
    first = question_reply(survey.title, run.id, 0, question_of(questions[0]))
    await store.add_targets(session, run.id, {p.id: p.tier for p in partners})
    rows = []
    for partner in partners:
        for channel in partner.channels:
            destination = Destination(platform=channel.platform, channel_id=channel.channel_id)  # type: ignore[arg-type]
            given = (thread_of_partner or {}).get(partner.id)
            if given is not None and given.platform == channel.platform:
                destination = given
            elif given is not None:
                continue
            rows.append(
                outbox_row(
                    destination,
                    first,
                    dedupe_key=f"survey:{run.id}:{partner.id}:{channel.id}",
                    now=now,
                    thread_key=thread_key(run.id, partner.id, channel.id),
                )
            )
    return await queue_rows(session, deps, rows)
