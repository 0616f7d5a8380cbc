"""Knowledge answers in the terminal: `ask ...` typed (and piped to `partnerbot shell`)
answers with numbered sources; feedback is a numbered choice; "I don't know" says so."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from bot.shell import run_shell
from handlers.deps import Deps
from handlers.knowledge_ingest import ingest
from storage import kb_questions as question_store
from tests.handlers.kb_world import SAMPLE

ROOT = Path(__file__).resolve().parents[3]


class Typist:
    """Types the given lines, then ends input (like piped stdin)."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)

    async def __call__(self, prompt: str) -> str | None:
        return self.lines.pop(0) if self.lines else None


async def chat(deps: Deps, *lines: str, **options: str) -> str:
    out = Console(file=io.StringIO(), width=200, color_system=None)
    code = await run_shell(deps, console=out, ask=Typist(*lines), **options)  # type: ignore[arg-type]
    assert code == 0
    file = out.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


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
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'kb.db'}", LOG_LEVEL="WARNING")
    env.pop("OPENAI_API_KEY", None)

    def run(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(ROOT / "app.py"), *argv],
            input=stdin,
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    ingested = run("kb", "ingest", str(SAMPLE))
    assert ingested.returncode == 0, ingested.stderr
    result = run("shell", "--as", "partner", stdin="ask which regions store customer data?\n")
    assert result.returncode == 0, result.stderr
    assert "Frankfurt" in result.stdout
    assert "Lumora Overview" in result.stdout
    assert "Traceback" not in result.stderr
