"""The knowledge index and the English word list the answers consult
(handlers.knowledge.lexicon, about 0.4 s to read) are read when the server starts,
so a partner's first question does not wait for them."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

import app
from handlers.deps import Deps
from handlers.knowledge import lexicon
from handlers.knowledge.ask import answer_question
from storage.kb_search import Access
from tests.handlers.kb_world import ingest_pages

PAGES = {
    "code-references.md": """# Code references

Code references scan your GitHub and GitLab repositories for feature keys and show
where each feature is used.
""",
}


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("the word list was read on a question's time")


async def test_serving_reads_the_word_list_before_the_first_question(
    deps: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await ingest_pages(deps, tmp_path, PAGES)
    lexicon._english.cache_clear()  # as in a fresh process
    assert not lexicon.loaded()
    async with TestClient(TestServer(app.build_web_app(deps, serving=True))):
        assert lexicon.loaded()
        monkeypatch.setattr(lexicon, "SpellChecker", _refuse)
        # The first question consults the word list ("bitbucket" is no English word).
        answer, _ = await answer_question(
            deps, "can code references scan bitbucket repositories?", access=Access(staff=True)
        )
        assert not answer.grounded
        answer, _ = await answer_question(
            deps, "can code references scan gitlab repositories?", access=Access(staff=True)
        )
        assert answer.grounded


async def test_building_the_snapshot_reads_the_word_list(deps: Deps, tmp_path: Path) -> None:
    await ingest_pages(deps, tmp_path, PAGES)
    lexicon._english.cache_clear()
    await deps.knowledge.warm(deps.sessions)
    assert lexicon.loaded()
    assert lexicon.is_english("mandatory")
