"""Fixtures of the knowledge tests: the fake OpenAI server, and `docs`: a test
module's `PAGES` (file name -> Markdown) ingested."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from handlers.deps import Deps
from tests.handlers.kb_world import ingest_pages
from tests.handlers.knowledge.fake_openai import FakeOpenAI


@pytest.fixture
async def fake_openai() -> AsyncIterator[tuple[FakeOpenAI, str]]:
    """The fake server on an ephemeral port, and its base URL (…/v1)."""
    fake = FakeOpenAI()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.completions)
    app.router.add_post("/v1/embeddings", fake.embeddings)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield fake, f"http://127.0.0.1:{port}/v1"
    await runner.cleanup()


@pytest.fixture
async def docs(deps: Deps, tmp_path: Path, request: pytest.FixtureRequest) -> Deps:
    """The requesting module's `PAGES`, ingested into `deps`' knowledge base."""
    return await ingest_pages(deps, tmp_path, request.module.PAGES)
