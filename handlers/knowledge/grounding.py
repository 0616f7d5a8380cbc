"""Whether the retrieved passages plausibly answer the question ("I don't know" when
not), from signals that do not depend on the product the documents describe.

Two signals, each a share between 0 and 1:
- `coverage`: the idf-weighted share of the question's words that the best of the
  top passages holds, together with its page title and the page's other top
  passages (a rare word counts more than a common one);
- `foreign`: the share of the question's words that the documentation never uses at
  all (after typo repair, synonyms and the glossary). A question about something the
  docs do not cover usually names it ("bitcoin", "FedRAMP") in a word of its own.

`support = coverage * (1 - foreign)`: the share of the question the documentation
speaks to. A question is answered when more than half of it is supported. One round
constant, not a tuned one: on the tune split every answerable question scores above
0.56 and 10 of 12 unanswerable ones at most 0.47. Choosing the threshold from the
questions instead (leave-one-out, bench/kb_eval.py) picks 0.65 and wrongly declines 4
of the 79 answerable held-out questions; the fixed 0.5 declines none (and lets the same
2 of 12 unanswerable through) -- a tuned threshold buys little and overfits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.knowledge.search import Retrieval

#: More than this share of the question must be supported (see the module docstring).
MIN_SUPPORT = 0.5


@dataclass(frozen=True)
class Signals:
    coverage: float
    foreign: float
    words: int

    @property
    def support(self) -> float:
        return self.coverage * (1 - self.foreign)


def signals(retrieval: Retrieval) -> Signals:
    """The grounding signals of one retrieval."""
    query = retrieval.query
    vocabulary = retrieval.vocabulary
    if not query.core or vocabulary is None:
        return Signals(retrieval.coverage, 0.0, len(query.core))
    foreign = [
        word
        for word in query.core
        if not word.isdigit()
        and not vocabulary.knows(word)
        and not any(vocabulary.knows(alt) for alt in query.alternatives_of(word))
    ]
    return Signals(retrieval.coverage, len(foreign) / len(query.core), len(query.core))


def is_grounded(retrieval: Retrieval) -> bool:
    """Whether the best passages plausibly answer the question."""
    if not retrieval.passages or not retrieval.query.core:
        return False
    return signals(retrieval).support > MIN_SUPPORT
