"""`ingest` fails closed (issue #9, items 5, 9 and 15, and the YAML alias bomb): a
document whose restriction cannot be read is reported and skipped, never published to
everyone; the walk never leaves the ingested folder; a file ingest removes nothing
else; only regular files are read, and never past the size limit."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from handlers.deps import Deps
from handlers.knowledge.ingest import MAX_FILE_BYTES, ingest, read_text
from handlers.knowledge.search import retrieve
from storage.kb_search import Access
from tests.handlers.knowledge.test_ingest import sources, write

BODY = "# Margins\n\nGold partners earn a secret zebra margin of 42 percent.\n"
BRONZE = Access(staff=False, tier="bronze")
GOLD = Access(staff=False, tier="gold")


async def visible(deps: Deps, access: Access) -> bool:
    found = await retrieve(deps, "zebra margin", access=access)
    return any("zebra" in p.passage.body for p in found.passages)


@pytest.mark.parametrize(
    ("front_matter", "reason"),
    [
        ("---\naudience: [gold\n---\n", "not valid YAML"),
        ("---\naudience: 5\n---\n", "audience must be"),
        ("---\naudience: {gold: true}\n---\n", "audience must be"),
        ("---\naudience: [gold, 7]\n---\n", "audience must be"),
        ("---\naudience:\n---\n", "audience must be"),
        ("---\naudience: []\n---\n", "names no tier"),
        ("---\n- audience\n- gold\n---\n", "key: value"),
        ("---\naudience: [gold]\n", "not closed"),
        ("---\ntitle: x\naudience: [gold]\nnote: " + "y" * 9000 + "\n---\n", "over"),
    ],
)
async def test_an_unreadable_restriction_is_skipped_and_reported(
    deps: Deps, tmp_path: Path, front_matter: str, reason: str
) -> None:
    docs = tmp_path / "docs"
    write(docs, "margins.md", front_matter + BODY)
    write(docs, "open.md", "# Open\n\nEveryone may read this page.\n")
    report = await ingest(deps, [docs])
    problems = dict(report.problems)
    assert reason in problems["margins.md"], problems
    assert set(await sources(deps, docs)) == {"open.md"}
    assert not await visible(deps, BRONZE)


async def test_blank_lines_before_the_front_matter_keep_the_restriction(
    deps: Deps, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    write(docs, "margins.md", "\n\n---\naudience: [gold]\n---\n" + BODY)
    report = await ingest(deps, [docs])
    assert report.added == 1 and not report.problems
    assert not await visible(deps, BRONZE)
    assert await visible(deps, GOLD)


async def test_a_broken_edit_keeps_the_restricted_version_out_of_bronze_hands(
    deps: Deps, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    page = write(docs, "margins.md", "---\naudience: [gold]\n---\n" + BODY)
    await ingest(deps, [docs])
    page.write_text("---\naudience: [gold\n---\n" + BODY + "\nMore.\n", encoding="utf-8")
    report = await ingest(deps, [docs])
    assert "margins.md" in dict(report.problems)
    assert not await visible(deps, BRONZE)


async def test_a_yaml_alias_bomb_is_refused_at_once(deps: Deps, tmp_path: Path) -> None:
    lines = ["---", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    docs = tmp_path / "docs"
    write(docs, "bomb.md", "\n".join([*lines, "audience: [gold]", "---", BODY]))
    started = time.process_time()
    report = await ingest(deps, [docs])
    assert time.process_time() - started < 2  # a bound, not a benchmark: expanding takes ~8 s
    assert "anchors and aliases" in dict(report.problems)["bomb.md"]
    assert await sources(deps, docs) == {}


async def test_a_symlink_out_of_the_folder_is_not_followed(deps: Deps, tmp_path: Path) -> None:
    secret = write(tmp_path / "elsewhere", "hostname.md", "# Host\n\nprod-db-01 secrets.\n")
    outside_dir = write(tmp_path / "elsewhere" / "more", "deep.md", "# Deep\n\nhidden text.\n")
    docs = tmp_path / "docs"
    write(docs, "open.md", "# Open\n\nEveryone may read this page.\n")
    (docs / "host.md").symlink_to(secret)
    (docs / "more").symlink_to(outside_dir.parent, target_is_directory=True)
    write(docs, "real.md", "# Real\n\nA real page in the folder.\n")
    (docs / "alias.md").symlink_to(docs / "real.md")  # inside the folder: fine
    report = await ingest(deps, [docs])
    assert dict(report.problems)["host.md"] == "a link to outside the folder"
    assert set(await sources(deps, docs)) == {"open.md", "real.md", "alias.md"}


async def test_ingesting_one_file_touches_that_file_only(deps: Deps, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for n in range(6):
        write(docs, f"page{n}.md", f"# Page {n}\n\nText of page number {n}.\n")
    first = await ingest(deps, [docs])
    assert first.added == 6
    new = write(docs, "new.md", "# New\n\nA new page.\n")
    report = await ingest(deps, [new])
    assert (report.added, report.removed) == (1, 0)
    assert len(await sources(deps, docs)) == 7
    # A folder ingest still removes what is gone from that folder, and only that.
    (docs / "page0.md").unlink()
    sub = docs / "sub"
    write(sub, "inner.md", "# Inner\n\nInner page.\n")
    report = await ingest(deps, [sub])
    assert report.removed == 0
    report = await ingest(deps, [docs])
    assert report.removed == 1
    assert "page0.md" not in await sources(deps, docs)


def test_only_regular_files_are_read_and_never_past_the_limit(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.md"
    with sparse.open("wb") as handle:
        handle.truncate(4 * 1024**3)  # 4 GB, no blocks on disk
    text, _, problem = read_text(sparse)
    assert text is None and "too large" in problem
    assert read_text(Path("/dev/zero"))[2] == "not a regular file"
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    assert read_text(fifo)[2] == "not a regular file"  # and it did not block
    assert read_text(tmp_path)[2] == "not a regular file"
    assert MAX_FILE_BYTES < 4 * 1024**3


async def test_a_device_named_on_the_command_line_is_reported(deps: Deps, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    good = write(docs, "good.md", "# Good\n\nA good page.\n")
    report = await ingest(deps, [Path("/dev/zero"), good])
    problems = dict(report.problems)
    assert "not a supported file type" in problems["zero"]
    assert report.added == 1
