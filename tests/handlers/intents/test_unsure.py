"""What a person sees when plain words read two ways, in the terminal (the same
router as Slack and Teams): a sentence that is both a rule question and a request
is answered with a choice, "Search the docs" among it; a question about how
something works is answered from the documentation, with no choice to make."""

from __future__ import annotations

from handlers.deps import Deps
from tests.scenarios.shell.driver import chat


async def test_a_sentence_that_reads_both_ways_offers_the_docs_as_a_choice(deps: Deps) -> None:
    text = await chat(deps, "can DR-27 be extended?", "2", role="partner", partner_name="Acme")
    offered, _, answered = text.partition("2) Search the docs")
    assert "I'm not sure what you'd like" in offered
    assert "1) Request an extension (DR-000027)" in offered
    assert "I couldn't find that in the documentation." in answered  # picked: the docs


async def test_a_rule_question_naming_a_registration_goes_to_the_docs(deps: Deps) -> None:
    text = await chat(
        deps, "how many times can I extend DR-000044?", role="partner", partner_name="Acme"
    )
    assert "I couldn't find that in the documentation." in text
    assert "Search the docs" not in text and "Only an approved registration" not in text


async def test_a_question_about_a_thing_is_not_run_as_its_command(deps: Deps) -> None:
    text = await chat(deps, "do survey results affect our tier?", role="partner",
                      partner_name="Acme")  # fmt: skip
    assert "I couldn't find that in the documentation." in text
    assert "Surveys come to your team's channel" not in text
