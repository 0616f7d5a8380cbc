"""Reading the user's lines: a terminal, or piped stdin (so tests can drive the shell)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from rich.console import Console

#: Ask one question; the answer without its newline, or None at end of input.
Ask = Callable[[str], Awaitable[str | None]]


class StdinReader:
    """Reads lines from stdin. Blocking on purpose: the shell has no background work
    while it waits, and a blocking read keeps Ctrl-D/Ctrl-C simple."""

    def __init__(self, console: Console, stream: TextIO | None = None) -> None:
        self._console = console
        self._stream = stream or sys.stdin

    async def __call__(self, prompt: str) -> str | None:
        if self._stream.isatty():
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401  (line editing for input())
            try:
                return input(prompt)  # noqa: ASYNC250 (see the class docstring)
            except EOFError:
                return None
        self._console.print(prompt, end="", markup=False, highlight=False)
        line = self._stream.readline()
        if not line:
            self._console.print()
            return None
        line = line.rstrip("\r\n")
        if not self._console.is_terminal:
            self._console.print(line, markup=False, highlight=False)  # echo piped input
        return line
