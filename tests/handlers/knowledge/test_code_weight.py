"""A word in a code block is weaker evidence than one in prose: an SDK page whose
examples repeat the asker's words does not outrank the page whose prose says it."""

from __future__ import annotations

from handlers.deps import Deps
from handlers.knowledge.parse import prose_and_code
from handlers.knowledge.rank import CODE_WEIGHT, Fields
from handlers.knowledge.search import retrieve
from storage.kb_search import Access

SAID = "Every change is logged with the account that made it and the time."

PAGES = {
    # Same words, same length: only where they are written differs.
    "code.md": f"# Go SDK\n\n## History\n\n```go\n// {SAID}\n```\n",
    "prose.md": f"# Go SDK\n\n## History\n\n{SAID}\n",
    "billing.md": "# Billing\n\nInvoices are sent monthly to the owner of the workspace.\n",
    "seats.md": "# Seats\n\nEach seat is billed per month; removing one stops its billing.\n",
}


def test_prose_and_code_are_told_apart_by_the_fences() -> None:
    prose, code = prose_and_code("Install it:\n```\npip install x\n```\nThen run it.")
    assert prose.split("\n") == ["Install it:", "Then run it."]
    assert code == "pip install x"


def test_a_code_word_counts_less_than_a_prose_word() -> None:
    fields = Fields.of("Go SDK", "Logging", "The client logs.\n```\nclient.log()\n```")
    assert fields.body_count("client") == 1 + CODE_WEIGHT < 2
    assert fields.length == 5  # every word counts towards the length, code too


async def test_the_page_that_says_it_in_prose_ranks_above_the_one_with_it_in_code(
    docs: Deps,
) -> None:
    found = await retrieve(
        docs, "is every change logged with the account", access=Access(staff=True)
    )
    assert [item.passage.source for item in found.passages[:2]] == ["prose.md", "code.md"]
