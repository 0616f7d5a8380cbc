"""`ingest`: incremental by content hash, bad files skipped, index always whole."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from handlers.deps import Deps
from handlers.knowledge import ingest as ingest_module
from handlers.knowledge.ask import answer_question
from handlers.knowledge.index import KnowledgeIndex
from handlers.knowledge.ingest import MAX_FILE_BYTES, ingest
from storage import kb as kb_store
from storage.kb_search import Access, fts_matches, fts_row_count


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def root_key(folder: Path) -> str:
    return str(folder.resolve())


async def sources(deps: Deps, root: Path) -> dict[str, str]:
    """The stored documents ingested from folder `root`: source -> content hash."""
    key = root_key(root)
    async with deps.sessions() as session:
        return await kb_store.list_document_hashes(session, key)


async def test_incremental_ingest(deps: Deps, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, "sso.md", "# SSO\n\n## Okta\n\nSAML with Okta.\n")
    write(docs, "guides/pricing.mdx", "---\ntitle: Pricing\n---\n\nList prices for resellers.\n")
    write(docs, "notes.txt", "Notes\n\nDelivery log tips.\n")
    seen: list[tuple[str, str, int]] = []
    first = await ingest(deps, [docs], progress=lambda e, d, n: seen.append((e, d, n)))
    assert (first.added, first.updated, first.unchanged, first.removed) == (3, 0, 0, 0)
    assert seen[0] == ("files", "", 3)
    assert {d for e, d, _ in seen if e == "file"} == {"sso.md", "guides/pricing.mdx", "notes.txt"}
    assert set(await sources(deps, docs)) == {"sso.md", "guides/pricing.mdx", "notes.txt"}

    again = await ingest(deps, [docs])
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 3, 0)

    write(docs, "sso.md", "# SSO\n\n## Entra\n\nOpenID Connect with Entra ID.\n")
    (docs / "notes.txt").unlink()
    changed = await ingest(deps, [docs])
    assert (changed.added, changed.updated, changed.unchanged, changed.removed) == (0, 1, 1, 1)
    async with deps.sessions() as session:
        assert await fts_matches(session, "okta") == []
        assert len(await fts_matches(session, "entra")) == 1
        assert await fts_matches(session, "delivery") == []
        assert await fts_row_count(session) == await kb_store.count_passages(session)
    assert set(await sources(deps, docs)) == {"sso.md", "guides/pricing.mdx"}


async def test_a_new_parser_reads_unchanged_files_again(
    deps: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Passages written by an older parser do not outlive it: the next ingest after a
    parser change parses every file again, though none of them changed."""
    docs = tmp_path / "docs"
    write(docs, "sso.md", "# SSO\n\n## Okta\n\nSAML with Okta.\n")
    write(docs, "pricing.md", "# Pricing\n\nList prices for resellers.\n")
    await ingest(deps, [docs])
    monkeypatch.setattr(ingest_module, "PARSER_VERSION", ingest_module.PARSER_VERSION + 1)
    reparsed = await ingest(deps, [docs])
    assert (reparsed.added, reparsed.updated, reparsed.unchanged) == (0, 2, 0)
    again = await ingest(deps, [docs])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


async def test_bad_files_are_reported_and_skipped(deps: Deps, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, "good.md", "# Good\n\nSOC 2 report on request.\n")
    (docs / "binary.md").write_bytes(b"\x89PNG\x00\x00\x00binary")
    (docs / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (docs / "huge.md").write_text("x" * (MAX_FILE_BYTES + 1))
    (docs / "image.png").write_bytes(b"\x89PNG")  # not a supported type: ignored silently
    report = await ingest(deps, [docs, tmp_path / "missing"])
    reasons = dict(report.problems)
    assert report.added == 1
    assert "binary" in reasons["binary.md"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "too large" in reasons["huge.md"]
    assert "no such file" in reasons[str(tmp_path / "missing")]
    assert set(await sources(deps, docs)) == {"good.md"}
    async with deps.sessions() as session:
        assert len(await fts_matches(session, "soc")) == 1


async def test_a_single_file_and_an_emptied_folder(deps: Deps, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    page = write(docs, "page.html", "<title>Start</title><h2>Install</h2><p>Run it.</p>")
    report = await ingest(deps, [page])
    assert report.added == 1
    async with deps.sessions() as session:
        assert len(await fts_matches(session, "install")) == 1
    await ingest(deps, [docs])  # the folder itself, as a root of its own
    page.unlink()
    emptied = await ingest(deps, [docs])
    assert emptied.removed == 1


async def test_answers_follow_an_ingest_run_by_another_process(deps: Deps, tmp_path: Path) -> None:
    # The bot and `partnerbot kb ingest` share the database, not their search state.
    docs = tmp_path / "docs"
    write(docs, "sso.md", "# SSO\n\n## Okta\n\nSingle sign-on uses SAML with Okta.\n")
    await ingest(dataclasses.replace(deps, knowledge=KnowledgeIndex()), [docs])
    staff = Access(staff=True)
    answer, _ = await answer_question(deps, "does single sign-on work with okta?", access=staff)
    assert "Okta" in answer.text

    write(docs, "sso.md", "# SSO\n\n## Entra\n\nSingle sign-on uses OpenID Connect with Entra.\n")
    write(docs, "proxy.md", "# Proxy\n\n## Cache\n\nThe proxy caches features in Redis.\n")
    await ingest(dataclasses.replace(deps, knowledge=KnowledgeIndex()), [docs])
    answer, _ = await answer_question(deps, "does single sign-on work with entra?", access=staff)
    assert "Entra" in answer.text and "Okta" not in answer.text
    answer, _ = await answer_question(deps, "can the proxy cache features in redis?", access=staff)
    assert "Redis" in answer.text
