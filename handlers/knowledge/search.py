"""Retrieval: full-text search in the database, fused with embeddings when available.

`retrieve(deps, question, access=...)` normalises the question (stop words, typo
repair against the index vocabulary, synonyms), asks the database's full-text index
(FTS5 / tsvector, audience-filtered in the query), and, when the packaged embedding
model is installed, ranks the audience-filtered passage embeddings stored in the
database by cosine similarity; the two rankings are fused (reciprocal rank). The
per-process cache of vocabulary and embeddings is rebuilt whenever the index changes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import weakref
from dataclasses import dataclass, field

from handlers.deps import Deps
from handlers.knowledge.embed import DenseIndex, Embedder, load_embedder
from handlers.knowledge.rank import Fields, bm25f
from handlers.knowledge.terms import Query, Vocabulary, coverage, normalise
from storage import kb as kb_store
from storage.kb_search import Access, search_passages

logger = logging.getLogger(__name__)

#: Candidates the full-text index returns for re-ranking, and the dense ranking's share.
CANDIDATES = 100
DENSE_CANDIDATES = 60
#: Passages whose query coverage is measured, and those that decide "grounded".
COVERAGE_TOP = 5
GROUNDING_TOP = 3
#: Reciprocal-rank-fusion constant and the weight of each ranking.
RRF_K = 20
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 1.0


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
    query: Query
    passages: tuple[Retrieved, ...]
    coverage: float
    best_dense: float | None


@dataclass
class _IndexCache:
    stamp: tuple[int, int, str] = (-1, -1, "")
    vocabulary: Vocabulary | None = None
    fields: dict[int, Fields] = field(default_factory=dict)
    dense: dict[str, DenseIndex] = field(default_factory=dict)


#: One cache per session factory (per database), dropped with it.
_CACHES: weakref.WeakKeyDictionary[object, _IndexCache] = weakref.WeakKeyDictionary()
_LOCK = asyncio.Lock()


async def _cache(deps: Deps) -> _IndexCache:
    async with _LOCK:
        cache = _CACHES.setdefault(deps.sessions, _IndexCache())
        async with deps.sessions() as session:
            stamp = await kb_store.index_stamp(session)
            if stamp != cache.stamp:
                texts = await kb_store.list_passage_texts(session)
                cache.vocabulary = Vocabulary.build(f"{t} {s} {b}" for _, t, s, b in texts)
                cache.fields = {pid: Fields.of(t, s, b) for pid, t, s, b in texts}
                cache.dense.clear()
                cache.stamp = stamp
        return cache


async def _dense_index(deps: Deps, cache: _IndexCache, access: Access) -> DenseIndex:
    key = "*" if access.staff else (access.tier or "").lower()
    if key not in cache.dense:
        async with deps.sessions() as session:
            rows = await kb_store.list_embeddings(session, audience_like=access.like())
        cache.dense[key] = DenseIndex(rows)
    return cache.dense[key]


async def retrieve(
    deps: Deps,
    question: str,
    *,
    access: Access,
    limit: int = 20,
    embedder: Embedder | bool | None = True,
) -> Retrieval:
    """The passages `access` may see that best answer `question`, best first."""
    cache = await _cache(deps)
    vocabulary = cache.vocabulary
    query = normalise(question, vocabulary)
    async with deps.sessions() as session:
        hits = await search_passages(session, query.terms, access=access, limit=CANDIDATES)
    candidates = [hit.passage_id for hit in hits]
    lexical = bm25f(query.core, candidates, cache.fields, vocabulary) if vocabulary else {}
    order = sorted(candidates, key=lambda pid: (-lexical.get(pid, 0.0), pid))
    fused: dict[int, float] = {}
    lexical_rank: dict[int, int] = {}
    for rank, pid in enumerate(order):
        lexical_rank[pid] = rank
        fused[pid] = LEXICAL_WEIGHT / (RRF_K + rank + 1)
    dense_scores: dict[int, float] = {}
    model = load_embedder() if embedder is True else (embedder or None)
    best_dense: float | None = None
    if model is not None and query.core:
        index = await _dense_index(deps, cache, access)
        similar = index.rank(model.embed([question])[0], limit=DENSE_CANDIDATES)
        best_dense = similar[0][1] if similar else None
        for rank, (pid, similarity) in enumerate(similar):
            dense_scores[pid] = similarity
            fused[pid] = fused.get(pid, 0.0) + DENSE_WEIGHT / (RRF_K + rank + 1)
    ranked = sorted(fused, key=lambda pid: (-fused[pid], pid))[: max(limit, 1)]
    async with deps.sessions() as session:
        rows = await kb_store.get_passages(session, ranked)
    passages = [
        Retrieved(rows[pid], fused[pid], lexical_rank.get(pid), dense_scores.get(pid))
        for pid in ranked
        if pid in rows
    ]
    if vocabulary is not None:
        for i, item in enumerate(passages[:COVERAGE_TOP]):
            p = item.passage
            share = coverage(query.core, f"{p.doc_title} {p.section} {p.body}", vocabulary)
            passages[i] = dataclasses.replace(item, coverage=share)
    best = max((item.coverage for item in passages[:GROUNDING_TOP]), default=0.0)
    return Retrieval(query, tuple(passages), best, best_dense)
