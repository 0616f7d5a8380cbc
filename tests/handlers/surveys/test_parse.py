"""The plain-words answer parser: scores, stars, "out of", words, comments, choices."""

from __future__ import annotations

import pytest

from handlers.surveys.definitions import BUILTIN, Question
from handlers.surveys.parse import Answer, Unreadable, parse_answer

NPS = BUILTIN[0].questions[0]
REASON = BUILTIN[0].questions[1]
FIVE = Question("scale", "How satisfied?", 1, 5)
CHOICE = Question("choice", "Which helped most?", options=("Docs", "Training", "Your manager"))


@pytest.mark.parametrize(
    ("text", "score", "comment"),
    [
        ("9", 9, None),
        ("9/10", 9, None),
        ("9 / 10", 9, None),
        ("nine", 9, None),
        ("Ten!", 10, None),
        ("0", 0, None),
        ("9 - support is great", 9, "support is great"),
        ("9, because support is great", 9, "support is great"),
        ("8 out of 10: slow approvals", 8, "slow approvals"),
        ("I'd say 7", 7, None),
        ("10 points", 10, None),
    ],
)
def test_scores_on_the_nps_scale(text: str, score: int, comment: str | None) -> None:
    assert parse_answer(text, NPS) == Answer(score=score, comment=comment)


@pytest.mark.parametrize(
    ("text", "score"), [("5 stars", 5), ("4 out of 5", 4), ("4/5", 4), ("one star", 1)]
)
def test_stars_and_out_of_on_a_five_point_scale(text: str, score: int) -> None:
    assert parse_answer(text, FIVE) == Answer(score=score)


@pytest.mark.parametrize(
    "text",
    ["11", "-1", "great!", "", "   ", "9.5", "9am", "4 out of 5", "tenacious", "100"],
)
def test_unreadable_or_out_of_range_gets_a_hint(text: str) -> None:
    parsed = parse_answer(text, NPS)
    assert isinstance(parsed, Unreadable)
    assert "0 to 10" in parsed.hint


def test_out_of_range_says_the_range() -> None:
    parsed = parse_answer("6", FIVE)
    assert isinstance(parsed, Unreadable) and "outside 1–5" in parsed.hint
    wrong_top = parse_answer("8/10", FIVE)
    assert isinstance(wrong_top, Unreadable) and "out of 5" in wrong_top.hint


def test_choices_by_name_or_number() -> None:
    assert parse_answer("training", CHOICE) == Answer(choice="Training")
    assert parse_answer("3", CHOICE) == Answer(choice="Your manager")
    assert parse_answer("Docs - the API guide", CHOICE) == Answer(
        choice="Docs", comment="the API guide"
    )
    parsed = parse_answer("the webinar", CHOICE)
    assert isinstance(parsed, Unreadable) and "Docs, Training, Your manager" in parsed.hint


def test_free_text_and_skipping_an_optional_question() -> None:
    assert parse_answer("Fast approvals", REASON) == Answer(comment="Fast approvals")
    assert parse_answer("skip", REASON) == Answer(skipped=True)
    assert parse_answer("skip", NPS) != Answer(skipped=True)
