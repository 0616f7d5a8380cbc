"""A name the asker capitalises ("Sentry") that the documentation never writes is the
thing asked about, not a slip for an English word the documents use ("entry"): typo
repair leaves it alone, so the question is declined instead of answered from a page
about entries; nor is it a slip for a stop word or a short indexed word ("OKRs" is not
"ours"). A lower-case slip is still repaired. End to end over a fixture corpus."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.search import retrieve
from handlers.knowledge.terms import normalise
from storage.kb_search import Access

PAGES = {
    "datadog.md": """# Datadog integration

Each error entry in Datadog is tagged with the feature flags active for the user,
so the integration shows which flags were on when the error happened.
""",
    "programs.md": """# Experimentation programs

Structure your growth team's testing program quarterly: review the best ideas, rank
them and plan the next quarter's experiments.
""",
    "webhooks.md": """# Webhooks

A webhook posts a signed JSON payload to your endpoint whenever a feature changes.
""",
}


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("Is there a Sentry integration that tags errors with the active flags?", False),
        ("Is there a Datadog integration that tags errors with the active flags?", True),
        ("does the datadog integraton tag errors with the active flags?", True),
        # An acronym the asker writes is a name, not a slip for "ours" or a short word.
        ("What's the best way to structure quarterly OKRs for a growth team?", False),
        ("What's the best way to structure a quarterly program for a growth team?", True),
    ],
)
async def test_a_capitalised_unknown_name_is_not_repaired_into_a_word(
    docs: Deps, question: str, answered: bool
) -> None:
    found = await retrieve(docs, question, access=Access(staff=True))
    assert compose_extractive(found).grounded is answered


async def test_the_name_stays_among_the_request_words(docs: Deps) -> None:
    found = await retrieve(docs, "Is there a Sentry integration?", access=Access(staff=True))
    query = normalise("Is there a Sentry integration?", found.vocabulary)
    assert "sentry" in query.focus and "entry" not in query.core
    assert ("sentry", "entry") not in query.repaired
