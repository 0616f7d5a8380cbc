"""The second page's quote in an extractive answer: chosen like the first page's (its
top passages' sentences scored for the question, handlers.knowledge.candidates, and
picked by handlers.knowledge.quote.pick), up to SECOND_SENTENCES and SECOND_CHARS,
not just its one best sentence. The first page is often not the one that answers
(the page that does ranks second), and a page's single best sentence is often its
summary, which names the topic rather than stating the fact. The fuller quote is
only shown: whether the answer is given is decided on the one-sentence quote
(handlers.knowledge.answer). Pure functions.

Round 13 (explore: dev7-10 even, dev2, dev4, dev5a, blind3, blind4; confirm: dev7-10
odd, dev, dev3b, dev5b, blind5; embeddings off). Fact coverage, each file weighted by
its answerable questions: explore 0.7376 -> 0.7475 (672), confirm 0.6931 -> 0.7043
(560); answerable declined 26/672 and 32/560, unanswerable declined 171/181 and
136/155, unchanged; mean answer chars 717 -> 764 and 727 -> 778. On explore: one
sentence chosen this way 0.7349; two in 240 chars 0.7396, in 360 0.7445, in 440
0.7475 (longer); three in 400 0.7488 (chars +11%); only when the second page's best
sentence scores at least 0.7 (0.8) of the first's 0.7431 (0.7386).
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.knowledge.candidates import quote_candidates
from handlers.knowledge.quote import pick
from handlers.knowledge.search import Retrieval, Retrieved

#: Sentences and characters of the second page's quote.
SECOND_SENTENCES = 2
SECOND_CHARS = 400


def page_quote(
    retrieval: Retrieval, passages: Sequence[Retrieved], document_id: int
) -> list[tuple[Retrieved, list[str]]]:
    """The quote of page `document_id` from its passages among `passages` (the top
    ones): (passage, sentences) groups, in passage order; empty when none scores."""
    page = [item for item in passages if item.passage.document_id == document_id]
    candidates = quote_candidates(retrieval, page, [0] * len(page))
    groups = pick(
        candidates,
        question=retrieval.question,
        query=retrieval.query,
        vocabulary=retrieval.vocabulary,
        limit=SECOND_SENTENCES,
        chars=SECOND_CHARS,
        titles={i: item.passage.doc_title for i, item in enumerate(page)},
    )
    return [(page[i], texts) for i, texts in groups]
