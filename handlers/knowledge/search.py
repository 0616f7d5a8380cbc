"""Retrieval: BM25F over the index's own statistics, fused with plain BM25, and with
embeddings when configured.

`retrieve(deps, question, access=...)` normalises the question (stop words, typo
repair against the index vocabulary, generic synonyms and the vendor's glossary),
takes the passages holding any of its words that `access` may see (the audience
filter is the database's, `storage.kb_search.visible_passage_ids`, kept per audience
until the index changes), and ranks them with BM25F and page support over the
snapshot of the index that `Deps.knowledge` holds, fused by reciprocal rank with
plain BM25 (counting PLAIN_FUSION as much): its one bag of words per passage finds
the lone passage that answers where field weights and page support favour a page
that names the question's topic often. Ranking never depends on the database's own
full-text scoring, so SQLite and PostgreSQL rank alike, and a question costs no
full-text query. When an embedder is configured, the audience's passage
embeddings are ranked by cosine similarity and the two rankings are fused
(reciprocal rank); the full-text ranking alone is kept beside the fused one
(`Retrieval.full_text`): it makes the "I don't know" decision (handlers.knowledge.
semantic). The signals that decision needs are measured here too (`Retrieval`).

Pseudo-relevance feedback (the best-weighted words of the first passages searched
again beside the question's) was measured on issue 13's tune halves and not kept: 10
words from 3 passages at 0.3 of a question word took MRR@10 0.846 -> 0.816 (explore)
and 0.845 -> 0.806 (confirm); the mildest tried (5 words from 2 passages at 0.05)
still lowered it, to 0.841 and 0.840. A precise ranker on one vendor's pages drifts
towards what its first guess is about. Nor was term proximity kept (a BM25F bonus
for two consecutive words of the question within 3 words of each other in the
passage, weighted by their idf): at 0.2, MRR@10 0.847 / 0.848 against 0.846 / 0.845,
unanswerable declined 365 / 314 against 367 / 312; at 0.5 and 1.0, confirm worse.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from operator import itemgetter

from handlers.deps import Deps
from handlers.knowledge.asking import asked_words
from handlers.knowledge.coverage import coverage_of
from handlers.knowledge.index import Snapshot
from handlers.knowledge.likeness import model_words, without_model
from handlers.knowledge.rank import bm25f, query_weights
from handlers.knowledge.sentences import Sentence, sentences
from handlers.knowledge.terms import MIN_FOCUS, Query, Vocabulary, normalise, stem
from storage import kb as kb_store
from storage.kb_search import Access

logger = logging.getLogger(__name__)

#: Passages the dense ranking contributes.
DENSE_CANDIDATES = 60
#: Passages whose query coverage is measured (a second source is quoted from them
#: only), and those of the same page that count.
COVERAGE_TOP = 10
PAGE_TOP = 10
#: How much a passage gains from its page's other best passages (see with_page_support).
PAGE_SUPPORT = 0.3
PAGE_PASSAGES = 2
PAGE_LEADERS = 1000
#: Passages of the full-text ranking that take part in fusion with the dense one.
LEXICAL_DEPTH = 300
#: Reciprocal-rank-fusion constant.
RRF_K = 60
#: How much plain BM25's rank counts in the full-text ranking, BM25F's counting 1.
PLAIN_FUSION = 0.3


@dataclass(frozen=True)
class Retrieved:
    """One ranked passage, with the signals that ranked it."""

    passage: kb_store.PassageRow
    score: float
    lexical_rank: int | None
    dense_score: float | None
    coverage: float = 0.0


@dataclass(frozen=True)
class Retrieval:
    """The ranked passages and the query; `coverage` is the best idf-weighted share
    of the query's words that one of the top passages holds; `best_dense` the best
    cosine similarity (None without embeddings)."""

    query: Query
    passages: tuple[Retrieved, ...]
    coverage: float
    best_dense: float | None
    vocabulary: Vocabulary | None = None
    question: str = ""
    sentence_cache: dict[int, list[Sentence]] | None = None
    #: With embeddings: the full-text ranking alone (handlers.knowledge.semantic).
    full_text: Retrieval | None = None
    #: The stems of what the question names as the model of what it asks about ("like
    #: the Slack one": handlers.knowledge.likeness), found once per question.
    model: frozenset[str] = frozenset()

    def sentences_of(self, passage: kb_store.PassageRow) -> list[Sentence]:
        """The passage's sentences (split once per index snapshot)."""
        if self.sentence_cache is None:
            return sentences(passage.body)
        found = self.sentence_cache.get(passage.id)
        if found is None:
            found = self.sentence_cache[passage.id] = sentences(passage.body)
        return found


