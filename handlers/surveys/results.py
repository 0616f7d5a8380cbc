"""Survey results for vendor staff: NPS with its counts, averages, response rates by
partner and tier, comments (named unless anonymous), and the change against the
previous run of the same survey. Never posted into partner channels."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import NotFound
from handlers.deps import Deps
from handlers.surveys.definitions import question_of
from storage import survey_results as agg
from storage import surveys as store


@dataclass(frozen=True)
class QuestionResult:
    position: int
    prompt: str
    kind: str
    answers: int
    average: float | None = None
    nps: int | None = None
    promoters: int | None = None
    passives: int | None = None
    detractors: int | None = None
    change: float | None = None
    options: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Results:
    run_id: int
    survey: str
    title: str
    audience: str
    anonymous: bool
    closes_at: str | None
    closed: bool
    previous_run_id: int | None
    questions: list[QuestionResult] = field(default_factory=list)
    by_partner: list[dict[str, Any]] = field(default_factory=list)
    by_tier: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def nps_of(row: agg.ScoreRow) -> int:
    return agg.nps_score(row.promoters, row.detractors, row.answers)


def _rate(row: agg.RateRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "partners": row.targets,
        "responded": row.responded,
        "respondents": row.respondents,
        "rate": round(row.responded / row.targets, 3) if row.targets else 0.0,
    }


async def _scores(session: AsyncSession, run_id: int) -> dict[int, agg.ScoreRow]:
    return await agg.question_rows(session, run_id)


async def build_results(session: AsyncSession, run: store.SurveyRun) -> Results:
    survey = await session.get(store.Survey, run.survey_id)
    assert survey is not None
    questions = [question_of(q) for q in await store.list_questions(session, survey.id)]
    scores = await _scores(session, run.id)
    previous_id = await agg.previous_run_id(session, run)
    before = await _scores(session, previous_id) if previous_id is not None else {}
    counts = {position: row.given for position, row in scores.items()}
    picked = await agg.choice_counts(session, run.id)
    results: list[QuestionResult] = []
    for position, question in enumerate(questions):
        row = scores.get(position)
        if question.kind != "scale" or row is None or not row.answers:
            options = {o: picked.get(position, {}).get(o, 0) for o in question.options}
            results.append(
                QuestionResult(
                    position,
                    question.prompt,
                    question.kind,
                    counts.get(position, 0),
                    options=options,
                )
            )
            continue
        is_nps = question.low == 0 and question.high == 10
        earlier = before.get(position)
        change: float | None = None
        if earlier is not None and earlier.answers:
            change = (
                float(nps_of(row) - nps_of(earlier))
                if is_nps
                else round((row.average or 0) - (earlier.average or 0), 2)
            )
        results.append(
            QuestionResult(
                position,
                question.prompt,
                question.kind,
                row.answers,
                average=round(row.average, 2) if row.average is not None else None,
                nps=nps_of(row) if is_nps else None,
                promoters=row.promoters if is_nps else None,
                passives=row.passives if is_nps else None,
                detractors=row.detractors if is_nps else None,
                change=change,
            )
        )
    comments = [
        {
            "partner": c.partner,
            "person": None if run.anonymous else c.person,
            "question": c.position,
            "text": c.text,
        }
        for c in await agg.comment_rows(session, run.id)
    ]
    by_partner, by_tier = await agg.rate_rows(session, run.id)
    return Results(
        run_id=run.id,
        survey=survey.key,
        title=survey.title,
        audience=run.audience,
        anonymous=run.anonymous,
        closes_at=run.closes_at.isoformat() if run.closes_at else None,
        closed=run.closed_at is not None,
        previous_run_id=previous_id,
        questions=results,
        by_partner=[_rate(r) for r in by_partner],
        by_tier=[_rate(r) for r in by_tier],
        comments=comments,
    )


async def results_of(deps: Deps, run_id: int) -> Results:
    """Raises NotFound for a run that does not exist."""
    async with deps.sessions() as session:
        run = await store.get_run(session, run_id)
        if run is None:
            raise NotFound("survey run", str(run_id))
        return await build_results(session, run)


def _signed(value: float) -> str:
    return f"{value:+g}"


def results_text(results: Results) -> str:
    """Markdown lines for chat and the terminal."""
    lines = [f"**{results.title}** — run {results.run_id} ({results.audience})"]
    for q in results.questions:
        if q.nps is not None:
            change = (
                f", {_signed(q.change)} vs run {results.previous_run_id}"
                if q.change is not None
                else ""
            )
            lines.append(
                f"NPS **{q.nps:+d}** from {q.answers} answers: {q.promoters} promoters, "
                f"{q.passives} passives, {q.detractors} detractors{change}"
            )
        elif q.average is not None:
            change = (
                f", {_signed(q.change)} vs run {results.previous_run_id}"
                if q.change is not None
                else ""
            )
            lines.append(f"{q.prompt} — average **{q.average:g}** from {q.answers} answers{change}")
        elif q.options:
            picks = ", ".join(f"{o} {n}" for o, n in q.options.items())
            lines.append(f"{q.prompt} — {picks}")
        else:
            lines.append(f"{q.prompt} — {q.answers} answers")
    for title, rows in (("By tier", results.by_tier), ("By partner", results.by_partner)):
        parts = [f"{r['name']} {r['responded']}/{r['partners']}" for r in rows]
        lines.append(f"{title}: " + (", ".join(parts) if parts else "nobody was asked"))
    if results.comments:
        lines.append("Comments:")
        for c in results.comments[:20]:
            who = f"{c['person']}, {c['partner']}" if c["person"] else c["partner"]
            lines.append(f"- “{c['text']}” — {who}")
    return "\n".join(lines)


def results_csv(results: Results) -> str:
    """One row per figure: section, name, value (for spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "name", "value", "detail"])
    for q in results.questions:
        if q.nps is not None:
            writer.writerow(["nps", q.prompt, q.nps, f"{q.promoters}/{q.passives}/{q.detractors}"])
        if q.average is not None:
            writer.writerow(["average", q.prompt, q.average, q.answers])
        writer.writerow(["answers", q.prompt, q.answers, ""])
    for section, rows in (("tier", results.by_tier), ("partner", results.by_partner)):
        for r in rows:
            writer.writerow(
                [f"rate_{section}", r["name"], r["rate"], f"{r['responded']}/{r['partners']}"]
            )
    for c in results.comments:
        writer.writerow(["comment", c["partner"], _cell(c["text"]), c["person"] or ""])
    return out.getvalue()


def _cell(text: str) -> str:
    """A spreadsheet never runs a partner's words as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
