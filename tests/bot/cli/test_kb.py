"""`partnerbot kb ingest` and `kb ask [--json]`, in-process on SQLite."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from tests.bot.cli.conftest import cli
from tests.handlers.kb_world import SAMPLE


def test_ingest_reports_and_is_incremental(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = workdir / "docs"
    shutil.copytree(SAMPLE, docs)
    (docs / "broken.md").write_bytes(b"\x00\x01binary")
    assert cli("kb", "ingest", str(docs)) == 0
    out, err = capsys.readouterr()
    assert "6 added, 0 updated, 0 unchanged, 0 removed" in out
    assert "skipped broken.md: binary content" in err
    (docs / "troubleshooting.txt").unlink()
    assert cli("kb", "ingest", str(docs), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["unchanged"] == 5 and report["removed"] == 1
    assert report["problems"] == [{"path": "broken.md", "reason": "binary content"}]


def test_ask_json_has_the_documented_shape(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("kb", "ingest", str(SAMPLE), "--json") == 0
    capsys.readouterr()
    questions = (
        "is lumora soc 2 certified?\n\ncan i pay in bitcoin?\n"
        "how long is the penetration test summary valid?\n"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(questions))
    assert cli("kb", "ask", "-", "--json") == 0
    lines = capsys.readouterr().out.splitlines()
    first, second, third = (json.loads(line) for line in lines)
    assert first["grounded"] is True and first["hedged"] is False
    assert "SOC 2" in first["answer"]
    assert first["citations"][0]["path"] == "security.md"
    assert first["citations"][0]["title"] == "Security and Compliance"
    retrieved = first["retrieved"]
    assert retrieved[0]["path"] == "security.md"
    assert all({"path", "score"} <= set(item) for item in retrieved)
    assert [r["score"] for r in retrieved] == sorted((r["score"] for r in retrieved), reverse=True)
    assert second["grounded"] is False and second["citations"] == [] and second["related"] == []
    assert first["related"] == []  # only a declined answer names closest pages
    assert third["grounded"] is False and third["citations"] == []
    assert [(r["path"], r["title"]) for r in third["related"]] == [
        ("security.md", "Security and Compliance")
    ]

    assert cli("kb", "ask", "what", "discount", "do", "gold", "partners", "get", "--json") == 0
    staff = json.loads(capsys.readouterr().out)
    assert "partner-pricing.md" in [c["path"] for c in staff["citations"]]
    assert cli("kb", "ask", "what discount do gold partners get", "--tier", "silver", "--json") == 0
    silver = json.loads(capsys.readouterr().out)
    assert "partner-pricing.md" not in [r["path"] for r in silver["retrieved"]]


def test_ask_prints_answer_and_sources_for_people(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("kb", "ingest", str(SAMPLE), "--json") == 0
    capsys.readouterr()
    assert cli("kb", "ask", "which", "regions", "store", "data?") == 0
    out = capsys.readouterr().out
    assert "Frankfurt" in out
    assert "[1] Lumora Overview" in out and "overview.md" in out


def test_ingesting_one_file_after_its_folder_removes_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = workdir / "docs"
    shutil.copytree(SAMPLE, docs)
    assert cli("kb", "ingest", str(docs)) == 0
    assert "6 added" in capsys.readouterr().out
    (docs / "new.md").write_text("# New\n\nA new page.\n", encoding="utf-8")
    assert cli("kb", "ingest", str(docs / "new.md")) == 0
    assert "1 added, 0 updated, 0 unchanged, 0 removed" in capsys.readouterr().out
    assert cli("kb", "ingest", str(docs), "--json") == 0
    assert json.loads(capsys.readouterr().out)["unchanged"] == 7


def test_a_device_or_a_huge_sparse_file_is_one_line_each(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sparse = workdir / "huge.md"
    with sparse.open("wb") as handle:
        handle.truncate(4 * 1024**3)
    assert cli("kb", "ingest", "/dev/zero", str(sparse)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    skipped = [line for line in err.splitlines() if line.startswith("skipped")]
    assert skipped == [
        "skipped zero: not a supported file type (.md, .mdx, .markdown, .txt, .html, .htm)",
        "skipped huge.md: too large (4294967296 bytes, limit 2000000)",
    ]
