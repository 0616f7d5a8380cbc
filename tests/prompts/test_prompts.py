"""Prompt templates: rendering fills every placeholder and refuses a mismatch."""

from __future__ import annotations

import pytest

import prompts
from prompts import PromptError


def test_answer_question_renders_question_and_passages() -> None:
    text = prompts.render(
        "answer_question",
        product="Lumora",
        question="is it SOC 2?",
        passages="[1] Security\nLumora is SOC 2 Type II certified.",
        refusal="I don't know.",
        max_sentences=4,
    )
    assert "is it SOC 2?" in text
    assert "[1] Security\nLumora is SOC 2 Type II certified." in text
    assert "exactly `I don't know.`" in text
    assert "{" not in text


def test_a_missing_or_unknown_field_raises() -> None:
    with pytest.raises(PromptError, match="missing"):
        prompts.render("answer_question", question="q")
    fields = prompts.fields(prompts.load("answer_question"))
    with pytest.raises(PromptError, match="unexpected"):
        prompts.render("answer_question", **dict.fromkeys(fields, "x"), extra="y")
    with pytest.raises(PromptError):
        prompts.load("no_such_prompt")


def test_extract_registration_renders_the_tool_today_and_the_currency() -> None:
    text = prompts.render(
        "extract_registration", tool="prefill_registration", today="2026-11-26", currency="EUR"
    )
    assert "calling `prefill_registration` exactly once" in text
    assert "Today is 2026-11-26" in text and "is in EUR" in text and "{" not in text
