"""A question offering a choice ("X or Y?") is declined when no quoted sentence (nor
its heading) names either alternative, though the page covers its words; answered
when one does. End to end over a small fixture corpus."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.choices import alternatives, names_one
from tests.handlers.kb_world import assert_the_figure_decides

PAGES = {
    "tracker.md": """# Issue tracker app

The issue tracker app works with tracker issues and links feature flags to them.
The app listed in the marketplace only supports cloud-hosted accounts.
Install the tracker app from the
marketplace, then open the app settings of your tracker project.
""",
    "hosting.md": """# Self-hosting

Run the server in your own data center. The cloud needs no server. Archive files
are written as parquet.
""",
    "exports.md": """# Exports

Exports are written as CSV files or as JSON files. A CSV export keeps one row per
event; a JSON export keeps one object per event.
""",
}


ASKED = (
    # The page is about the thing asked and names neither alternative.
    ("does the issue tracker app work with tracker issues on a data center or a server?", False),
    ("does the tracker app work with a tracker server, or only tracker cloud?", False),
    # A quoted sentence names one.
    ("are exports written as csv or parquet?", True),
    # A choice of verbs over several words is no choice of things.
    ("can I install the tracker app or link issues to flags with it?", True),
    # Whether what happens is meant is no choice of things either.
    ("the tracker app only links cloud-hosted accounts - bug or expected?", True),
)


@pytest.mark.parametrize(("question", "answered"), ASKED)
async def test_a_choice_the_docs_name_neither_side_of_is_declined(
    docs: Deps, question: str, answered: bool
) -> None:
    await assert_the_figure_decides(docs, question, answered)


def test_the_alternatives_are_the_words_either_side_of_or() -> None:
    assert alternatives("does it run on tracker data center, or only tracker cloud?") == (
        ("data", "center"),
        ("tracker", "cloud"),
    )
    assert alternatives("is it free or not?") == ()
    assert alternatives("tracker a vs tracker b - same setup or totally different?") == ()
    assert alternatives("can admins edit or delete entries in the log?") == ()
    assert alternatives("exports come as csv - bug or expected?") == ()
    assert alternatives("is that normal or a bug?") == ()
    assert names_one(alternatives("csv or parquet?"), ["Exports are written as CSV files"])
    assert not names_one(alternatives("tracker data center or tracker server?"), ["servers"])
    # A dash ends the topic before the choice, as a colon does.
    assert alternatives("docker tag for prod — latest or pinned version?") == (
        ("latest",),
        ("pin", "version"),
    )
