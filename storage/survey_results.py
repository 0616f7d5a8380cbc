"""Survey results as SQL aggregates: per-question scores (NPS buckets, averages),
response rates by partner and tier, comments, and what is new for a manager."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.partners import Partner
from storage.people import Person
from storage.surveys import SurveyAnswer, SurveyQuestion, SurveyRun, SurveyTarget


@dataclass(frozen=True)
class ScoreRow:
    position: int
    answers: int
    average: float | None
    promoters: int
    passives: int
    detractors: int
    given: int = 0


@dataclass(frozen=True)
class RateRow:
    name: str
    targets: int
    responded: int
    respondents: int


@dataclass(frozen=True)
class CommentRow:
    partner: str
    person: str | None
    position: int
    text: str


async def score_rows(session: AsyncSession, run_id: int) -> list[ScoreRow]:
    """Per question with scores: count, average, and the 9–10 / 7–8 / 0–6 buckets."""
    return [row for row in (await question_rows(session, run_id)).values() if row.answers]


async def question_rows(session: AsyncSession, run_id: int) -> dict[int, ScoreRow]:
    """Per question answered at all, in one scan: scores (count, average, 9–10 / 7–8 /
    0–6 buckets) and `given`, the answers of any kind (a skip is no answer)."""
    a = SurveyAnswer
    given = (a.score.is_not(None)) | (a.choice.is_not(None)) | (a.comment.is_not(None))
    stmt = (
        select(
            a.position,
            func.count(a.score),
            func.avg(a.score),
            func.sum(case((a.score >= 9, 1), else_=0)),
            func.sum(case(((a.score >= 7) & (a.score <= 8), 1), else_=0)),
            func.sum(case((a.score <= 6, 1), else_=0)),
            func.sum(case((given, 1), else_=0)),
        )
        .where(a.run_id == run_id)
        .group_by(a.position)
        .order_by(a.position)
    )
    return {
        int(p): ScoreRow(
            int(p),
            int(n),
            float(avg) if avg is not None else None,
            int(pr or 0),
            int(pa or 0),
            int(de or 0),
            int(g or 0),
        )
        for p, n, avg, pr, pa, de, g in (await session.execute(stmt)).all()
    }


async def choice_counts(session: AsyncSession, run_id: int) -> dict[int, dict[str, int]]:
    """Per choice question: option -> how many picked it."""
    a = SurveyAnswer
    stmt = (
        select(a.position, a.choice, func.count())
        .where(a.run_id == run_id, a.choice.is_not(None))
        .group_by(a.position, a.choice)
    )
    found: dict[int, dict[str, int]] = {}
    for position, choice, n in (await session.execute(stmt)).all():
        found.setdefault(int(position), {})[str(choice)] = int(n)
    return found


async def rate_rows(session: AsyncSession, run_id: int) -> tuple[list[RateRow], list[RateRow]]:
    """Response rates by partner and by tier (the tier the partner had when asked):
    one query over the run's targets and its answers' respondents per partner."""
    t, a = SurveyTarget, SurveyAnswer
    per_partner = (
        select(a.partner_id, func.count(distinct(a.respondent)).label("people"))
        .where(a.run_id == run_id)
        .group_by(a.partner_id)
        .subquery()
    )
    stmt = (
        select(Partner.name, t.tier, per_partner.c.people)
        .select_from(t)
        .join(Partner, Partner.id == t.partner_id)
        .outerjoin(per_partner, per_partner.c.partner_id == t.partner_id)
        .where(t.run_id == run_id)
        .order_by(Partner.name_key)
    )
    partners: list[RateRow] = []
    tiers: dict[str, list[int]] = {}
    for name, tier, people in (await session.execute(stmt)).all():
        responded = 1 if people else 0
        partners.append(RateRow(str(name), 1, responded, int(people or 0)))
        totals = tiers.setdefault(tier or "—", [0, 0, 0])
        totals[0] += 1
        totals[1] += responded
        totals[2] += int(people or 0)
    by_tier = [RateRow(k, n, r, p) for k, (n, r, p) in sorted(tiers.items())]
    return partners, by_tier


async def comment_rows(session: AsyncSession, run_id: int, *, limit: int = 200) -> list[CommentRow]:
    """Free-text answers and comments, newest first (the person only when stored)."""
    a = SurveyAnswer
    stmt = (
        select(Partner.name, Person.name, a.position, a.comment)
        .join(Partner, Partner.id == a.partner_id)
        .outerjoin(Person, Person.id == a.person_id)
        .where(a.run_id == run_id, a.comment.is_not(None))
        .order_by(a.answered_at.desc(), a.id.desc())
        .limit(limit)
    )
    return [
        CommentRow(str(partner), person, int(pos), str(text))
        for partner, person, pos, text in (await session.execute(stmt)).all()
    ]


async def previous_run_id(session: AsyncSession, run: SurveyRun) -> int | None:
    return await session.scalar(
        select(func.max(SurveyRun.id)).where(
            SurveyRun.survey_id == run.survey_id, SurveyRun.id < run.id
        )
    )


@dataclass(frozen=True)
class NewResult:
    run_id: int
    survey_key: str
    answers: int


@dataclass(frozen=True)
class Detractor:
    partner_id: int
    partner: str
    run_id: int
    lowest_score: int


async def new_results(
    session: AsyncSession, *, manager_id: int | None, since: datetime
) -> tuple[list[NewResult], list[Detractor]]:
    """Runs with answers since `since` from the manager's partners (every partner for
    None), and those partners who gave a 0–6 on a 0–10 question since then."""
    from storage.surveys import Survey

    a, q = SurveyAnswer, SurveyQuestion
    mine = select(Partner.id)
    if manager_id is not None:
        mine = mine.where(Partner.manager_id == manager_id)
    recent = (a.answered_at > since) & a.partner_id.in_(mine)
    runs = (
        select(a.run_id, Survey.key, func.count(a.id))
        .join(SurveyRun, SurveyRun.id == a.run_id)
        .join(Survey, Survey.id == SurveyRun.survey_id)
        .where(recent)
        .group_by(a.run_id, Survey.key)
        .order_by(a.run_id)
    )
    detractors = (
        select(a.partner_id, Partner.name, a.run_id, func.min(a.score))
        .join(Partner, Partner.id == a.partner_id)
        .join(SurveyRun, SurveyRun.id == a.run_id)
        .join(q, (q.survey_id == SurveyRun.survey_id) & (q.position == a.position))
        .where(recent, q.kind == "scale", q.low == 0, q.high == 10, a.score <= 6)
        .group_by(a.partner_id, Partner.name, a.run_id)
        .order_by(Partner.name)
    )
    return (
        [NewResult(int(r), str(k), int(n)) for r, k, n in (await session.execute(runs)).all()],
        [
            Detractor(int(p), str(name), int(r), int(s or 0))
            for p, name, r, s in (await session.execute(detractors)).all()
        ],
    )


def nps_score(promoters: int, detractors: int, answers: int) -> int:
    """% promoters − % detractors, rounded to a whole number (0 with no answers)."""
    return round(100 * (promoters - detractors) / answers) if answers else 0


#: An anonymous run's answers count towards one partner's NPS only when at least this
#: many of the partner's people answered it: fewer would show a person's own score.
MIN_ANONYMOUS_RESPONDENTS = 3


@dataclass(frozen=True)
class PartnerNps:
    """A partner's answers to 0–10 ("how likely to recommend") questions in a period."""

    answers: int = 0
    promoters: int = 0
    detractors: int = 0
    #: answers left out: anonymous runs the partner answered with too few people
    withheld: int = 0

    @property
    def score(self) -> int | None:
        return nps_score(self.promoters, self.detractors, self.answers) if self.answers else None


