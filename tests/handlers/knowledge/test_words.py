"""How a text splits into the words knowledge search counts (handlers.knowledge.words)."""

from __future__ import annotations

from handlers.knowledge.terms import content_words
from handlers.knowledge.words import tokens


def test_a_contraction_leaves_no_word_of_its_own() -> None:
    said = "we're moving, they've asked, I'll check, she’d know, I'm sure"
    assert tokens(said) == [
        "we",
        "moving",
        "they",
        "asked",
        "i",
        "check",
        "she",
        "know",
        "i",
        "sure",
    ]
    assert content_words("we're all in on mixpanel") == ["mixpanel"]
    # A prefix written with a hyphen is still a word.
    assert tokens("re-run the query") == ["re", "run", "the", "query"]