def with_page_support(scores: dict[int, float], documents: dict[int, int]) -> dict[int, float]:
    """Each passage's score plus PAGE_SUPPORT times its page's other best passages'
    (up to PAGE_PASSAGES of them): a page that answers in several places outranks a
    lone passage that happens to repeat a query word."""
    if not PAGE_SUPPORT:
        return scores
    by_page: dict[int, list[tuple[float, int]]] = {}
    # Only the leaders can reach the top; the rest keep their own score. (A stable
    # sort is heapq.nlargest's documented equivalent, at a third of its cost here.)
    leaders = (
        sorted(scores.items(), key=itemgetter(1), reverse=True)[:PAGE_LEADERS]
        if len(scores) > PAGE_LEADERS
        else scores.items()
    )
    out: dict[int, float] = dict(scores)
    for pid, value in leaders:
        by_page.setdefault(documents.get(pid, -pid), []).append((value, pid))
    for members in by_page.values():
        if len(members) == 1:
            continue  # a lone passage of its page: no support, its own score
        members.sort(reverse=True)
        top = members[: PAGE_PASSAGES + 1]
        rest = PAGE_SUPPORT * sum(v for v, _ in top[:PAGE_PASSAGES])
        for value, pid in top:
            others = [v for v, other in top if other != pid][:PAGE_PASSAGES]
            out[pid] = value + PAGE_SUPPORT * sum(others)
        for value, pid in members[PAGE_PASSAGES + 1 :]:
            out[pid] = value + rest
    return out


def with_plain(bm25f_order: list[int], plain_order: list[int]) -> dict[int, float]:
    """Passage id -> the reciprocal-rank fusion of its BM25F and plain BM25 ranks
    (the latter counting PLAIN_FUSION), for the passages either ranking holds."""
    fused = {pid: 1 / (RRF_K + rank + 1) for rank, pid in enumerate(bm25f_order)}
    for rank, pid in enumerate(plain_order):
        fused[pid] = fused.get(pid, 0.0) + PLAIN_FUSION / (RRF_K + rank + 1)
    return fused


def best_first(scores: dict[int, float], depth: int) -> list[int]:
    """The `depth` best-scored passage ids, best first, ties by id (what
    `heapq.nlargest(depth, scores, key=lambda pid: (scores[pid], -pid))` gives): only
    the passages scoring at least the depth-th best score are ordered by both keys."""
    ranked = sorted(scores.items(), key=itemgetter(1), reverse=True)
    if len(ranked) > depth:
        end = depth
        while end < len(ranked) and ranked[end][1] >= ranked[depth - 1][1]:
            end += 1  # ties with the depth-th best: the id decides which stay
        ranked = ranked[:end]
    ranked.sort(key=lambda item: (item[1], -item[0]), reverse=True)
    return [pid for pid, _ in ranked[:depth]]


