"""The survey steps of run_due: a survey a day after a deal decision, in the
registration's thread and once; recurring runs; the change against the previous run;
and what the manager digest reads (new results, detractor partners)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core import Place, Request
from handlers.deps import Deps
from handlers.digests.build import build_digest
from handlers.router import dispatch
from handlers.surveys.digest import survey_news
from handlers.surveys.results import results_of
from handlers.surveys.send import Audience, send_run
from scheduling.jobs import run_due
from storage import people as people_store
from tests.conftest import FIXED_NOW
from tests.handlers.deal_world import (
    CHANNEL_A,
    MANAGER,
    MANAGER_DM,
    REP_A,
    RecordingSender,
    build_world,
    button,
    click,
    command,
    deliver,
    register,
)


@pytest.fixture
async def sender(deps: Deps) -> RecordingSender:
    return await build_world(deps)


def _in_thread(place: Place, thread_id: str, text: str, n: int) -> Request:
    threaded = Place(
        platform=place.platform,
        channel_id=place.channel_id,
        team_id=place.team_id,
        thread_id=thread_id,
        message_id=f"reply-{n}",
    )
    return Request(actor=REP_A, place=threaded, text=text)


async def test_a_survey_follows_a_decision_in_its_thread_once(
    deps: Deps, sender: RecordingSender
) -> None:
    [set_up] = await command(
        deps, MANAGER, MANAGER_DM, "survey", "send satisfaction after=approved"
    )
    assert "a day after it is approved" in set_up.text
    await register(deps)
    await deliver(deps)
    [root] = sender.to_channel("C-ACME")
    [card] = sender.to_user("U-MIA")
    await click(deps, MANAGER, MANAGER_DM, button(card.reply, "Approve"))
    await deliver(deps)

    soon = await run_due(deps, now=FIXED_NOW + timedelta(hours=12))
    assert soon.queued["surveys_after_decisions"] == 0
    day_after = await run_due(deps, now=FIXED_NOW + timedelta(days=1, hours=1))
    assert day_after.queued["surveys_after_decisions"] == 1
    again = await run_due(deps, now=FIXED_NOW + timedelta(days=1, hours=2))
    assert again.queued["surveys_after_decisions"] == 0
    survey = sender.to_channel("C-ACME")[-1]
    assert "How satisfied are you with our partner program?" in survey.reply.text
    assert survey.destination.thread_id == root.message_id

    replies = await dispatch(_in_thread(CHANNEL_A, root.message_id, "5 stars", 1), deps)
    assert [r.acknowledge for r in replies] == [True]
    results = await results_of(deps, 1)
    assert results.questions[0].average == 5.0 and results.audience == "partner Acme Partners"


async def test_recurring_runs_compare_with_the_previous_run_and_feed_the_digest(
    deps: Deps, sender: RecordingSender
) -> None:
    run_id, queued = await send_run(deps, "nps", Audience(), every="quarter")
    assert (run_id, queued) == (1, 2)
    await deliver(deps)
    first_root = sender.to_channel("C-ACME")[0].message_id
    await dispatch(_in_thread(CHANNEL_A, first_root, "10", 1), deps)

    assert (await run_due(deps, now=FIXED_NOW + timedelta(days=30))).queued[
        "surveys_recurring"
    ] == 0
    quarter = FIXED_NOW + timedelta(days=92)
    assert (await run_due(deps, now=quarter)).queued["surveys_recurring"] == 1
    assert (await run_due(deps, now=quarter + timedelta(hours=1))).queued["surveys_recurring"] == 0
    second_root = sender.to_channel("C-ACME")[-1].message_id
    assert second_root != first_root
    await dispatch(_in_thread(CHANNEL_A, second_root, "3 - too slow", 2), deps)

    results = await results_of(deps, 2)
    nps = results.questions[0]
    assert (results.previous_run_id, nps.nps, nps.change) == (1, -100, -200.0)
    assert results.questions[1].answers == 1  # "too slow" answered the reason

    async with deps.sessions() as session:
        mia = await people_store.get_person(session, "slack", "U-MIA")
    assert mia is not None
    news = await survey_news(deps, manager_id=mia.id, since=FIXED_NOW - timedelta(hours=1))
    assert [(r.run_id, r.survey_key) for r in news.results] == [(1, "nps"), (2, "nps")]
    assert [(d.partner, d.run_id, d.lowest_score) for d in news.detractors] == [
        ("Acme Partners", 2, 3)
    ]
    nobody = await survey_news(deps, manager_id=mia.id + 100, since=FIXED_NOW - timedelta(hours=1))
    assert nobody.empty
    async with deps.sessions() as session:
        digest = await build_digest(
            session, deps, mia, since=FIXED_NOW - timedelta(hours=1), now=quarter
        )
    sections = {s.title: s.lines for s in digest.sections}
    assert any(
        "Acme Partners" in line and "detractor score (3/10) in survey run 2" in line
        for line in sections["Partners at risk"]
    )
    assert [line.split(":")[0] for line in sections["Survey results"]] == [
        "Run 1 (nps)",
        "Run 2 (nps)",
    ]
