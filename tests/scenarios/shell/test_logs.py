"""The shell keeps logs out of the conversation: records go to a log file, and only a
warning is shown, on its own styled line."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from rich.console import Console

from bot.shell import run_shell
from handlers.deps import Deps
from tests.scenarios.shell.driver import run_partnerbot


def test_info_logs_of_a_turn_go_to_the_log_file_not_the_terminal(tmp_path: Path) -> None:
    # An unanswered question logs "knowledge gap recorded" at INFO during the turn.
    result = run_partnerbot(
        tmp_path,
        "shell",
        "--as",
        "partner",
        stdin="how does deal protection work?\nquit\n",
        log_level="INFO",
    )
    assert result.returncode == 0, result.stderr
    assert "documentation" in result.stdout  # the conversation went on
    log = (tmp_path / "partnerbot-shell.log").read_text()
    assert "knowledge gap recorded" in log
    for shown in (result.stdout, result.stderr):
        assert "knowledge gap recorded" not in shown
    assert " INFO " not in result.stdout


async def test_a_warning_is_shown_on_its_own_styled_line(deps: Deps, tmp_path: Path) -> None:
    lines = ["help", "quit"]

    async def ask(prompt: str) -> str | None:
        logging.getLogger("handlers.example").warning("the outbox is %d behind", 3)
        logging.getLogger("handlers.example").info("a detail nobody needs here")
        return lines.pop(0) if lines else None

    out = Console(file=io.StringIO(), width=200, color_system=None)
    log_file = tmp_path / "shell.log"
    assert await run_shell(deps, console=out, ask=ask, log_file=log_file) == 0
    file = out.file
    assert isinstance(file, io.StringIO)
    printed = file.getvalue().splitlines()
    assert "  ⚠ warning (handlers.example): the outbox is 3 behind" in printed
    assert not any("a detail nobody needs here" in line for line in printed)
    assert "a detail nobody needs here" in log_file.read_text()
    assert all(
        not isinstance(h, logging.FileHandler) or h.baseFilename != str(log_file)
        for h in logging.getLogger().handlers
    )  # the shell's handlers are gone once it returns
