"""With embeddings, what the "I don't know" decision takes from them: the full-text
ranking may answer when the fused one does not, if the dense ranking also puts its
page among its DENSE_PAGES best pages.

Fusing the dense ranking with full text finds the answering page more often
(multilingual-e5-small, round 12 explore files: recall@5 0.958 -> 0.970, MRR 0.871 ->
0.894) but declined more answerable questions (26 -> 44 of 672): a passage the dense
ranking alone brings up splits the top passages between pages, so the page they
would answer from is no longer agreed on, or covers less of the question. The
full-text ranking alone then often answers, but on its own it also answers where its
words are a coincidence ("rebuilding our careers page for Google Jobs" from a page on
the Rust SDK); those pages the dense ranking puts far down (the careers question's
page is its 107th). So the full-text answer stands only when its page is among the
dense ranking's DENSE_PAGES best: the question means what that page is about.
Explore files (dev7-10 even, dev2, dev4, dev5a, blind3, blind4): answerable declined
44 -> 31 of 672, unanswerable declined 175 -> 175 of 181, fact coverage 0.720 ->
0.731. Confirm files (dev7-10 odd, dev, dev3b, dev5b, blind5): answerable declined
55 -> 45 of 560, but unanswerable declined 142 -> 140 of 155 (3 pages: the same 140).

A rank among pages, not a cosine threshold: raw similarities differ from one model to
the next (e5's sit between 0.8 and 0.92, OpenAI's far lower), a rank does not. A
standardised cosine (the page's best passage against the question's similarity to
every passage) at 3 standard deviations did about as well in a simulation on the
explore files; neither that nor the page's dense rank told
unanswerable questions from answerable ones where full text declined: near misses
("does the managed warehouse have an APAC region") are as close to their page as
paraphrases are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.knowledge.grounding import judged_by

if TYPE_CHECKING:
    from handlers.knowledge.search import Retrieval

#: The full-text answer's page must be among this many of the dense ranking's best.
DENSE_PAGES = 5


def answered_page(retrieval: Retrieval) -> int | None:
    """The page (document id) a retrieval is judged by (see grounding.is_grounded)."""
    return judged_by(retrieval).passage.document_id if retrieval.passages else None


def dense_agrees(dense_pages: tuple[int, ...], retrieval: Retrieval) -> bool:
    """Whether the dense ranking puts the page `retrieval` answers from among its
    DENSE_PAGES best pages."""
    return answered_page(retrieval) in dense_pages[:DENSE_PAGES]
