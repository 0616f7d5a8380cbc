"""The process's knowledge-search state, held by `Deps.knowledge`: what is rebuilt from
the database whenever the index changes (vocabulary, per-passage word counts, the
glossary, the audiences' embedding matrices) and the optional embedder.

One `KnowledgeIndex` per `Deps` (app.py builds it; tests get a fresh one with each
`deps`), so nothing about the knowledge base lives at module level.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from handlers.knowledge import lexicon
from handlers.knowledge.assoc import Associations
from handlers.knowledge.glossary import Glossary, defined_acronyms
from handlers.knowledge.rank import Fields, Impact, impacts, plain_impacts
from handlers.knowledge.sentences import Sentence
from handlers.knowledge.terms import Vocabulary, tokens
from storage import kb as kb_store
from storage import kb_embeddings as embeddings_store
from storage import kb_glossary as glossary_store
from storage.engine import SessionFactory
from storage.kb_search import Access, visible_passage_ids

if TYPE_CHECKING:
    from bot.core.settings import Settings
    from handlers.knowledge.embed import DenseIndex, Embedder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """The index as of one stamp: vocabulary, word counts by passage id, glossary, the
    page of each passage, which passages hold each stem, and the passages themselves."""

    vocabulary: Vocabulary
    fields: dict[int, Fields]
    glossary: Glossary
    documents: dict[int, int] = field(default_factory=dict)
    postings: dict[str, list[Impact]] = field(default_factory=dict)
    #: The same for plain BM25 (rank.plain_impacts).
    plain: dict[str, list[Impact]] = field(default_factory=dict)
    rows: dict[int, kb_store.PassageRow] = field(default_factory=dict)
    #: Passage id -> the words of its title, section and body, and those plus stems.
    words: dict[int, frozenset[str]] = field(default_factory=dict)
    present: dict[int, frozenset[str]] = field(default_factory=dict)
    #: Passage id -> its sentences, filled as answers quote them.
    sentences: dict[int, list[Sentence]] = field(default_factory=dict)
    #: The words the documents pair each word with (counted as questions ask them).
    associations: Associations | None = None


@dataclass
class KnowledgeIndex:
    """Per-process search state; `embedder` None means full-text search only."""

    embedder: Embedder | None = None
    _stamp: tuple[Any, ...] | None = None
    _snapshot: Snapshot | None = None
    _dense: dict[str, DenseIndex] = field(default_factory=dict)
    _visible: dict[str, frozenset[int]] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def snapshot(self, sessions: SessionFactory) -> Snapshot:
        """The current snapshot, rebuilt when the stored index has changed."""
        async with self._lock:
            async with sessions() as session:
                stamp = await kb_store.index_stamp(session, embeddings=self.embedder is not None)
                if stamp != self._stamp or self._snapshot is None:
                    rows = await kb_store.get_passages(session, None)
                    entries = await glossary_store.list_glossary(session)
                    fields = {pid: Fields.of(r.title, r.section, r.body) for pid, r in rows.items()}
                    words = {
                        pid: frozenset(tokens(f"{r.title} {r.section} {r.body}"))
                        for pid, r in rows.items()
                    }
                    vocabulary = Vocabulary.build(
                        f"{r.title} {r.section} {r.body}" for r in rows.values()
                    )
                    postings = impacts(fields, vocabulary)
                    stems = {pid: frozenset(f.terms()) for pid, f in fields.items()}
                    self._snapshot = Snapshot(
                        vocabulary=vocabulary,
                        fields=fields,
                        glossary=Glossary.of([*entries, *_acronyms(rows.values())]),
                        documents={pid: r.document_id for pid, r in rows.items()},
                        postings=postings,
                        plain=plain_impacts(fields, vocabulary),
                        associations=Associations(stems, postings, max(len(rows), 1)),
                        rows=rows,
                        words=words,
                        present={pid: words[pid] | f.terms() for pid, f in fields.items()},
                    )
                    self._dense.clear()
                    self._visible.clear()
                    self._stamp = stamp
                    if not lexicon.loaded():
                        # The English word list the answers consult: read with the
                        # snapshot, off the event loop, not on a question's time.
                        await asyncio.to_thread(lexicon.load)
            return self._snapshot

    async def warm(self, sessions: SessionFactory) -> None:
        """Build the snapshot (and read the word list) now, at start-up, so that the
        first question costs what every other one does. A database that cannot be read
        yet only postpones it: the first question builds it."""
        try:
            await self.snapshot(sessions)
        except SQLAlchemyError as exc:
            logger.warning("knowledge index not loaded at start-up: %s", type(exc).__name__)

    async def visible(self, sessions: SessionFactory, access: Access) -> frozenset[int]:
        """The ids of the passages `access` may see (call after `snapshot`), from the
        database's audience filter, kept until the index changes."""
        key = _audience_key(access)
        async with self._lock:
            if key not in self._visible:
                async with sessions() as session:
                    ids = await visible_passage_ids(session, access=access)
                self._visible[key] = frozenset(ids)
            return self._visible[key]

    async def dense(self, sessions: SessionFactory, access: Access) -> DenseIndex | None:
        """The embeddings `access` may see (call after `snapshot`); None without an
        embedder."""
        if self.embedder is None:
            return None
        from handlers.knowledge.embed import DenseIndex

        key = _audience_key(access)
        async with self._lock:
            if key not in self._dense:
                async with sessions() as session:
                    rows = await embeddings_store.list_embeddings(
                        session, audience_like=access.like(), model=self.embedder.model
                    )
                self._dense[key] = DenseIndex(rows)
            return self._dense[key]


def _audience_key(access: Access) -> str:
    return "*" if access.staff else (access.tier or "").strip().lower()


def _acronyms(rows: Iterable[kb_store.PassageRow]) -> list[tuple[str, str]]:
    """The acronyms the documents define themselves ("Single sign-on (SSO)"), once each."""
    seen: dict[tuple[str, str], None] = {}
    for row in rows:
        for pair in defined_acronyms(f"{row.title}. {row.section}. {row.body}"):
            seen.setdefault((pair[0].lower(), pair[1].lower()), None)
    return list(seen)


def build_embedder(settings: Settings, client: Any = None) -> Embedder | None:
    """The embedder OPENAI_EMBEDDING_MODEL asks for, through `client` (the app's
    `openai.AsyncOpenAI`; one is built from the settings when not given), or None."""
    model = settings.openai_embedding_model
    if not model:
        return None
    if importlib.util.find_spec("numpy") is None:
        logger.warning(
            "OPENAI_EMBEDDING_MODEL is set but numpy is not installed "
            "(pip install 'partnerbot[embeddings]'); full-text search only"
        )
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
