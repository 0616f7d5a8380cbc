"""Surveys in the terminal: a manager sends one, run_due prints its question in the
partner's shell channel, and the partner answers with `> …` in that thread."""

from __future__ import annotations

from handlers.deps import Deps
from handlers.surveys.results import results_of
from scheduling.jobs import run_due
from tests.conftest import FIXED_NOW
from tests.scenarios.shell.driver import chat


async def test_a_partner_answers_the_survey_in_its_thread(deps: Deps) -> None:
    await chat(deps, "hello", role="partner", partner_name="Acme")  # links shell-acme
    sent = await chat(deps, "survey send satisfaction partner=Acme", "exit")
    assert "Survey run 1 is on its way: 1 channel(s)" in sent

    report = await run_due(deps, now=FIXED_NOW)  # printed by the last shell's sender
    assert report.delivery.sent == 1
    answered = await chat(
        deps, "> great", "> 4 out of 5 - good onboarding", "> thanks!", role="partner",
        partner_name="Acme",
    )  # fmt: skip
    assert "Reply with a number from 1 to 5" in answered
    assert "Thank you — that's all." in answered
    results = await results_of(deps, 1)
    assert results.questions[0].average == 4.0
    assert [c["text"] for c in results.comments] == ["good onboarding"]

    nothing = await chat(deps, "> 5", role="manager", partner_name="Acme")
    assert "(no reply)" in nothing  # a manager's words in the thread are not answers


async def test_asking_for_a_survey_in_plain_words(deps: Deps) -> None:
    manager = await chat(deps, "send a survey")
    assert "/partnerbot survey send nps" in manager and "coming soon" not in manager
    partner = await chat(deps, "I want to take the survey", role="partner", partner_name="Acme")
    assert "answer a survey's question in its thread" in partner