async def retrieve(deps: Deps, question: str, *, access: Access, limit: int = 20) -> Retrieval:
    """The passages `access` may see that best answer `question`, best first."""
    index = deps.knowledge
    snapshot = await index.snapshot(deps.sessions)
    vocabulary = snapshot.vocabulary
    query = normalise(question, vocabulary, snapshot.glossary)
    weights = query_weights(query)
    visible = await index.visible(deps.sessions, access)
    rows = snapshot.rows
    everything = len(visible) == len(rows) and visible.issuperset(rows)
    lexical = bm25f(weights, snapshot.postings, vocabulary, None if everything else visible)
    lexical = with_page_support(lexical, snapshot.documents)
    plain = bm25f(weights, snapshot.plain, vocabulary, None if everything else visible)
    lexical = with_plain(best_first(lexical, LEXICAL_DEPTH), best_first(plain, LEXICAL_DEPTH))
    order = best_first(lexical, LEXICAL_DEPTH)
    lexical_rank = {pid: rank for rank, pid in enumerate(order)}
    fused = {pid: 1 / (RRF_K + rank + 1) for pid, rank in lexical_rank.items()}
    dense_scores: dict[int, float] = {}
    best_dense: float | None = None
    dense = await index.dense(deps.sessions, access)
    if dense is not None and index.embedder is not None and query.core:
        [vector] = await index.embedder.embed([question])
        similar = dense.rank(vector, limit=DENSE_CANDIDATES)
        best_dense = similar[0][1] if similar else None
        for rank, (pid, similarity) in enumerate(similar):
            dense_scores[pid] = similarity
            fused[pid] = fused.get(pid, 0.0) + 1 / (RRF_K + rank + 1)
    measured = _Measure(query, question, snapshot)
    # Full text alone: its own scores and order (ties by id).
    full_text = measured.retrieval(order[: max(limit, 1)], lexical, lexical_rank, {}, None)
    if not dense_scores:
        return full_text
    ranked = sorted(fused, key=lambda pid: (-fused[pid], pid))[: max(limit, 1)]
    found = measured.retrieval(ranked, fused, lexical_rank, dense_scores, best_dense)
    return dataclasses.replace(found, full_text=full_text)


class _Measure:
    """Builds a `Retrieval` from one ranking: its passages with their page's coverage of
    the query (a relayed request's asking clause alone is measured too)."""

    def __init__(self, query: Query, question: str, snapshot: Snapshot) -> None:
        self.question, self.snapshot = question, snapshot
        # What the question likens its thing to is not what must be covered.
        self.model = model_words(question)
        model = model_words(question, only=True)
        self.query = query = without_model(query, model)
        vocabulary = snapshot.vocabulary
        # A relayed request's asking clause alone ("..., does it read mparticle
        # directly?") is measured too: the story around it is not what must be covered.
        asked = tuple(
            word for word in asked_words(question, query, vocabulary) if stem(word) not in model
        )
        self.narrow = (
            dataclasses.replace(query, focus=asked)
            if len(asked) >= MIN_FOCUS and set(asked) != set(query.focus or query.core)
            else None
        )

    def retrieval(
        self,
        ranked: list[int],
        scores: dict[int, float],
        lexical_rank: dict[int, int],
        dense_scores: dict[int, float],
        best_dense: float | None,
    ) -> Retrieval:
        snapshot, query, narrow = self.snapshot, self.query, self.narrow
        vocabulary, rows = snapshot.vocabulary, snapshot.rows
        passages = [
            Retrieved(rows[pid], scores[pid], lexical_rank.get(pid), dense_scores.get(pid))
            for pid in ranked
            if pid in rows
        ]
        related = snapshot.associations.neighbours if snapshot.associations else None
        by_page: dict[int, float] = {}  # the top passages of one page share their coverage
        for i, item in enumerate(passages[:COVERAGE_TOP]):
            document = item.passage.document_id
            if document not in by_page:
                # A page may answer in more than one place: its other top passages count.
                page = [
                    other.passage.id
                    for other in passages[:PAGE_TOP]
                    if other.passage.document_id == document
                ]
                words = set().union(*(snapshot.words.get(pid, ()) for pid in page))
                present = set().union(*(snapshot.present.get(pid, ()) for pid in page))
                share = coverage_of(query, words, present, vocabulary, related)
                if narrow is not None:
                    share = max(share, coverage_of(narrow, words, present, vocabulary, related))
                by_page[document] = share
            passages[i] = dataclasses.replace(item, coverage=by_page[document])
        best = max((item.coverage for item in passages[:COVERAGE_TOP]), default=0.0)
        return Retrieval(
            query,
            tuple(passages),
            best,
            best_dense,
            vocabulary,
            self.question,
            snapshot.sentences,
            model=self.model,
        )
