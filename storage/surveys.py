"""Surveys: definitions and their questions, runs (who was asked, until when), and the
answers people gave in the run's threads.

One answer per respondent, run and question (`uq_survey_answers_respondent`): a second
answer replaces the first. `respondent` is the person id as text, or for an anonymous
run a digest that only tells two answers of one person apart (no person is stored).
Answers are written and read in storage/survey_answers.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, insert_or_ignore, utcnow

KINDS = ("scale", "choice", "text")
CHUNK = 500


class Survey(Base):
    """A survey definition, named by `key` (`nps`, `satisfaction`, or an imported one)."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SurveyQuestion(Base):
    """One question, asked in `position` order. Scale: `low`..`high` with optional
    `labels` (low label, high label); choice: `options`."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(Text)
    low: Mapped[int | None] = mapped_column()
    high: Mapped[int | None] = mapped_column()
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    optional: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyRun(Base):
    """One sending of a survey. `every` ("quarter"/"month") makes it recurring: at
    `next_at` run_due sends the next run (claimed with a conditional UPDATE). A run
    triggered by a deal decision names the deal (once per deal and survey)."""

    __tablename__ = "survey_runs"
    __table_args__ = (UniqueConstraint("survey_id", "deal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(300))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Anonymous runs: the secret that makes respondent digests; erased at close.
    salt: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    every: Mapped[str | None] = mapped_column(String(16))
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class SurveyTarget(Base):
    """A partner a run was sent to (its tier then, for response rates by tier)."""

    __tablename__ = "survey_targets"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("survey_runs.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    tier: Mapped[str | None] = mapped_column(String(50))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SurveyTrigger(Base):
    """`survey send S --after approved|won|lost`: ask S in a registration's thread a day
    after that decision."""

    __tablename__ = "survey_triggers"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    after: Mapped[str] = mapped_column(String(16))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SurveyAnswer(Base):
    """One respondent's answer to one question of a run."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("run_id", "respondent", "position", name="uq_survey_answers_respondent"),
        Index("ix_survey_answers_run_position", "run_id", "position"),
        Index("ix_survey_answers_run_partner", "run_id", "partner_id", "respondent"),
        Index("ix_survey_answers_message", "platform", "message_id"),
        Index("ix_survey_answers_answered_at", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("survey_runs.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    respondent: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column()
    score: Mapped[int | None] = mapped_column()
    choice: Mapped[str | None] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)
    platform: Mapped[str | None] = mapped_column(String(16))
    message_id: Mapped[str | None] = mapped_column(String(255))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- definitions -------------------------------------------------------------------


async def get_survey(session: AsyncSession, key: str) -> Survey | None:
    return await session.scalar(select(Survey).where(Survey.key == key))


async def list_questions(session: AsyncSession, survey_id: int) -> list[SurveyQuestion]:
    stmt = (
        select(SurveyQuestion)
        .where(SurveyQuestion.survey_id == survey_id)
        .order_by(SurveyQuestion.position)
    )
    return list((await session.scalars(stmt)).all())


async def save_survey(
    session: AsyncSession,
    key: str,
    *,
    title: str,
    questions: list[dict[str, Any]],
    builtin: bool = False,
) -> Survey:
    """Create the survey `key`, or replace its title and questions."""
    survey = await get_survey(session, key)
    if survey is None:
        survey = Survey(key=key, title=title, builtin=builtin)
        session.add(survey)
        await session.flush()
    else:
        survey.title = title
        for old in await list_questions(session, survey.id):
            await session.delete(old)
        await session.flush()
    for position, question in enumerate(questions):
        session.add(SurveyQuestion(survey_id=survey.id, position=position, **question))
    await session.flush()
    return survey


async def list_surveys(session: AsyncSession) -> list[Survey]:
    return list((await session.scalars(select(Survey).order_by(Survey.key))).all())


# --- runs ---------------------------------------------------------------------------


async def add_run(session: AsyncSession, **values: Any) -> SurveyRun | None:
    """Record a run; None when its (survey, deal) was already surveyed."""
    if values.get("deal_id") is not None:
        run_id = await session.scalar(
            insert_or_ignore(session, SurveyRun)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["survey_id", "deal_id"])
            .returning(SurveyRun.id)
        )
        return None if run_id is None else await session.get(SurveyRun, run_id)
    run = SurveyRun(**values)
    session.add(run)
    await session.flush()
    return run


async def add_targets(session: AsyncSession, run_id: int, tiers: dict[int, str | None]) -> None:
    rows = [{"run_id": run_id, "partner_id": p, "tier": t} for p, t in tiers.items()]
    for start in range(0, len(rows), CHUNK):
        await session.execute(
            insert_or_ignore(session, SurveyTarget)
            .values(rows[start : start + CHUNK])
            .on_conflict_do_nothing()
        )


async def get_run(session: AsyncSession, run_id: int) -> SurveyRun | None:
    return await session.get(SurveyRun, run_id)


async def is_target(session: AsyncSession, run_id: int, partner_id: int) -> bool:
    return await session.get(SurveyTarget, (run_id, partner_id)) is not None
