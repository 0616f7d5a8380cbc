"""A partner's NPS in its scorecard and QBR pack: its people's 0–10 answers in the
quarter, named runs in full, anonymous runs only when enough of its people answered
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from handlers.deps import Deps
from handlers.digests.kpis import kpi_facts, load_kpis
from handlers.digests.qbr import build_qbr
from handlers.surveys.definitions import ensure_builtin
from storage import partners as partner_store
from storage import survey_answers
from storage import surveys as survey_store
from storage.kpis import PartnerKpis
from storage.quarters import Quarter
from tests.conftest import FIXED_NOW
from tests.handlers.deal_world import build_world
from tests.handlers.digests.kpi_world import at

Q4 = Quarter(2026, 4)


async def answer_run(
    deps: Deps,
    partner: str,
    scores: list[int],
    *,
    answered: datetime,
    anonymous: bool = False,
    survey: str = "nps",
) -> None:
    """One run of `survey` sent to `partner`, each score from a different person."""
    async with deps.sessions() as session, session.begin():
        await ensure_builtin(session)
        found = await survey_store.get_survey(session, survey)
        target = await partner_store.get_partner_by_name(session, partner)
        assert found and target
        run = await survey_store.add_run(
            session, survey_id=found.id, audience=f"partner:{partner}", anonymous=anonymous
        )
        assert run
        await survey_store.add_targets(session, run.id, {target.id: target.tier})
        for n, score in enumerate(scores):
            await survey_answers.save_answer(
                session,
                {
                    "run_id": run.id,
                    "partner_id": target.id,
                    "respondent": f"r{run.id}-{n}",
                    "position": 0,
                    "score": score,
                    "answered_at": answered,
                },
            )


async def acme_kpis(deps: Deps, quarter: Quarter = Q4) -> PartnerKpis:
    async with deps.sessions() as session:
        acme = await partner_store.get_partner_by_name(session, "Acme Partners")
        assert acme
        return (await load_kpis(session, deps.settings, [acme.id], quarter, now=FIXED_NOW))[acme.id]


async def test_scorecard_shows_the_quarters_nps_and_withholds_small_anonymous_runs(
    deps: Deps,
) -> None:
    await build_world(deps)
    await answer_run(deps, "Acme Partners", [10, 9, 7, 3], answered=at(10, 20))
    await answer_run(deps, "Acme Partners", [0, 10], answered=at(11, 2), anonymous=True)
    await answer_run(deps, "Acme Partners", [2, 2, 2], answered=at(9, 15))  # Q3
    await answer_run(deps, "Acme Partners", [1], answered=at(11, 3), survey="satisfaction")
    await answer_run(deps, "Beta Resellers", [0, 0], answered=at(10, 21))

    kpis = await acme_kpis(deps)
    facts = dict(kpi_facts(kpis, "USD"))
    # (2 promoters − 1 detractor) of 4 named answers; the 2-person anonymous run is
    # left out, and so are Q3, a 1–5 question and another partner's answers.
    assert facts["Partner NPS"] == (
        "NPS +25 from 4 answers (2 promoters, 1 detractors); "
        "2 anonymous answers not counted (too few people)"
    )

    earlier = dict(kpi_facts(await acme_kpis(deps, Q4.previous()), "USD"))
    assert earlier["Partner NPS"].startswith("NPS -100 from 3 answers")

    await answer_run(deps, "Acme Partners", [10, 10, 10], answered=at(11, 4), anonymous=True)
    pack = await build_qbr(deps, "Acme Partners", Q4, now=FIXED_NOW)
    assert pack.survey is not None and pack.survey.startswith("NPS +57 from 7 answers")
    data = pack.to_json()
    assert data["kpis"]["nps"] == 57 and data["kpis"]["nps_answers"] == 7  # type: ignore[index]
    assert "## Survey results\n\nNPS +57 from 7 answers" in pack.to_markdown()
    assert ["survey", pack.survey, "", ""] in [list(r) for r in pack.rows()]


async def test_a_partner_without_answers_says_so(deps: Deps) -> None:
    await build_world(deps)
    facts = dict(kpi_facts(await acme_kpis(deps), "USD"))
    assert facts["Partner NPS"] == "no survey answers"
    pack = await build_qbr(deps, "Acme Partners", Q4, now=FIXED_NOW)
    assert pack.survey is None and "- no surveys yet" in pack.to_markdown()