async def partner_nps(
    session: AsyncSession, partner_ids: list[int], start: datetime, end: datetime
) -> dict[int, PartnerNps]:
    """Per partner, its people's 0–10 answers given in [start, end), every run of every
    survey together; anonymous runs only where enough of its people answered."""
    a, q = SurveyAnswer, SurveyQuestion
    stmt = (
        select(
            a.partner_id,
            SurveyRun.anonymous,
            func.count(distinct(a.respondent)),
            func.count(a.score),
            func.sum(case((a.score >= 9, 1), else_=0)),
            func.sum(case((a.score <= 6, 1), else_=0)),
        )
        .join(SurveyRun, SurveyRun.id == a.run_id)
        .join(q, (q.survey_id == SurveyRun.survey_id) & (q.position == a.position))
        .where(
            a.partner_id.in_(partner_ids),
            a.score.is_not(None),
            q.kind == "scale",
            q.low == 0,
            q.high == 10,
            a.answered_at >= start,
            a.answered_at < end,
        )
        .group_by(a.partner_id, a.run_id, SurveyRun.anonymous)
    )
    found: dict[int, PartnerNps] = {}
    for partner_id, anonymous, people, n, promoters, detractors in await session.execute(stmt):
        was = found.get(int(partner_id), PartnerNps())
        if anonymous and int(people) < MIN_ANONYMOUS_RESPONDENTS:
            found[int(partner_id)] = PartnerNps(
                was.answers, was.promoters, was.detractors, was.withheld + int(n)
            )
            continue
        found[int(partner_id)] = PartnerNps(
            was.answers + int(n),
            was.promoters + int(promoters or 0),
            was.detractors + int(detractors or 0),
            was.withheld,
        )
    return found
