"""Families a second writer who never saw the code showed (dev set 3b): a request in
other words is run, a question about how something works goes to the docs."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.intents.matcher import match_intent
from tests.scenarios.shell.driver import chat


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        ("I need this opportunity protected before a competitor gets in", "register_deal", {}),
        ("Register Maple Leaf Foods, mapleleaf.ca, CAD 40k", "register_deal", {}),
        ("DR-88 value $95k", "update_deal", {"ref": "DR-000088"}),
        ("dr 88 close date end of June", "update_deal", {"ref": "DR-000088"}),
        ("not lost anymore: DR-9 came back and we won it", "mark_won", {"ref": "DR-000009"}),
        ("could you pull the registrations in my approval queue?", "pending_approvals", {}),
        ("which commands you understand, briefly", "help", {}),
        ("give me an overview of the commands you support", "help", {}),
        ("can we poll our partners?", "survey", {}),
        ("any approvals?", "pending_approvals", {}),
    ],
)  # fmt: skip
def test_requests_in_other_words_are_run(text: str, intent: str, slots: dict[str, str]) -> None:
    match = match_intent(text)
    assert match.intent == intent and match.confident
    assert slots.items() <= match.slots.items()


def test_how_partners_answered_the_survey_is_its_results() -> None:
    assert match_intent("How did our partners respond to the latest survey?").intent == "survey"


@pytest.mark.parametrize(
    "text",
    [
        "do lost deals affect our win rate",
        "are you SOC 2 compliant?",
        "Don't register anything, I only want to know which details a registration needs",
        "will I be notified when a deal is approved?",
        "not sure how the scorecard is built",
        "why does my pipeline show nothing",
        "Is there a Terraform provider? Also, what commands do you support?",
    ],
)
def test_questions_about_how_things_work_go_to_the_docs(text: str) -> None:
    assert match_intent(text).intent == "ask"


async def test_a_registration_with_a_canadian_domain_opens_the_form(deps: Deps) -> None:
    said = "Day one and I have one: register Maple Leaf Foods, mapleleaf.ca, CAD 40k"
    text = await chat(deps, said, role="partner", partner_name="Acme")
    assert "I couldn't find that in the documentation." not in text
    assert "Register a deal" in text
