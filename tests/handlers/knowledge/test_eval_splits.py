"""bench/kb_splits.py and bench/kb_eval_splits.json, issue 13's tune and test splits:
no question file that is held out is also tuned on, no question is in two splits, and
a split's figures pool the questions of all its files (halves as kb_eval.py --half
asks them), an answer citing none of a question's pages counted apart."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import pytest

from bench.kb_splits import SPLITS, evaluate, load_splits, question_file


def test_every_split_entry_names_a_question_file() -> None:
    for entries in load_splits().values():
        for entry in entries:
            path, _ = question_file(entry)
            assert path.is_file(), entry


def test_no_held_out_file_is_tuned_on_and_no_question_is_in_two_splits() -> None:
    splits = load_splits()
    assert set(splits) == {"explore", "confirm", "held_out"}
    tuned = {entry.partition(":")[0] for name in ("explore", "confirm") for entry in splits[name]}
    held = [entry.partition(":")[0] for entry in splits["held_out"]]
    assert tuned.isdisjoint(held)
    assert all(":" not in entry for entry in splits["held_out"])
    # A file in both tune splits is split in halves: even to explore, odd to confirm.
    for entry in splits["explore"]:
        name, _, half = entry.partition(":")
        others = [e for e in splits["confirm"] if e.partition(":")[0] == name]
        assert others == ([f"{name}:odd"] if half else []), entry
        assert half in ("", "even"), entry
    every = [entry for entries in splits.values() for entry in entries]
    assert not [entry for entry, n in Counter(every).items() if n > 1]


def test_a_split_entry_is_a_name_or_half_of_one() -> None:
    assert question_file("dev7:odd")[1] == "odd"
    assert question_file("test24") == (SPLITS.parent / "kb_eval_test24_questions.json", None)
    with pytest.raises(ValueError, match="NAME:even or NAME:odd"):
        question_file("dev7:first")


def _row(table: list[tuple[str, ...]], label: str) -> tuple[str, ...]:
    return next(row for row in table if row[0] == label)


async def test_a_split_pools_the_questions_of_its_files(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "sso.md").write_text(
        "# Single sign-on\n\nSSO uses OpenID Connect. Okta and Azure AD are supported.\n"
    )
    (corpus / "export.md").write_text(
        "# Exporting results\n\nExperiment results export to CSV from the results tab.\n"
    )
    questions = tmp_path / "questions"
    questions.mkdir()
    one = {
        "answerable": [
            {"q": "does sso use openid connect?", "docs": ["sso.md"], "facts": ["OpenID"]},
            {"q": "can results export to csv?", "docs": ["export.md"]},
            {"q": "is okta supported for sso?", "docs": ["sso.md"]},
        ],
        "unanswerable": ["can we pay in bitcoin?", "is there a dark mode for the mobile app?"],
    }
    two = {
        "answerable": [
            {"q": "export experiment results as csv", "docs": ["export.md"]},
            # Named as answered by the wrong page: answering it from sso.md counts apart.
            {"q": "does sso use openid connect?", "docs": ["export.md"]},
        ],
        "unanswerable": [{"q": "which espresso machine is best?", "near_miss": False}],
    }
    (questions / "kb_eval_one_questions.json").write_text(json.dumps(one))
    (questions / "kb_eval_two_questions.json").write_text(json.dumps(two))
    splits = questions / "splits.json"
    splits.write_text(
        json.dumps({"explore": ["one:even"], "confirm": ["one:odd"], "held_out": ["two"]})
    )
    args = argparse.Namespace(
        splits=splits, only=None, corpus=corpus, embeddings="off", seed=1, per_file=True
    )
    figures = await evaluate(args, f"sqlite+aiosqlite:///{tmp_path / 'kb.db'}")
    table = figures["table"]
    assert _row(table, "metric")[1::2] == (
        "explore (1 files): kb",
        "confirm (1 files): kb",
        "held_out (1 files): kb",
    )
    declined = _row(table, "answerable declined")[1::2]
    refused = _row(table, "unanswerable declined")[1::2]
    # Halves: questions 0 and 2 explore, question 1 confirms; each one unanswerable.
    assert [cell.split(" = ")[0].split("/")[1] for cell in declined] == ["2", "1", "2"]
    assert [cell.split(" = ")[0].split("/")[1] for cell in refused] == ["1", "1", "1"]
    elsewhere = _row(table, "answered, citing no gold page")[1::2]
    assert [cell.split(" = ")[0] for cell in elsewhere] == ["0/2", "0/1", "1/2"]
    assert figures["per_file"]["two"].startswith("answerable declined 0/2")
    assert set(figures["per_file"]) == {"one:even", "one:odd", "two"}
