"""Per-request logging context (platform, channel, partner, request id) in contextvars.

Adapters call `bind(...)` when a request arrives; `ContextFilter`, installed once by the
command line's logging set-up, copies the values onto every log record so the format
can show them.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

FIELDS = ("platform", "channel", "partner", "request_id")
_VARS: dict[str, ContextVar[str]] = {
    name: ContextVar(f"log_{name}", default="-") for name in FIELDS
}


def bind(**values: str | None) -> None:
    """Set context values for the current task (unknown names raise KeyError)."""
    for name, value in values.items():
        _VARS[name].set(value or "-")


def current() -> dict[str, str]:
    return {name: var.get() for name, var in _VARS.items()}


class ContextFilter(logging.Filter):
    """Adds the context values as record attributes (never filters anything out)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _VARS.items():
            setattr(record, name, var.get())
        return True
