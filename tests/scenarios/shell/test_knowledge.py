"""Knowledge answers in the terminal: `ask ...` typed (and piped to `partnerbot shell`)
answers with numbered sources; feedback is a numbered choice; "I don't know" says so."""

from __future__ import annotations

import subprocess
from pathlib import Path

from handlers.deps import Deps
from handlers.knowledge.ask import HEDGED
from handlers.knowledge.ingest import ingest
from storage import kb_questions as question_store
from tests.handlers.kb_world import (
    HEDGED_QUESTION,
    HEDGED_SOURCE,
    SAMPLE,
    ingest_hedged_pages,
)
from tests.scenarios.shell.driver import chat, run_partnerbot


async def test_ask_answers_with_sources_and_takes_feedback(deps: Deps) -> None:
    await ingest(deps, [SAMPLE])
    text = await chat(deps, "ask is lumora soc 2 certified?", "1", role="partner")
    assert "SOC 2 Type II" in text
    assert "[1] Security and Compliance" in text
    assert "1) Helpful" in text and "2) Not helpful" in text
    assert "Thanks" in text
    async with deps.sessions() as session:
        [question] = await question_store.list_questions(session)
        assert [r.helpful for r in await question_store.list_feedback(session, question.id)] == [
            True
        ]


async def test_an_unanswerable_question_says_so(deps: Deps) -> None:
    await ingest(deps, [SAMPLE])
    text = await chat(deps, "ask can we pay the invoice in bitcoin?", role="partner")
    assert "I couldn't find that in the documentation." in text
    assert "Ask my channel manager" in text


def test_partnerbot_shell_reads_questions_from_stdin(tmp_path: Path) -> None:
    def run(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return run_partnerbot(tmp_path, *argv, stdin=stdin, database="kb.db")

    ingested = run("kb", "ingest", str(SAMPLE))
    assert ingested.returncode == 0, ingested.stderr
    result = run("shell", "--as", "partner", stdin="ask which regions store customer data?\n")
    assert result.returncode == 0, result.stderr
    assert "Frankfurt" in result.stdout
    assert "Lumora Overview" in result.stdout
    assert "Traceback" not in result.stderr


async def test_a_declined_question_names_the_closest_page(deps: Deps) -> None:
    await ingest(deps, [SAMPLE])
    text = await chat(deps, "ask how long is the penetration test summary valid?", role="partner")
    assert "I couldn't find that in the documentation." in text
    assert "Closest pages: Security and Compliance" in text


async def test_an_answer_from_a_next_ranked_page_carries_its_warning(deps: Deps) -> None:
    await ingest_hedged_pages(deps)
    text = await chat(deps, f"ask {HEDGED_QUESTION}", role="partner")
    assert HEDGED in " ".join(text.split())
    assert f"[1] {HEDGED_SOURCE}" in text
    assert "1) Helpful" in text
