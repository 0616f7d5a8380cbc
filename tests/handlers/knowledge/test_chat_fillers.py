"""Chat filler ("beta-ish", "today", "yet") is the asker's tone, not a word the page
must state: a question that adds it is answered as the plain question is, and the
filler is no search word. End to end over a small fixture corpus."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.search import retrieve
from handlers.knowledge.terms import normalise
from storage.kb_search import Access

PAGES = {
    "tracker.md": """# Setting up the session recorder as an event tracker

Session recorder warehouse support is in beta. Export the recorder's events to a
warehouse, then connect the warehouse as a data source.
""",
    "importer.md": """# Importer

The importer copies feature flags from another flag service: connect it with an API
key and choose the projects to copy.
""",
}


@pytest.mark.parametrize(
    "question",
    [
        "is session recorder warehouse support GA or beta?",
        "is session recorder warehouse support GA or beta-ish?",
        "can the importer copy our flags today, or not yet?",
    ],
)
async def test_chat_filler_does_not_decline_a_documented_answer(docs: Deps, question: str) -> None:
    found = await retrieve(docs, question, access=Access(staff=True))
    assert compose_extractive(found).grounded


def test_filler_is_no_search_word() -> None:
    query = normalise("still beta-ish today, or not yet?", None)
    assert "beta" in query.core
    assert not {"ish", "today", "yet"} & set(query.core)
