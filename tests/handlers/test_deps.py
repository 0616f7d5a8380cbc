"""Deps' per-process state: results kept a few minutes, bounded."""

from __future__ import annotations

from handlers.deps import RecentResults


def test_recent_results_are_kept_for_a_while_and_bounded() -> None:
    recent = RecentResults(max_items=2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (1, 2, None)
    recent.put("c", 3)  # the oldest one goes
    assert (recent.get("a"), recent.get("c")) == (None, 3)
    stale = RecentResults(keep_seconds=-1.0)
    stale.put("a", 1)
    assert stale.get("a") is None
