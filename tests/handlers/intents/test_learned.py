"""Refs and statuses as people write them, and the learned scorer's second opinion:
it may offer a command with buttons, never run one the patterns did not find."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.intents import learned
from handlers.intents.matcher import match_intent, normalise, normalise_ref
from handlers.intents.patterns import INTENTS
from tests.scenarios.shell.driver import chat


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("extend registration 203 please", "DR-000203"),
        ("Can you extend #48 for me?", "DR-000048"),
        ("change the deal #92 to stage proposal", "DR-000092"),
        ("close out reg 45 as lost", "DR-000045"),
        ("deal number 12", "DR-000012"),
        ("DR–12 and Dr. 7", "DR-000012"),
        ("a deal 50 000 EUR", None),  # an amount, not a ref
        ("reg 40k for Acme", None),
    ],
)
def test_refs_as_people_write_them(text: str, ref: str | None) -> None:
    assert normalise_ref(text) == ref


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        ("Can you mark dr 250 as closed-lost?", "mark_lost", {"ref": "DR-000250"}),
        ("DR-000901 closed-won yesterday, please update it", "mark_won", {"ref": "DR-000901"}),
        ("Would you mind moving registration 71 to the discovery stage?", "update_deal",
         {"ref": "DR-000071"}),
        ("which of my registrations are waiting on more info from me?", "list_deals",
         {"status": "info_requested"}),
        ("could you list everything that's currently sitting with me?", "pending_approvals", {}),
        ("what commands are there?", "help", {}),
    ],
)  # fmt: skip
def test_requests_the_independent_writers_made(
    text: str, intent: str, slots: dict[str, str]
) -> None:
    match = match_intent(text)
    assert match.intent == intent and match.confident
    assert slots.items() <= match.slots.items()


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("show my denied deals", "rejected"),
        ("list withdrawn registrations", "withdrawn"),
        ("deals under review", "pending"),
        ("my accepted registrations", "approved"),
        ("regs - info requested", "info_requested"),
    ],
)
def test_a_list_carries_the_status_in_other_words(text: str, status: str) -> None:
    match = match_intent(text)
    assert (match.intent, match.slots.get("status")) == ("list_deals", status)


def test_a_question_asked_before_a_second_request_stays_a_question() -> None:
    assert (
        match_intent("Is there a Terraform provider? Also, what commands do you support?").intent
        == "ask"
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [("what's my queue like", "pending_approvals"), ("what can i use you for", "help")],
)
def test_a_command_only_the_model_sees_is_offered_with_buttons(text: str, intent: str) -> None:
    match = match_intent(text)
    assert (match.intent, match.unsure, match.confident) == (intent, True, False)


async def test_the_person_picks_between_the_command_and_the_docs(deps: Deps) -> None:
    text = await chat(deps, "what can i use you for", "2", role="partner", partner_name="Acme")
    offered, _, answered = text.partition("2) Search the docs")
    assert "I'm not sure what you'd like" in offered
    assert "I couldn't find that in the documentation." in answered


def test_the_model_knows_every_intent_and_sums_to_one() -> None:
    assert set(learned.LABELS) == {*INTENTS, "ask"}
    probs = learned.probabilities(normalise("show me my deals"))
    assert abs(sum(probs.values()) - 1.0) < 1e-9
    assert max(probs, key=lambda name: probs[name]) == "list_deals"
