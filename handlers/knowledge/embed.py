"""Optional dense retrieval: passage and question embeddings from an OpenAI-compatible
embeddings endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp ...).

Off unless OPENAI_EMBEDDING_MODEL is set (with OPENAI_API_KEY, and OPENAI_BASE_URL for
a server other than OpenAI's). `kb ingest` embeds passages in batches and stores each
vector beside its passage with the model's name; passages whose text is unchanged keep
their vector across re-ingests, and a restart reads them back from the database.
Search ranks the audience's passages by cosine similarity (`DenseIndex`, numpy from
the `embeddings` extra) and fuses that ranking with full-text search.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

#: Texts per embeddings request (OpenAI accepts up to 2048; local servers prefer fewer).
BATCH = 64
#: Characters of a passage the model sees.
PASSAGE_CHARS = 2000


class Embedder(Protocol):
    """Turns texts into vectors; `model` names the vectors' space (stored with them)."""

    model: str

    async def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class OpenAIEmbedder:
    """Embeddings through the `openai` client's `embeddings.create`, in batches."""

    def __init__(self, client: Any, model: str, *, batch: int = BATCH) -> None:
        self.client = client
        self.model = model
        self._batch = batch

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._batch):
            chunk = [t or " " for t in texts[start : start + self._batch]]
            response = await self.client.embeddings.create(model=self.model, input=chunk)
            rows = sorted(response.data, key=lambda item: item.index)
            vectors += [list(row.embedding) for row in rows]
        return vectors


def passage_text(title: str, section: str, body: str) -> str:
    """What the embedding model sees for a passage."""
    heading = f"{title}: {section}" if section else title
    return f"{heading}\n{body}"[:PASSAGE_CHARS]


def to_blob(vector: Sequence[float]) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype=np.float32).tobytes()


class DenseIndex:
    """The stored passage embeddings one audience may see, as a normalised matrix."""

    def __init__(self, rows: Sequence[tuple[int, bytes]]) -> None:
        import numpy as np

        vectors = [np.frombuffer(blob, dtype=np.float32) for _, blob in rows]
        width = max((len(v) for v in vectors), default=0)
        keep = [i for i, v in enumerate(vectors) if len(v) == width and width]
        self.ids = [rows[i][0] for i in keep]
        matrix = (
            np.vstack([vectors[i] for i in keep]) if keep else np.zeros((0, 1), dtype=np.float32)
        )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True) if keep else 1.0
        self.matrix: np.ndarray = matrix / np.maximum(norms, 1e-12)

    def rank(self, vector: Sequence[float], *, limit: int) -> list[tuple[int, float]]:
        """(passage id, cosine similarity), most similar first."""
        import numpy as np

        query = np.asarray(vector, dtype=np.float32)
        if not self.ids or query.shape[0] != self.matrix.shape[1]:
            return []
        query = query / max(float(np.linalg.norm(query)), 1e-12)
        sims = self.matrix @ query
        order = np.argsort(-sims)[:limit]
        return [(self.ids[int(i)], float(sims[int(i)])) for i in order]
