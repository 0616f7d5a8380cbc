"""Drives the terminal front door: in-process with typed lines, or as `partnerbot`
subprocesses sharing one SQLite file."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from bot.shell import run_shell
from handlers.deps import Deps

ROOT = Path(__file__).resolve().parents[3]


class Typist:
    """Types the given lines, then ends input (like piped stdin)."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)

    async def __call__(self, prompt: str) -> str | None:
        return self.lines.pop(0) if self.lines else None


async def chat(deps: Deps, *lines: str, **options: str) -> str:
    """Run the shell in-process on `deps`, typing `lines`; returns what it printed."""
    out = Console(file=io.StringIO(), width=200, color_system=None)
    code = await run_shell(deps, console=out, ask=Typist(*lines), **options)  # type: ignore[arg-type]
    assert code == 0
    file = out.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


def run_partnerbot(
    tmp_path: Path,
    *argv: str,
    stdin: str = "",
    database: str = "shell.db",
    log_level: str = "WARNING",
) -> subprocess.CompletedProcess[str]:
    """`python app.py ARGV...` in `tmp_path` on a SQLite file there, with no chat
    platform or LLM configured; `stdin` is piped in."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_", "OPENAI_"))
    }
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / database}", LOG_LEVEL=log_level)
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
