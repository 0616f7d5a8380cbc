"""bench/embeddings_server.py, the local endpoint that lets `bench/kb_eval.py
--embeddings on` measure a real sentence-transformers model: the bot's own embedder
(the real `openai` client) gets one vector per text, in order, and a text embedded
before is not embedded again (a second benchmark run re-ingests into a fresh
database). A stand-in model here: sentence-transformers is not a project dependency."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from openai import AsyncOpenAI

from bench.embeddings_server import Embeddings, handler
from handlers.knowledge.embed import OpenAIEmbedder


class CountingModel:
    """A vector from each text's length and its first letter; counts what it encodes."""

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, texts: list[str], *, batch_size: int, normalize_embeddings: bool) -> Any:
        import numpy as np

        self.encoded += texts
        return np.array([[float(len(t)), float(ord(t[0]))] for t in texts])


@pytest.fixture
def served() -> Iterator[tuple[str, CountingModel]]:
    model = CountingModel()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(Embeddings(model)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", model
    finally:
        server.shutdown()
        server.server_close()


async def test_the_bots_embedder_gets_one_vector_per_text_in_order(
    served: tuple[str, CountingModel],
) -> None:
    url, model = served
    client = AsyncOpenAI(api_key="local", base_url=url, max_retries=0)
    embedder = OpenAIEmbedder(client, "all-MiniLM-L6-v2", batch=2)
    texts = ["audit log", "export", "a much longer passage of text"]
    vectors = await embedder.embed(texts)
    assert vectors == [[9.0, 97.0], [6.0, 101.0], [29.0, 97.0]]
    assert model.encoded == texts


async def test_a_text_embedded_before_is_not_embedded_again(
    served: tuple[str, CountingModel],
) -> None:
    url, model = served
    client = AsyncOpenAI(api_key="local", base_url=url, max_retries=0)
    embedder = OpenAIEmbedder(client, "all-MiniLM-L6-v2")
    first = await embedder.embed(["holdouts", "feature flags"])
    again = await embedder.embed(["feature flags", "holdouts", "sticky bucketing"])
    assert again[:2] == [first[1], first[0]]
    assert model.encoded == ["holdouts", "feature flags", "sticky bucketing"]
