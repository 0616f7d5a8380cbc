"""Figures for bench/kb_eval.py: per-question scores, bootstrap intervals, plain BM25.

Pure helpers plus `PlainBM25`, the baseline the knowledge base must beat: bm25s
(Lucene BM25, k1 1.5, b 0.75) with the Snowball English stemmer and English stop
words, over exactly the passages the knowledge base stores.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

#: Words of an answer or a fact, case and punctuation ignored.
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def fact_coverage(facts: Sequence[str], answer: str, *, declined: bool) -> float:
    """The share of `facts` whose words all appear in `answer` (0 when declined)."""
    if declined or not facts:
        return 0.0
    present = set(words(answer))
    return sum(all(w in present for w in words(f)) for f in facts) / len(facts)


def first_rank(ranked_docs: Sequence[str], wanted: set[str], *, depth: int = 10) -> int | None:
    """0-based rank of the first wanted document within `depth`, else None."""
    for i, doc in enumerate(ranked_docs[:depth]):
        if doc in wanted:
            return i
    return None


def distinct(items: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


@dataclass
class Scores:
    """Per-question values of one system on one question file."""

    r1: list[float] = field(default_factory=list)
    r5: list[float] = field(default_factory=list)
    mrr: list[float] = field(default_factory=list)
    declined: list[float] = field(default_factory=list)
    #: Per answered answerable question: none of its citations is a page that answers
    #: it (`docs`): a declined question answered from the wrong page is no gain.
    answered_elsewhere: list[float] = field(default_factory=list)
    #: Per answered answerable / answered unanswerable question: the answer is hedged
    #: (quoted from a next-ranked page, handlers.knowledge.grounding.lower_pages).
    hedged: list[float] = field(default_factory=list)
    unanswerable_hedged: list[float] = field(default_factory=list)
    coverage: list[float] = field(default_factory=list)
    unanswerable_declined: list[float] = field(default_factory=list)
    #: The unanswerable questions a file marks `"near_miss": true` (a documented
    #: feature asked for a detail the pages do not give).
    near_miss_declined: list[float] = field(default_factory=list)
    #: Per declined answerable question: a page that answers is among the closest
    #: pages offered (handlers.knowledge.closest).
    closest_right: list[float] = field(default_factory=list)
    #: Per declined unanswerable question: any closest page is offered.
    closest_offered: list[float] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    #: (grounding coverage, answerable) per question, for the threshold's cross-validation.
    grounding: list[tuple[float, bool]] = field(default_factory=list)

    def extend(self, other: Scores) -> None:
        """Pool `other`'s questions into these (one split made of several files)."""
        for name in (f.name for f in fields(self)):
            getattr(self, name).extend(getattr(other, name))

    def add_ranking(self, ranked_docs: Sequence[str], wanted: set[str]) -> int | None:
        first = first_rank(ranked_docs, wanted)
        self.r1.append(1.0 if first == 0 else 0.0)
        self.r5.append(1.0 if first is not None and first < 5 else 0.0)
        self.mrr.append(1 / (first + 1) if first is not None else 0.0)
        return first


def bootstrap(values: Sequence[float], *, seed: int, rounds: int = 2000) -> tuple[float, float]:
    """95% percentile-bootstrap interval of the mean of `values` (seeded)."""
    if not values:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(rounds))
    return means[int(0.025 * rounds)], means[min(rounds - 1, int(0.975 * rounds))]


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))] if ordered else 0.0


class PlainBM25:
    """bm25s over (title, section, body) of every passage, one text per passage."""

    def __init__(self, passages: Sequence[tuple[str, str]]) -> None:
        import bm25s
        import Stemmer

        self._bm25s = bm25s
        self._stemmer = Stemmer.Stemmer("english")
        self._sources = [source for source, _ in passages]
        corpus = [text for _, text in passages]
        self._index = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
        self._index.index(self._tokens(corpus), show_progress=False)

    def _tokens(self, texts: list[str]) -> object:
        return self._bm25s.tokenize(
            texts, stopwords="en", stemmer=self._stemmer, show_progress=False
        )

    def ranked_documents(self, question: str, *, k: int = 20) -> list[str]:
        k = min(k, len(self._sources))
        query = self._bm25s.tokenize(
            [question], stopwords="en", stemmer=self._stemmer, return_ids=False, show_progress=False
        )
        if not query[0]:
            return []
        results, scores = self._index.retrieve(query, k=k, show_progress=False)
        return distinct(
            [self._sources[int(i)] for i, s in zip(results[0], scores[0], strict=True) if s > 0]
        )


def _errors(threshold: float, points: Sequence[tuple[float, bool]]) -> tuple[int, int]:
    """(answerable declined, unanswerable answered) when answering coverage > threshold."""
    declined = sum(1 for s, ok in points if ok and s <= threshold)
    answered = sum(1 for s, ok in points if not ok and s > threshold)
    return declined, answered


def _best_threshold(points: Sequence[tuple[float, bool]]) -> float:
    """The threshold (0.20..0.80) with the fewest errors (each kind as a share of its
    questions), the middle of the best flat stretch."""
    answerable = sum(1 for _, ok in points if ok) or 1
    unanswerable = (len(points) - answerable) or 1
    grid = [i / 100 for i in range(20, 81)]

    def cost(t: float) -> float:
        declined, answered = _errors(t, points)
        return declined / answerable + answered / unanswerable

    best = min(cost(t) for t in grid)
    flat = [t for t in grid if cost(t) == best]
    return flat[len(flat) // 2]


def leave_one_out(points: Sequence[tuple[float, bool]]) -> dict[str, object]:
    """Cross-validate choosing the grounding threshold from the questions themselves:
    each question is judged by the threshold the others pick. Points are (coverage,
    answerable)."""
    declined = answered = 0
    for i, (value, ok) in enumerate(points):
        threshold = _best_threshold([*points[:i], *points[i + 1 :]])
        declined += ok and value <= threshold
        answered += (not ok) and value > threshold
    fixed = _errors(0.5, points)
    return {
        "picked_on_all": _best_threshold(points),
        "loo_answerable_declined": declined,
        "loo_unanswerable_answered": answered,
        "fixed_0.5_answerable_declined": fixed[0],
        "fixed_0.5_unanswerable_answered": fixed[1],
    }
