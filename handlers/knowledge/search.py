"""Retrieval: full-text search in the database, fused with embeddings when configured.

`retrieve(deps, question, access=...)` normalises the question (stop words, typo
repair against the index vocabulary, generic synonyms and the vendor's glossary),
asks the database's full-text index (FTS5 / tsvector, audience-filtered in the query)
for candidates, and ranks them with BM25F over the index's own statistics, so both
databases rank alike. When an embedder is configured (`Deps.knowledge`), the
audience's passage embeddings are ranked by cosine similarity and the two rankings
are fused (reciprocal rank). The signals the "I don't know" decision needs are
measured here too (`Retrieval`).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from handlers.deps import Deps
from handlers.knowledge.rank import bm25f, query_weights
from handlers.knowledge.terms import Query, Vocabulary, coverage, normalise
from storage import kb as kb_store
from storage.kb_search import Access, search_passages

logger = logging.getLogger(__name__)

#: Candidates the full-text index returns for re-ranking, and the dense ranking's share.
CANDIDATES = 200
DENSE_CANDIDATES = 60
#: Passages whose query coverage is measured, and those of the same page that count.
COVERAGE_TOP = 5
PAGE_TOP = 10
#: How much a passage gains from its page's other best passages (see with_page_support).
PAGE_SUPPORT = 0.3
PAGE_PASSAGES = 2
#: Reciprocal-rank-fusion constant.
RRF_K = 60


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


def with_page_support(scores: dict[int, float], documents: dict[int, int]) -> dict[int, float]:
    """Each passage's score plus PAGE_SUPPORT times its page's other best passages'
    (up to PAGE_PASSAGES of them): a page that answers in several places outranks a
    lone passage that happens to repeat a query word."""
    if not PAGE_SUPPORT:
        return scores
    by_page: dict[int, list[float]] = {}
    for pid, value in scores.items():
        by_page.setdefault(documents.get(pid, -pid), []).append(value)
    for values in by_page.values():
        values.sort(reverse=True)
    out: dict[int, float] = {}
    for pid, value in scores.items():
        others = by_page[documents.get(pid, -pid)]
        support = [v for v in others if v is not value][:PAGE_PASSAGES]
        out[pid] = value + PAGE_SUPPORT * sum(support)
    return out


async def retrieve(deps: Deps, question: str, *, access: Access, limit: int = 20) -> Retrieval:
    """The passages `access` may see that best answer `question`, best first."""
    index = deps.knowledge
    snapshot = await index.snapshot(deps.sessions)
    vocabulary = snapshot.vocabulary
    query = normalise(question, vocabulary, snapshot.glossary)
    async with deps.sessions() as session:
        hits = await search_passages(session, query.terms, access=access, limit=CANDIDATES)
        candidates = [hit.passage_id for hit in hits]
        lexical = bm25f(query_weights(query), candidates, snapshot.fields, vocabulary)
        lexical = with_page_support(lexical, snapshot.documents)
        ahead = sorted(lexical, key=lambda pid: (-lexical[pid], pid))[: max(limit, 1)]
        rows = await kb_store.get_passages(session, ahead)
    order = sorted(candidates, key=lambda pid: (-lexical.get(pid, 0.0), pid))
    fused: dict[int, float] = {}
    lexical_rank: dict[int, int] = {}
    for rank, pid in enumerate(order):
        lexical_rank[pid] = rank
        fused[pid] = 1 / (RRF_K + rank + 1)
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
    if not dense_scores:
        # Full text alone: keep BM25F's own scores (and their order, ties by id).
        fused = {pid: lexical.get(pid, 0.0) for pid in order}
    ranked = sorted(fused, key=lambda pid: (-fused[pid], pid))[: max(limit, 1)]
    missing = [pid for pid in ranked if pid not in rows]
    if missing:  # passages only the dense ranking found
        async with deps.sessions() as session:
            rows |= await kb_store.get_passages(session, missing)
    passages = [
        Retrieved(rows[pid], fused[pid], lexical_rank.get(pid), dense_scores.get(pid))
        for pid in ranked
        if pid in rows
    ]
    for i, item in enumerate(passages[:COVERAGE_TOP]):
        # A page may answer in more than one place: its other top passages count too.
        page = [
            f"{other.passage.section} {other.passage.body}"
            for other in passages[:PAGE_TOP]
            if other.passage.document_id == item.passage.document_id
        ]
        text = f"{item.passage.doc_title} {' '.join(page)}"
        passages[i] = dataclasses.replace(item, coverage=coverage(query, text, vocabulary))
    best = max((item.coverage for item in passages[:COVERAGE_TOP]), default=0.0)
    return Retrieval(query, tuple(passages), best, best_dense, vocabulary, question)
