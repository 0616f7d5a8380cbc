"""The vendor's glossary.yml: parsed in both shapes, picked up by `kb ingest` from the
ingested folder, used by search both ways, replaced and removed with the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from handlers.deps import Deps
from handlers.knowledge.glossary import Glossary, GlossaryError, defined_acronyms, parse_glossary
from handlers.knowledge.ingest import ingest
from handlers.knowledge.search import retrieve
from storage import kb_glossary as glossary_store
from storage.kb_search import Access
from tests.handlers.kb_world import SAMPLE

PAGE = """---
title: Login
---

# Login

Workspaces sign people in with single sign-on through your identity provider.
"""


def test_both_shapes_parse_and_each_entry_works_both_ways() -> None:
    mapping = parse_glossary("SSO: single sign-on\nGA4: [Google Analytics 4, GA]\nempty:\n")
    assert mapping == [
        ("SSO", "single sign-on"),
        ("GA4", "Google Analytics 4"),
        ("GA4", "GA"),
    ]
    listed = parse_glossary('- "k8s = Kubernetes"\n- SSO: single sign-on\n')
    assert listed == [("k8s", "Kubernetes"), ("SSO", "single sign-on")]
    glossary = Glossary.of(mapping)
    assert glossary.expand(["sso", "okta"]) == ["single", "sign"]
    assert glossary.expand(["single", "sign", "okta"]) == ["sso"]
    for bad in ("just a sentence", "- not an entry\n", "a: [unclosed"):
        with pytest.raises(GlossaryError):
            parse_glossary(bad)


async def test_kb_ingest_picks_up_the_folders_glossary(deps: Deps, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "login.md").write_text(PAGE)
    await ingest(deps, [folder])
    staff = Access(staff=True)
    # Without a glossary, "SSO" is a word the docs never use.
    assert not (await retrieve(deps, "sso", access=staff)).passages

    (folder / "glossary.yml").write_text("SSO: single sign-on\n")
    report = await ingest(deps, [folder])
    assert report.unchanged == 1 and not report.problems  # not a document itself
    found = await retrieve(deps, "does sso work", access=staff)
    assert found.passages[0].passage.source == "login.md"
    assert found.coverage == 1.0

    (folder / "glossary.yml").unlink()
    await ingest(deps, [folder])
    async with deps.sessions() as session:
        assert await glossary_store.list_glossary(session) == []
    assert not (await retrieve(deps, "sso", access=staff)).passages


async def test_a_broken_glossary_is_reported_not_fatal(deps: Deps, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(SAMPLE, folder)
    (folder / "glossary.yml").write_text("SSO: [unclosed\n")
    report = await ingest(deps, [folder])
    assert report.added > 0
    assert [path for path, _ in report.problems] == ["glossary.yml"]


def test_acronyms_the_documents_define_are_learnt() -> None:
    text = (
        "Sign in with OpenID Connect (OIDC) or Single sign-on (SSO). A Sample Ratio "
        "Mismatch (SRM) warning means traffic is off. Call the API (REST) too."
    )
    assert defined_acronyms(text) == [
        ("OIDC", "OpenID Connect"),
        ("SSO", "Single sign-on"),
        ("SRM", "Sample Ratio Mismatch"),
    ]


async def test_a_question_in_the_documents_acronym_finds_the_long_form(
    deps: Deps, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "login.md").write_text(PAGE)
    (folder / "terms.md").write_text("# Terms\n\nWe use Single sign-on (SSO) widely.\n")
    await ingest(deps, [folder])
    found = await retrieve(deps, "does sso work", access=Access(staff=True))
    assert "single" in found.query.extra
    assert {item.passage.source for item in found.passages} == {"login.md", "terms.md"}


def test_words_in_brackets_are_not_acronyms() -> None:
    text = "Pick a type (String) for Android apps (Android) or Google Analytics 4 (GA4)."
    assert defined_acronyms(text) == [("GA4", "Google Analytics 4")]
