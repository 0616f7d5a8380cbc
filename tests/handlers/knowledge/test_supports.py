"""A "does X support Y" question answered on the agreement of the top passages (the
page covers at most half of the request) must find Y on the page: the CLI's page
about its builds does not answer whether it ships a Windows on ARM one."""

from __future__ import annotations

from handlers.knowledge.grounding import AGREED_COVERAGE, MIN_COVERAGE, is_grounded
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.supports import support_object
from handlers.knowledge.terms import Vocabulary, normalise
from storage.kb import PassageRow

CLI = (
    "The command line tool ships a build for Linux and for macOS with every release.",
    "Each release of the command line tool is signed.",
    "Install the command line tool with a package manager.",
    "The command line tool reads its token from the environment.",
    "Upgrade the command line tool in place.",
)
OTHER = ("The dashboard app runs on Windows laptops with ARM chips.", "Invoices are paid monthly.")


def agreed(question: str) -> Retrieval:
    """All top passages on the command line tool's page, covering between
    AGREED_COVERAGE and MIN_COVERAGE of the request."""
    vocabulary = Vocabulary.build(CLI + OTHER)
    query = normalise(question, vocabulary)
    cover = (AGREED_COVERAGE + MIN_COVERAGE) / 2
    items = tuple(
        Retrieved(
            PassageRow(i, 1, "cli.md", None, "CLI", "CLI", "", body, i), 10.0 - i, i, None, cover
        )
        for i, body in enumerate(CLI)
    )
    return Retrieval(query, items, cover, None, vocabulary, question)


def test_the_object_of_a_support_verb_is_what_is_asked_to_be_supported() -> None:
    query = agreed("does the command line tool ship a Windows on ARM build?").query
    assert support_object("does the command line tool ship a Windows on ARM build?", query) == (
        "windows",
        "arm",
        "build",
    )
    assert support_object("how do I install the command line tool?", query) == ()
    # "support" after "is" is a noun: the question asks whether it is ready, not for Y.
    noun = "is the command line tool's Linux support GA or beta?"
    assert support_object(noun, agreed(noun).query) == ()


def test_a_support_question_whose_object_the_page_lacks_is_declined() -> None:
    assert is_grounded(agreed("does the command line tool ship a Linux build?"))
    assert not is_grounded(agreed("does the command line tool ship a Windows on ARM build?"))
    # Not a support question: the agreement of the top passages still answers it.
    assert is_grounded(agreed("how is the command line tool signed on macOS?"))
