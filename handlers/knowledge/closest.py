"""When the documentation does not state the answer, the pages closest to the
question: where the partner may look next, shown under "I couldn't find that" and
never cited as stating anything.

A declined answerable question usually has its page among the first ones retrieved
(the words match, but too few of them for the bot to say the page answers), and a
question the pages cannot answer is usually about a documented feature ("does the
managed warehouse have an APAC region"): in both cases the feature's page is what a
partner would open. A page is offered only when it holds at least CLOSEST_COVERAGE
of the question's words (the idf-weighted share grounding uses), so a question on
something the documents never mention ("can we pay in bitcoin") gets none. The
pages come from the same retrieval as the answer, so they are only ever pages the
asker may see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core import Citation
from handlers.knowledge.answer import MAX_CITATIONS, number_citations
from handlers.knowledge.grounding import TOP

if TYPE_CHECKING:
    from handlers.knowledge.search import Retrieval

#: At most this many pages are offered, from the first TOP passages: as many as an
#: answer cites (3). Two named the right page for 26 of 60 declined answerable questions
#: on the explore half of issue 13's tune rounds and 37 of 73 on the confirm half;
#: three, 27 and 41, with no more pages shown for unanswerable ones (241 of 367, 205
#: of 312: a third page above the floor comes only where two already were).
CLOSEST_PAGES = MAX_CITATIONS
#: A page offered holds at least this share of the question's words (set before it
#: was measured, not tuned).
CLOSEST_COVERAGE = 1 / 3


def closest_pages(retrieval: Retrieval) -> tuple[Citation, ...]:
    """The first CLOSEST_PAGES pages of the top passages that hold CLOSEST_COVERAGE of
    the question (a page's top passages share its coverage), in rank order, numbered
    from 1 as citations are."""
    near = [item.passage for item in retrieval.passages[:TOP] if item.coverage >= CLOSEST_COVERAGE]
    citations, _ = number_citations(near, limit=CLOSEST_PAGES)
    return tuple(citations)
