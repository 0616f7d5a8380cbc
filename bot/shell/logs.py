"""Logs in the shell: never between the lines of the conversation.

While the shell runs, log records go to a file (with the same format and request
context as the terminal handler they replace), and only warnings and errors are shown
in the terminal, on their own dim yellow line, so they read as notes beside the chat.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.text import Text

#: Used when no terminal handler was configured to copy the format from.
_FALLBACK_FORMAT = "%(asctime)s %(levelname)-7s %(name)s %(message)s"


class ConsoleWarnings(logging.Handler):
    """Warnings and errors as one styled line in the shell's console."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.WARNING)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            self.handleError(record)
            return
        line = Text(f"  ⚠ {record.levelname.lower()} ({record.name}): {message}", "dim yellow")
        self.console.print(line, highlight=False)


def _terminal_handlers(root: logging.Logger) -> list[logging.Handler]:
    streams = {id(s) for s in (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__) if s}
    return [
        h
        for h in root.handlers
        if isinstance(h, logging.StreamHandler)
        and not isinstance(h, logging.FileHandler)
        and id(h.stream) in streams
    ]


class _LogFile(logging.FileHandler):
    """A log file that stays closed: a record from another thread (the SQLite
    driver's) that reaches it after `close` would otherwise reopen and leak it."""

    _closed = False

    def close(self) -> None:
        with self.lock or contextlib.nullcontext():
            self._closed = True
        super().close()

    def emit(self, record: logging.LogRecord) -> None:
        if not self._closed:
            super().emit(record)


@contextlib.contextmanager
def logs_apart(console: Console, log_file: Path | None) -> Iterator[None]:
    """Within the block, logs go to `log_file` (none when None) and warnings to
    `console`; the terminal handlers come back afterwards."""
    root = logging.getLogger()
    terminal = _terminal_handlers(root)
    added: list[logging.Handler] = [ConsoleWarnings(console)]
    if log_file is not None:
        to_file = _LogFile(log_file, encoding="utf-8")
        model = terminal[0] if terminal else None
        to_file.setFormatter(
            model.formatter if model and model.formatter else logging.Formatter(_FALLBACK_FORMAT)
        )
        for context_filter in model.filters if model else ():
            to_file.addFilter(context_filter)
        added.append(to_file)
    for handler in terminal:
        root.removeHandler(handler)
    for handler in added:
        root.addHandler(handler)
    try:
        yield
    finally:
        for handler in added:
            root.removeHandler(handler)
            handler.close()
        for handler in terminal:
            root.addHandler(handler)
