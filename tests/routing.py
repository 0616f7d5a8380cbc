"""Test helper: extend (or override) the router's table for one test."""

from __future__ import annotations

from typing import Any

import pytest

from handlers import router
from handlers.routes import Routes


def add_routes(monkeypatch: pytest.MonkeyPatch, **tables: dict[str, Any]) -> None:
    """Route extra commands, actions, forms or thread owners for the current test;
    an entry with an existing key replaces it (the real merge refuses that)."""
    base = router.ROUTES
    merged = {
        name: {**getattr(base, name), **tables.get(name, {})}
        for name in ("commands", "actions", "forms", "threads", "thread_steps")
    }
    # A thread owner given as one kind replaces the same owner of the other kind.
    for name, other in (("threads", "thread_steps"), ("thread_steps", "threads")):
        for owner in tables.get(name, {}):
            merged[other].pop(owner, None)
    monkeypatch.setattr(router, "ROUTES", Routes(**merged))
