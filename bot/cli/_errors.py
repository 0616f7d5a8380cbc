"""Expected errors -> one line on stderr and an exit code (never a traceback)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bot.core.errors import InvalidInput, NotAllowed, NotFound


class CliError(Exception):
    """A failure the command line reports as one line, with an exit code."""

    def __init__(self, message: str, *, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Outcome:
    code: int = 0


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


@contextmanager
def handled_errors() -> Iterator[Outcome]:
    """Run a command body; map PartnerBot's expected errors to stderr + exit code."""
    outcome = Outcome()
    try:
        yield outcome
    except InvalidInput as exc:
        for field, message in exc.field_errors.items():
            _error(f"{field}: {message}")
        outcome.code = 2
    except NotAllowed as exc:
        _error(exc.reason)
        outcome.code = 1
    except NotFound as exc:
        _error(f"{exc.kind} {exc.key!r} was not found")
        outcome.code = 1
    except CliError as exc:
        _error(str(exc))
        outcome.code = exc.code
