"""A constructed retrieval for tests of the grounding and answer rules: passages given
as (document, score, page coverage, body), best first, without a search."""

from __future__ import annotations

from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.terms import Query, Vocabulary
from storage.kb import PassageRow

Page = tuple[int, float, float, str]


def ranked(
    words: tuple[str, ...],
    *pages: Page,
    question: str = "",
    vocabulary: Vocabulary | None = None,
) -> Retrieval:
    """The retrieval of `pages` for a question of `words` (its core and terms)."""
    items = tuple(
        Retrieved(
            PassageRow(i, doc, f"doc{doc}.md", None, f"Page {doc}", f"Page {doc}", "", body, i),
            score,
            i,
            None,
            cover,
        )
        for i, (doc, score, cover, body) in enumerate(pages)
    )
    query = Query(core=words, terms=words)
    return Retrieval(query, items, max(item.coverage for item in items), None, vocabulary, question)
