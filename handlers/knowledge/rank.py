"""Re-rank full-text candidates with field-weighted BM25 (BM25F) over the index's own
statistics, so both databases rank alike.

SQLite's FTS5 ranks with bm25 already; PostgreSQL's `ts_rank_cd` has no notion of
how rare a word is, so a common word ("flags") can outweigh the one that matters
("prerequisite"). The database finds and filters the candidates (audience in the
query); this pure function orders them. Title and section count more than body text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from handlers.knowledge.terms import SYNONYMS, Vocabulary, stem, tokens

K1 = 1.2
B = 0.75
#: Field weights: a word in the document title or section heading counts this many times.
TITLE_WEIGHT = 4.0
SECTION_WEIGHT = 2.0
#: Synonyms added by normalisation count this much of a word the asker wrote.
SYNONYM_WEIGHT = 0.4


@dataclass(frozen=True)
class Fields:
    """A passage's stemmed word counts per field, computed once per index version."""

    title: Counter[str]
    section: Counter[str]
    body: Counter[str]
    length: int

    @classmethod
    def of(cls, title: str, section: str, body: str) -> Fields:
        words = [stem(t) for t in tokens(body)]
        return cls(
            title=Counter(stem(t) for t in tokens(title)),
            section=Counter(stem(t) for t in tokens(section)),
            body=Counter(words),
            length=len(words),
        )


def bm25f(
    core: Sequence[str],
    candidates: Sequence[int],
    fields: Mapping[int, Fields],
    vocabulary: Vocabulary,
) -> dict[int, float]:
    """passage id -> BM25F score of the query words (`core` plus their synonyms)."""
    weights: dict[str, float] = {}
    for word in core:
        weights[stem(word)] = max(weights.get(stem(word), 0.0), 1.0)
        for extra in SYNONYMS.get(word, ()):
            weights.setdefault(stem(extra), SYNONYM_WEIGHT)
    idf = {term: vocabulary.idf(term) for term in weights}
    average = vocabulary.average_length or 1.0
    scores: dict[int, float] = {}
    for pid in candidates:
        passage = fields.get(pid)
        if passage is None:
            continue
        norm = 1 - B + B * (passage.length / average)
        score = 0.0
        for term, weight in weights.items():
            tf = (
                passage.body[term] / norm
                + TITLE_WEIGHT * passage.title[term]
                + SECTION_WEIGHT * passage.section[term]
            )
            if tf:
                score += weight * idf[term] * tf * (K1 + 1) / (tf + K1)
        scores[pid] = score
    return scores
