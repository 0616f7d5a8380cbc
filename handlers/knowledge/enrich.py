"""What `kb ingest` adds after the documents: each folder's glossary.yml, and the
embeddings of passages that have none from the configured model yet.

Both report problems instead of raising: a bad glossary or an embeddings endpoint
that is down must not undo the documents just ingested.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import openai

from handlers.deps import Deps
from handlers.knowledge.embed import BATCH, passage_text, to_blob
from handlers.knowledge.glossary import FILE_NAME, GlossaryError, parse_glossary
from storage import kb_embeddings as embeddings_store
from storage import kb_glossary as glossary_store

logger = logging.getLogger(__name__)

#: Passages read (and embedded) per round of the embeddings backfill.
ROUND = BATCH * 4


async def ingest_glossaries(deps: Deps, folders: Sequence[Path]) -> list[tuple[str, str]]:
    """Store the glossary.yml at the top of each folder (a folder without one has its
    stored glossary removed). Returns (path, reason) problems."""
    problems: list[tuple[str, str]] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        file = folder / FILE_NAME
        entries: list[tuple[str, str]] = []
        if file.is_file():
            try:
                entries = parse_glossary(file.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError, GlossaryError) as exc:
                problems.append((FILE_NAME, f"glossary not read: {exc}"))
                logger.warning("glossary %s not read: %s", file, exc)
                continue
        async with deps.sessions() as session, session.begin():
            await glossary_store.replace_glossary(session, str(folder.resolve()), entries)
    return problems


async def embed_missing(deps: Deps) -> tuple[int, list[tuple[str, str]]]:
    """Embed, in batches, every passage without a vector from the configured model.

    Returns:
        How many passages were embedded, and (what, reason) problems.
    """
    embedder = deps.knowledge.embedder
    if embedder is None:
        return 0, []
    done = 0
    while True:
        async with deps.sessions() as session:
            rows = await embeddings_store.list_unembedded(
                session, model=embedder.model, limit=ROUND
            )
        if not rows:
            return done, []
        texts = [passage_text(title, section, body) for _, title, section, body, _ in rows]
        try:
            vectors = await embedder.embed(texts)
        except openai.APIError as exc:
            logger.warning("embeddings endpoint failed (%s); full-text search only", exc)
            return done, [("embeddings", f"{type(exc).__name__}: {exc}")]
        async with deps.sessions() as session, session.begin():
            await embeddings_store.set_embeddings(
                session,
                [(row[0], to_blob(v)) for row, v in zip(rows, vectors, strict=True)],
                model=embedder.model,
            )
        done += len(rows)
