"""The statement timer of `storage._sqlite` leaves garbage collections out."""

from __future__ import annotations

import gc

import pytest

from storage import _cpu


def test_a_collection_during_a_statement_is_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [10.0]
    monkeypatch.setattr(_cpu, "clock", lambda: now[0])
    assert _cpu._track in gc.callbacks
    started = _cpu.cpu_time()
    now[0] += 0.001  # the statement's own work
    _cpu._track("start", {})
    now[0] += 0.005  # a collection that began during it
    _cpu._track("stop", {})
    now[0] += 0.0005
    assert _cpu.cpu_time() - started == pytest.approx(0.0015)


def test_the_thread_time_is_counted_when_no_collection_ran(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [3.0]
    monkeypatch.setattr(_cpu, "clock", lambda: now[0])
    started = _cpu.cpu_time()
    now[0] += 0.004
    assert _cpu.cpu_time() - started == pytest.approx(0.004)
