"""The optional embedding path, with a small deterministic embedder instead of the
packaged model: vectors are stored with the passages, fused with full-text ranking,
and restricted passages stay out of the dense ranking too."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from handlers.deps import Deps
from handlers.knowledge import embed as knowledge_embed
from handlers.knowledge.ingest import ingest
from handlers.knowledge.search import retrieve
from storage import kb as kb_store
from storage.kb_search import Access
from tests.handlers.kb_world import SAMPLE

np = pytest.importorskip("numpy", reason="numpy comes with the optional embeddings extra")

#: Concepts the fake model "understands": any of the words lights up one dimension.
CONCEPTS = (
    ("money", "discount", "price", "margin", "cheaper", "pricing"),
    ("login", "sso", "okta", "saml", "sign"),
    ("secure", "encryption", "encrypted", "aes", "tls"),
)


class ConceptEmbedder:
    """Maps text to a normalised vector over CONCEPTS (plus a bias dimension)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            words = set(text.lower().replace("?", " ").split())
            row = [float(bool(words & set(concept))) for concept in CONCEPTS] + [0.1]
            rows.append(np.array(row, dtype=np.float32))
        matrix = np.vstack(rows)
        padded = np.zeros((len(rows), knowledge_embed.DIMENSIONS), dtype=np.float32)
        padded[:, : matrix.shape[1]] = matrix
        return padded / np.linalg.norm(padded, axis=1, keepdims=True)


async def test_embeddings_are_stored_and_fused_without_leaking_restricted_passages(
    deps: Deps,
) -> None:
    model = ConceptEmbedder()
    await ingest(deps, [SAMPLE], embedder=model)
    async with deps.sessions() as session:
        everything = await kb_store.list_embeddings(session, audience_like=None)
        silver = await kb_store.list_embeddings(session, audience_like="%,silver,%")
        assert len(everything) == await kb_store.count_passages(session)
    assert len(silver) < len(everything)

    # "cheaper" shares no word with the pricing page: only the dense ranking finds it.
    staff = await retrieve(deps, "how to get it cheaper", access=Access(staff=True), embedder=model)
    assert staff.best_dense is not None
    assert staff.passages[0].passage.source == "partner-pricing.md"
    assert staff.passages[0].lexical_rank is None

    for tier in ("silver", None):
        found = await retrieve(
            deps, "how to get it cheaper", access=Access(tier=tier), embedder=model
        )
        assert "partner-pricing.md" not in {item.passage.source for item in found.passages}


def test_without_the_model_package_there_is_no_embedder() -> None:
    knowledge_embed.disable()
    assert knowledge_embed.load_embedder() is None
