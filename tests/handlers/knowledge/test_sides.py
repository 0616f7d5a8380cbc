"""A comparison ("A vs B", "the difference between A and B") is answered with a
sentence about each side, over real ingested pages; what the sides are is told from
the question's wording alone; and code lines that read like prose (Rust attributes,
paths, an open call) are code, quoted only when code is asked for."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.search import retrieve
from handlers.knowledge.sentences import sentences
from handlers.knowledge.sides import sides, states_side
from handlers.knowledge.terms import normalise
from storage.kb_search import Access

PAGES = {
    "constants.md": """# Constants

Constants live in the shared library and are referenced from many flags, so one edit
updates every flag that references them at once.

## The difference between constants and configs

Constants compose the opposite way from configs: a constant's own keys replace what
its bases provide, while configs patch the keys they extend. Both are edited in the
library and both keep a revision history.

## Defining constants

A constant is a single reusable value, such as a URL or a number, with an optional
override per environment.
""",
    "configs.md": """# Configs

You edit them in the library too.

## What a config holds

A config is a reusable shape: a JSON value together with a schema that every flag
using it must follow.
""",
    "webhooks.md": """# Webhooks

Webhooks send an HTTP request to your endpoint whenever a feature changes.
""",
}


async def test_a_comparison_quotes_a_sentence_about_each_side(docs: Deps) -> None:
    found = await retrieve(
        docs, "constants vs configs, what's the difference?", access=Access(staff=True)
    )
    answer = compose_extractive(found)
    assert answer.grounded
    assert "A config is a reusable shape" in answer.text
    assert "Constants compose the opposite way" in answer.text or "A constant is" in answer.text
    assert {c.source_id for c in answer.citations} >= {"constants.md", "configs.md"}


async def test_a_question_that_compares_nothing_gets_no_side_sentences(docs: Deps) -> None:
    found = await retrieve(docs, "how are constants composed?", access=Access(staff=True))
    answer = compose_extractive(found)
    assert answer.grounded
    assert "reusable shape" not in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("constants vs configs, what is the difference?", (("constants",), ("configs",))),
        (
            "whats the difference between environments and projects",
            (("environments",), ("projects",)),
        ),
        (
            "Event webhooks vs global SDK webhooks: how do they differ?",
            (("event",), ("global", "sdk")),
        ),
        ("Dev wants to browse flags inside VS Code. What config file?", None),
        ("how do I add an environment and a project?", None),
    ],
)
def test_the_sides_of_a_comparison_come_from_its_wording(
    question: str, expected: tuple[tuple[str, ...], tuple[str, ...]] | None
) -> None:
    assert sides(question, normalise(question, None)) == expected


def test_a_sentence_naming_a_side_in_passing_is_not_about_it() -> None:
    query = normalise("constants vs configs?", None)
    assert states_side(["Configs are typed objects that flags reuse."], ("configs",), query)
    assert states_side(["The configs library holds them."], ("configs",), query)
    assert not states_side(["A block of JSON config reused by several flags."], ("configs",), query)


def test_code_lines_that_read_like_prose_are_code() -> None:
    body = (
        "Run the worker in the background.\n"
        "#[tokio::main]\n"
        "let client = growthbook_rust::client::GrowthBookClient::new(\n"
        "attrs.push(GrowthBookAttribute::new(\n"
        "The worker then evaluates flags."
    )
    units = sentences(body)
    assert [u.is_code for u in units] == [False, True, True, True, False]
