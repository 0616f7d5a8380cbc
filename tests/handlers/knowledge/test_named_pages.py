"""A page answers a question about a thing the asker names (capitalised mid-sentence,
written somewhere in the documents) only when it writes that name: a next-ranked page
about alerts does not answer "can alerts go to Microsoft Teams?", while the one top
page that writes the name is the page about it. A page that answers quotes itself,
not passages of pages that do not cover the question."""

from __future__ import annotations

import pytest

from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.grounding import AGREED_COVERAGE, MIN_COVERAGE, is_grounded, lower_pages
from handlers.knowledge.search import Retrieval
from handlers.knowledge.terms import Vocabulary
from tests.handlers.knowledge.ranked import Page, ranked

#: Texts the vocabulary knows: "Microsoft" on one page of many, "teams" on another.
CORPUS = (
    "Microsoft Clarity records heatmaps of each variation.",
    "Admins group members into teams with a role for each project.",
    "FullStory exports sessions to a warehouse every day.",
    *(f"Filler page {n} about projects, environments and features." for n in range(10)),
)
VOCABULARY = Vocabulary.build(CORPUS)


ALERTS_WORDS = ("event", "alerts", "microsoft", "teams")
ALERTS_QUESTION = "can event alerts go to Microsoft Teams?"


def alerts_ranked(*pages: Page) -> Retrieval:
    return ranked(ALERTS_WORDS, *pages, question=ALERTS_QUESTION, vocabulary=VOCABULARY)


OFF = "Projects group features and environments in one organization."


def test_a_next_page_lacking_the_name_asked_does_not_answer() -> None:
    low = MIN_COVERAGE - 0.1
    alerts = "Event alerts go to a Slack or a Discord channel."
    found = alerts_ranked((1, 20.0, low, OFF), (2, 19.5, 0.8, alerts))
    assert lower_pages(found) == []
    assert not compose_extractive(found).grounded


def test_a_next_page_writing_the_name_asked_answers() -> None:
    low = MIN_COVERAGE - 0.1
    alerts = "Event alerts go to Microsoft Teams through an incoming webhook."
    found = alerts_ranked((1, 20.0, low, OFF), (2, 19.5, 0.8, alerts))
    answer = compose_extractive(found)
    assert answer.grounded
    assert [c.source_id for c in answer.citations] == ["doc2.md"]


def test_a_next_page_quotes_only_itself() -> None:
    # The first page's passage states every word but did not pass: it is not quoted.
    low = MIN_COVERAGE - 0.1
    first = "Event alerts reach Microsoft Teams."
    alerts = "Alerts reach Microsoft Teams through an incoming webhook."
    found = alerts_ranked((1, 20.0, low, first), (2, 19.5, 0.8, alerts))
    answer = compose_extractive(found)
    assert answer.grounded
    assert [c.source_id for c in answer.citations] == ["doc2.md"]


def test_a_page_that_does_not_cover_the_question_is_not_quoted_first() -> None:
    # The first page passes; the second's sentence states more words, but the page
    # covers too little of the question to be quoted first.
    second = "Event alerts reach Microsoft Teams."
    alerts = "Alerts reach Microsoft Teams through an incoming webhook."
    found = alerts_ranked(
        (1, 20.0, 0.8, alerts),
        (2, 19.9, MIN_COVERAGE - 0.2, second),
    )
    answer = compose_extractive(found)
    assert answer.grounded
    assert answer.citations[0].source_id == "doc1.md"


FULLSTORY_WORDS = ("fullstory", "warehouse", "export", "ga", "early")
FULLSTORY_QUESTION = "Is the FullStory warehouse export GA or still early?"
EXPORT = "FullStory exports sessions to a warehouse every day."


@pytest.mark.parametrize(
    ("other", "grounded"),
    [
        # The first page alone writes "FullStory": it is the page about it.
        ("A warehouse export runs every day.", True),
        # Another top page writes it too: the name singles out no page.
        ("FullStory sessions show in the warehouse.", False),
    ],
)
def test_the_one_top_page_writing_the_name_asked_is_the_page_about_it(
    other: str, grounded: bool
) -> None:
    between = (AGREED_COVERAGE + MIN_COVERAGE) / 2
    found = ranked(
        FULLSTORY_WORDS,
        (1, 20.0, between, EXPORT),
        (1, 19.9, between, EXPORT),
        (2, 19.8, between, other),
        (1, 19.7, between, EXPORT),
        (3, 19.6, between, OFF),
        question=FULLSTORY_QUESTION,
        vocabulary=VOCABULARY,
    )
    assert is_grounded(found) is grounded
