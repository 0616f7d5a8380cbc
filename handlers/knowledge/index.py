"""The process's knowledge-search state, held by `Deps.knowledge`: what is rebuilt from
the database whenever the index changes (vocabulary, per-passage word counts, the
glossary, the audiences' embedding matrices) and the optional embedder.

One `KnowledgeIndex` per `Deps` (app.py builds it; tests get a fresh one with each
`deps`), so nothing about the knowledge base lives at module level.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from handlers.knowledge.glossary import Glossary, defined_acronyms
from handlers.knowledge.rank import Fields
from handlers.knowledge.terms import Vocabulary
from storage import kb as kb_store
from storage import kb_glossary as glossary_store
from storage.engine import SessionFactory
from storage.kb_search import Access

if TYPE_CHECKING:
    from bot.core.settings import Settings
    from handlers.knowledge.embed import DenseIndex, Embedder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """The index as of one stamp: vocabulary, word counts by passage id, glossary."""

    vocabulary: Vocabulary
    fields: dict[int, Fields]
    glossary: Glossary
    documents: dict[int, int] = field(default_factory=dict)


@dataclass
class KnowledgeIndex:
    """Per-process search state; `embedder` None means full-text search only."""

    embedder: Embedder | None = None
    _stamp: tuple[Any, ...] | None = None
    _snapshot: Snapshot | None = None
    _dense: dict[str, DenseIndex] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def snapshot(self, sessions: SessionFactory) -> Snapshot:
        """The current snapshot, rebuilt when the stored index has changed."""
        async with self._lock:
            async with sessions() as session:
                stamp = await kb_store.index_stamp(session)
                if stamp != self._stamp or self._snapshot is None:
                    texts = await kb_store.list_passage_index(session)
                    entries = await glossary_store.list_glossary(session)
                    self._snapshot = Snapshot(
                        vocabulary=Vocabulary.build(f"{t} {s} {b}" for _, _, t, s, b in texts),
                        fields={pid: Fields.of(t, s, b) for pid, _, t, s, b in texts},
                        glossary=Glossary.of([*entries, *_acronyms(texts)]),
                        documents={pid: doc for pid, doc, *_ in texts},
                    )
                    self._dense.clear()
                    self._stamp = stamp
            return self._snapshot

    async def dense(self, sessions: SessionFactory, access: Access) -> DenseIndex | None:
        """The embeddings `access` may see (call after `snapshot`); None without an
        embedder."""
        if self.embedder is None:
            return None
        from handlers.knowledge.embed import DenseIndex

        key = "*" if access.staff else (access.tier or "").strip().lower()
        async with self._lock:
            if key not in self._dense:
                async with sessions() as session:
                    rows = await kb_store.list_embeddings(
                        session, audience_like=access.like(), model=self.embedder.model
                    )
                self._dense[key] = DenseIndex(rows)
            return self._dense[key]


def _acronyms(texts: list[tuple[int, int, str, str, str]]) -> list[tuple[str, str]]:
    """The acronyms the documents define themselves ("Single sign-on (SSO)"), once each."""
    seen: dict[tuple[str, str], None] = {}
    for _, _, title, section, body in texts:
        for pair in defined_acronyms(f"{title}. {section}. {body}"):
            seen.setdefault((pair[0].lower(), pair[1].lower()), None)
    return list(seen)


def build_embedder(settings: Settings, client: Any = None) -> Embedder | None:
    """The embedder OPENAI_EMBEDDING_MODEL asks for, through `client` (the app's
    `openai.AsyncOpenAI`; one is built from the settings when not given), or None."""
    model = settings.openai_embedding_model
    if not model:
        return None
    from handlers.knowledge.embed import OpenAIEmbedder

    if client is None:
        if settings.openai_api_key is None:
            logger.warning("OPENAI_EMBEDDING_MODEL is set without OPENAI_API_KEY; no embeddings")
            return None
        from openai import AsyncOpenAI

        client = AsyncOpenAI(
            api_key=settings.openai_api_key.get_secret_value(), base_url=settings.openai_base_url
        )
    return OpenAIEmbedder(client, model)
