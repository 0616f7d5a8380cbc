"""Dense retrieval through an OpenAI-compatible embeddings endpoint (a local fake
server, through the real `openai` client): passages are embedded at ingest in
batches and stored beside their passage, reused across re-ingests and restarts,
fused with full-text ranking, and restricted passages stay out of the dense ranking."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openai import AsyncOpenAI

from bot.core.settings import Settings
from handlers.deps import Deps
from handlers.knowledge.embed import OpenAIEmbedder
from handlers.knowledge.index import KnowledgeIndex, build_embedder
from handlers.knowledge.ingest import ingest
from handlers.knowledge.search import retrieve
from storage import kb as kb_store
from storage import kb_embeddings as embeddings_store
from storage.kb_search import Access
from tests.handlers.kb_world import SAMPLE
from tests.handlers.knowledge.fake_openai import FakeOpenAI

pytest.importorskip("numpy", reason="numpy comes with the embeddings extra")

MODEL = "fake-embed-1"


@pytest.fixture
async def client(fake_openai: tuple[FakeOpenAI, str]) -> AsyncIterator[AsyncOpenAI]:
    client = AsyncOpenAI(base_url=fake_openai[1], api_key="test", max_retries=0)
    yield client
    await client.close()


def with_embeddings(deps: Deps, client: AsyncOpenAI, *, batch: int = 64) -> Deps:
    """A new process's deps: a fresh index whose embedder is the fake model."""
    embedder = OpenAIEmbedder(client, MODEL, batch=batch)
    return dataclasses.replace(deps, knowledge=KnowledgeIndex(embedder=embedder))


async def test_passages_are_embedded_in_batches_stored_and_fused(
    deps: Deps, client: AsyncOpenAI, fake_openai: tuple[FakeOpenAI, str]
) -> None:
    fake, _ = fake_openai
    dense = with_embeddings(deps, client, batch=4)
    report = await ingest(dense, [SAMPLE])
    async with dense.sessions() as session:
        passages = await kb_store.count_passages(session)
        stored = await embeddings_store.list_embeddings(session, audience_like=None, model=MODEL)
    assert report.embedded == passages == len(stored)
    assert all(len(body["input"]) <= 4 for body in fake.embedding_requests)
    assert len(fake.embedding_requests) >= passages // 4
    assert {body["model"] for body in fake.embedding_requests} == {MODEL}

    # "cheaper" shares no word with the pricing page: only the dense ranking finds it.
    staff = await retrieve(dense, "how to get it cheaper", access=Access(staff=True))
    assert staff.best_dense is not None
    top = staff.passages[0]
    assert top.passage.source == "partner-pricing.md"
    assert top.lexical_rank is None and top.dense_score is not None
    # The question was embedded with the same model, through the same client.
    assert fake.embedding_requests[-1]["input"] == ["how to get it cheaper"]

    for tier in ("silver", None):
        found = await retrieve(dense, "how to get it cheaper", access=Access(tier=tier))
        assert "partner-pricing.md" not in {item.passage.source for item in found.passages}


async def test_vectors_are_reused_across_restarts_and_reingests(
    deps: Deps, client: AsyncOpenAI, fake_openai: tuple[FakeOpenAI, str], tmp_path: Path
) -> None:
    fake, _ = fake_openai
    folder = tmp_path / "kb"
    shutil.copytree(SAMPLE, folder)
    await ingest(with_embeddings(deps, client), [folder])
    first = len(fake.embedded_texts)
    assert first > 0

    # A restart: a new index reads the stored vectors; nothing is embedded again.
    restarted = with_embeddings(deps, client)
    again = await ingest(restarted, [folder])
    assert again.unchanged == again.files and again.embedded == 0
    assert len(fake.embedded_texts) == first
    found = await retrieve(restarted, "how to get it cheaper", access=Access(staff=True))
    assert found.passages[0].passage.source == "partner-pricing.md"
    assert len(fake.embedded_texts) == first + 1  # only the question

    # One section of one page changes: only that passage is embedded again.
    security = folder / "security.md"
    security.write_text(
        security.read_text().replace("SAML 2.0", "SAML 2.0 (with signed assertions)")
    )
    await ingest(restarted, [folder])
    new = fake.embedded_texts[first + 1 :]
    assert len(new) == 1 and "signed assertions" in new[0]


async def test_a_model_change_reembeds_and_no_model_means_full_text_only(
    deps: Deps, client: AsyncOpenAI, fake_openai: tuple[FakeOpenAI, str]
) -> None:
    fake, _ = fake_openai
    await ingest(deps, [SAMPLE])  # no embedder: full text only
    assert fake.embedding_requests == []
    plain = await retrieve(deps, "sso okta", access=Access(staff=True))
    assert plain.best_dense is None and plain.passages

    other = dataclasses.replace(
        deps, knowledge=KnowledgeIndex(embedder=OpenAIEmbedder(client, "other-model"))
    )
    report = await ingest(other, [SAMPLE])
    async with deps.sessions() as session:
        assert report.embedded == await kb_store.count_passages(session)


async def test_an_embeddings_outage_keeps_the_documents_and_reports_it(
    deps: Deps, client: AsyncOpenAI, fake_openai: tuple[FakeOpenAI, str]
) -> None:
    fake, _ = fake_openai
    fake.fail_with = 500
    report = await ingest(with_embeddings(deps, client), [SAMPLE])
    assert report.added > 0 and report.embedded == 0
    assert [what for what, _ in report.problems] == ["embeddings"]


async def test_the_embedder_comes_from_the_settings() -> None:
    bare = Settings(_env_file=None)  # type: ignore[call-arg]
    assert build_embedder(bare) is None
    configured = Settings(  # type: ignore[call-arg]
        _env_file=None,
        openai_api_key="sk-test",
        openai_base_url="http://127.0.0.1:9/v1",
        openai_embedding_model="text-embedding-3-small",
    )
    embedder = build_embedder(configured)
    assert isinstance(embedder, OpenAIEmbedder)
    assert embedder.model == "text-embedding-3-small"
    assert str(embedder.client.base_url).startswith("http://127.0.0.1:9/v1")
    await embedder.client.close()
    no_key = Settings(_env_file=None, openai_embedding_model="m")  # type: ignore[call-arg]
    assert build_embedder(no_key) is None


async def test_retrieval_keeps_the_full_text_ranking_beside_the_fused_one(
    deps: Deps, client: AsyncOpenAI, fake_openai: tuple[FakeOpenAI, str]
) -> None:
    fake, _ = fake_openai
    dense = with_embeddings(deps, client)
    await ingest(dense, [SAMPLE])
    before = len(fake.embedding_requests)
    found = await retrieve(dense, "how to get it cheaper", access=Access(staff=True))
    assert len(fake.embedding_requests) == before + 1  # the question, once
    pricing = next(i for i in found.passages if i.passage.source == "partner-pricing.md")
    assert found.passages[0] == pricing  # the dense ranking brought it up
    assert found.full_text is not None and found.full_text.full_text is None
    assert "partner-pricing.md" not in {i.passage.source for i in found.full_text.passages}

    plain = await retrieve(deps, "how to get it cheaper", access=Access(staff=True))
    assert plain.full_text is None
    assert [i.passage.id for i in plain.passages] == [
        i.passage.id for i in found.full_text.passages
    ]
