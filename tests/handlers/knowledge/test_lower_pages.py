"""Before saying "I don't know", a next-ranked page that passes the grounding check on
its own answers instead (its quote first): the first page only outranked it. Not a
page scoring well below the first, nor when the top passages agree on the first page,
nor when the first page passes and only lacks the figure asked. Such an answer says
it is not from the best-matching page."""

from __future__ import annotations

import pytest

from handlers.knowledge import answer as answer_module
from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.ask import HEDGED, render_answer
from handlers.knowledge.grounding import LOWER_SCORE, MIN_COVERAGE, lower_pages
from handlers.knowledge.search import Retrieval
from tests.handlers.knowledge.ranked import ranked

WORDS = ("flutter", "hashing", "attribute")
FIRST = "The search syntax filters experiments by attribute and by owner."
ANSWER = "The Flutter SDK uses the id attribute for hashing unless you set another one."


def test_a_next_page_that_covers_the_request_answers_when_the_first_does_not() -> None:
    low = MIN_COVERAGE - 0.1
    found = ranked(WORDS, (1, 20.0, low, FIRST), (2, 19.5, 0.8, ANSWER), (1, 15.0, low, FIRST))
    answer = compose_extractive(found)
    assert answer.grounded and answer.hedged
    assert answer.citations[0].source_id == "doc2.md"
    assert answer.text.startswith(f"*Page 2* [1]\n> {ANSWER}")
    [lower] = lower_pages(found)
    assert [item.passage.id for item in lower.passages] == [1, 0, 2]
    # The partner is told the quote is not from the best-matching page.
    reply = render_answer(answer, 7, in_thread=True)
    assert reply.warning == HEDGED
    assert reply.citations == answer.citations
    assert [b.label for b in reply.buttons] == ["Helpful", "Not helpful"]


def test_an_answer_from_the_first_page_carries_no_warning() -> None:
    found = ranked(WORDS, (2, 20.0, 0.8, ANSWER), (1, 19.5, 0.2, FIRST))
    answer = compose_extractive(found)
    assert answer.grounded and not answer.hedged
    assert answer.citations[0].source_id == "doc2.md"
    assert render_answer(answer, 7, in_thread=True).warning is None


def test_a_page_scoring_well_below_the_first_does_not_answer() -> None:
    low = MIN_COVERAGE - 0.1
    assert 20.0 * LOWER_SCORE > 15.0
    found = ranked(WORDS, (1, 20.0, low, FIRST), (2, 15.0, 0.8, ANSWER))
    assert lower_pages(found) == []
    assert not compose_extractive(found).grounded


def test_top_passages_agreeing_on_the_first_page_are_not_overruled() -> None:
    low = MIN_COVERAGE - 0.1
    found = ranked(
        WORDS,
        (1, 20.0, low, FIRST),
        (1, 19.9, low, FIRST),
        (2, 19.8, 0.8, ANSWER),
        (1, 19.7, low, FIRST),
        (1, 19.6, low, FIRST),
    )
    assert lower_pages(found) == []
    assert not compose_extractive(found).grounded


def test_a_first_page_lacking_only_the_figure_asked_is_still_declined(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first page covers the request but states no number of projects: the figure
    # is what the docs lack (a near miss), and no lower page is asked for one.
    def asked(retrieval: Retrieval) -> list[Retrieval]:
        raise AssertionError("a lower page was asked")

    monkeypatch.setattr(answer_module, "lower_pages", asked)
    words = ("max", "projects", "organization")
    first = "Projects group features inside an organization and scope permissions."
    found = ranked(
        words,
        (1, 20.0, 0.9, first),
        (2, 19.9, 0.9, "Projects scope environments."),
        question="max projects?",
    )
    assert not compose_extractive(found).grounded
