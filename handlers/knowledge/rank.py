"""Re-rank full-text candidates with field-weighted BM25 (BM25F) over the index's own
statistics, so both databases rank alike, and with plain BM25 for a second opinion.

SQLite's FTS5 ranks with bm25 already; PostgreSQL's `ts_rank_cd` has no notion of
how rare a word is, so a common word ("flags") can outweigh the one that matters
("prerequisite"). The database finds and filters the candidates (audience in the
query); this pure function orders them. Title and section count more than body text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass

from handlers.knowledge.parse import prose_and_code
from handlers.knowledge.terms import Query, Vocabulary, stem, tokens

K1 = 1.2
B = 0.8
#: Field weights: a word in the document title or section heading counts this many times.
TITLE_WEIGHT = 2.0
SECTION_WEIGHT = 1.0
#: A word inside a code block counts this share of one in prose: an SDK page's code
#: repeats "client", "key", "log" in every example, and outranked the page whose
#: prose answers ("is there a log of who changed what" -> the Go SDK's code). Tune
#: halves (dev7-17 even + dev2/4/5a/blind3/4; odd + dev/dev3b/dev5b/blind5), 1 -> 0.7:
#: MRR@10 0.861 -> 0.867 and 0.854 -> 0.859, recall@5 0.951 -> 0.957 and 0.945 -> 0.949,
#: declines within one either way; 0.5 and 0.3 rank better still but decline worse.
CODE_WEIGHT = 0.7
#: Words added by synonyms or the glossary count this much of a word the asker wrote.
EXTRA_WEIGHT = 0.4
#: Words of the chat framing around the request ("our fintech client wants ...").
CONTEXT_WEIGHT = 0.4
#: Plain BM25 (title, section and body one bag of words; Lucene's defaults), the
#: second opinion search fuses with BM25F (handlers.knowledge.search).
PLAIN_K1 = 1.5
PLAIN_B = 0.75


#: (passage id, impact) in a term's postings (see `impacts`).
Impact = tuple[int, float]


@dataclass(frozen=True)
class Fields:
    """A passage's stemmed word counts per field (`body` its prose, `code` its code
    blocks), computed once per index version; `length` counts both."""

    title: Counter[str]
    section: Counter[str]
    body: Counter[str]
    code: Counter[str]
    length: int

    @classmethod
    def of(cls, title: str, section: str, body: str) -> Fields:
        prose, code = prose_and_code(body)
        words = Counter(stem(t) for t in tokens(prose))
        snippets = Counter(stem(t) for t in tokens(code))
        return cls(
            title=Counter(stem(t) for t in tokens(title)),
            section=Counter(stem(t) for t in tokens(section)),
            body=words,
            code=snippets,
            length=words.total() + snippets.total(),
        )

    def body_count(self, term: str) -> float:
        """How often `term` is in the body, a word in code counting CODE_WEIGHT."""
        return self.body.get(term, 0) + CODE_WEIGHT * self.code.get(term, 0)

    def terms(self) -> set[str]:
        """Every stem of the passage, in any field."""
        return {*self.title, *self.section, *self.body, *self.code}


def query_weights(query: Query) -> dict[str, float]:
    """Stemmed term -> weight: the request's words 1, its framing's CONTEXT_WEIGHT,
    added words EXTRA_WEIGHT."""
    weights: dict[str, float] = {}
    focus = set(query.focus or query.core)
    for word in query.core:
        weights[stem(word)] = 1.0 if word in focus else CONTEXT_WEIGHT
    for word in query.extra:
        weights.setdefault(stem(word), EXTRA_WEIGHT)
    return weights


def impacts(fields: Mapping[int, Fields], vocabulary: Vocabulary) -> dict[str, list[Impact]]:
    """Stem -> (passage id, saturated field-weighted term frequency) of every passage
    holding it, computed once per index snapshot. A query term's BM25F contribution to a
    passage is then its weight x idf x this impact."""
    average = vocabulary.average_length or 1.0
    postings: dict[str, list[Impact]] = {}
    for pid in sorted(fields):
        passage = fields[pid]
        norm = 1 - B + B * (passage.length / average)
        for term in passage.terms():
            tf = (
                passage.body_count(term) / norm
                + TITLE_WEIGHT * passage.title.get(term, 0)
                + SECTION_WEIGHT * passage.section.get(term, 0)
            )
            postings.setdefault(term, []).append((pid, tf * (K1 + 1) / (tf + K1)))
    return postings


def plain_impacts(fields: Mapping[int, Fields], vocabulary: Vocabulary) -> dict[str, list[Impact]]:
    """Stem -> (passage id, saturated term frequency) of every passage holding it, for
    plain BM25: no field weights, the title and section words counted as body words
    (a code word still CODE_WEIGHT).
    Scored with `bm25f` like `impacts`."""
    average = vocabulary.average_length or 1.0
    postings: dict[str, list[Impact]] = {}
    for pid in sorted(fields):
        passage = fields[pid]
        length = passage.length + passage.title.total() + passage.section.total()
        norm = 1 - PLAIN_B + PLAIN_B * (length / average)
        for term in passage.terms():
            count = passage.body_count(term) + passage.title[term] + passage.section[term]
            tf = count / norm
            postings.setdefault(term, []).append((pid, tf * (PLAIN_K1 + 1) / (tf + PLAIN_K1)))
    return postings


def bm25f(
    weights: Mapping[str, float],
    postings: Mapping[str, Sequence[Impact]],
    vocabulary: Vocabulary,
    visible: Container[int] | None,
) -> dict[int, float]:
    """passage id -> BM25F score of the weighted (stemmed) query terms, for the
    `visible` passages (None: all of them) that hold at least one of them (term at a
    time)."""
    scores: dict[int, float] = {}
    get = scores.get
    for term, weight in weights.items():
        factor = weight * vocabulary.idf(term)
        if visible is None:
            for pid, impact in postings.get(term, ()):
                scores[pid] = get(pid, 0.0) + factor * impact
        else:
            for pid, impact in postings.get(term, ()):
                if pid in visible:
                    scores[pid] = get(pid, 0.0) + factor * impact
    return scores
