"""Delivery across real processes (`partnerbot jobs run-due`), counted at the fake
Slack Web API, on a SQLite file and on PostgreSQL.

- Killed with SIGKILL mid-drain: nothing is lost, and at most the one message in flight
  is sent twice. Why at most one: a worker claims a batch (a lease, committed), then for
  each message in turn sends it and only then records it as sent. Killed, it leaves its
  claimed messages leased: nobody sends them until the lease ends (a run within it
  skips them), then they are claimed again. The only message both sent and unrecorded
  is the one whose send was under way (or done, its record not yet committed).
- Two replicas at once: each check-in and each reminder goes out exactly once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core import Reply
from bot.core.delivery import Destination
from bot.core.settings import Settings
from handlers.admin.operators import add_partner, link_partner_channel
from handlers.checkins.schedule import Change, set_by_name
from handlers.deps import Deps
from handlers.notify import queue_reply
from scheduling.outbox import LEASE
from storage import outbox
from storage.engine import create_session_factory
from tests.conftest import FIXED_NOW
from tests.scenarios.slack.fakes import FakeSlackApi
from tests.scheduling.processes import ServedDatabase, run_due, served_database

__all__ = ["served_database"]  # the fixture, used by name

WITHIN_SECONDS = 90


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackApi]:
    fake = FakeSlackApi()
    await fake.start()
    yield fake
    await fake.close()


def _deps(db: ServedDatabase, now: datetime = FIXED_NOW) -> Deps:
    settings = Settings(_env_file=None, database_url=db.url)  # type: ignore[call-arg]
    return Deps(settings=settings, sessions=create_session_factory(db.engine), clock=lambda: now)


async def _finish(process: subprocess.Popen[str]) -> str:
    """Wait for `process` to exit 0; returns its stderr."""
    _, err = await asyncio.to_thread(process.communicate, timeout=WITHIN_SECONDS)
    assert process.returncode == 0, err
    return err


def _posted(api: FakeSlackApi) -> list[str]:
    return [str(c.params["text"]) for c in api.posted()]


async def test_killed_mid_drain_nothing_lost_at_most_the_one_in_flight_twice(
    served_database: ServedDatabase, api: FakeSlackApi, tmp_path: Path
) -> None:
    deps = _deps(served_database)
    texts = [f"message {n:02d}" for n in range(60)]
    async with deps.sessions() as session, session.begin():
        for n, text in enumerate(texts):
            destination = Destination(platform="slack", channel_id=f"C-{n:02d}")
            await queue_reply(session, deps, destination=destination, reply=Reply(text=text))
    api.latency = 0.05  # each send takes a while: the kill lands mid-drain
    url = served_database.url
    start = FIXED_NOW + timedelta(minutes=1)

    first = run_due(start, database_url=url, api=api, cwd=tmp_path)
    await api.wait_for("chat.postMessage", 15, within=WITHIN_SECONDS)
    os.kill(first.pid, signal.SIGKILL)
    await asyncio.to_thread(first.communicate, timeout=WITHIN_SECONDS)
    assert first.returncode == -signal.SIGKILL
    before = _posted(api)
    async with deps.sessions() as session:
        rows = await outbox.list_outbox(session)
    leased = [r for r in rows if r.status == "pending" and r.claimed_by is not None]
    assert leased and len(before) < len(texts)  # killed with a claimed batch half sent

    api.latency = 0
    # Within the dead worker's lease: the messages it claimed are left alone.
    await _finish(run_due(start + LEASE / 2, database_url=url, api=api, cwd=tmp_path))
    early = _posted(api)[len(before) :]
    assert not {r.payload["text"] for r in leased} & set(early)
    # After it: they go out.
    await _finish(run_due(start + 2 * LEASE, database_url=url, api=api, cwd=tmp_path))

    posted = _posted(api)
    assert set(posted) == set(texts)  # nothing lost
    twice = [text for text, n in Counter(posted).items() if n > 1]
    assert len(posted) - len(texts) == len(twice) <= 1
    assert set(twice) <= {before[-1]}  # only the one that was in flight
    async with deps.sessions() as session:
        assert {r.status for r in await outbox.list_outbox(session)} == {"sent"}


MONDAY = datetime(2026, 12, 21, 9, 5, tzinfo=UTC)  # check-ins due 09:00; QBRs (Q4) due
PARTNERS = 12


async def test_two_replicas_send_each_checkin_and_reminder_once(
    served_database: ServedDatabase, api: FakeSlackApi, tmp_path: Path
) -> None:
    deps = _deps(served_database, now=MONDAY - timedelta(days=1))
    for n in range(PARTNERS):
        name = f"Partner {n:02d}"
        await add_partner(deps, name, tier="gold", timezone="UTC", manager=f"slack:UMGR{n:02d}")
        await link_partner_channel(deps, name, platform="slack", channel_id=f"CP{n:02d}")
        await set_by_name(deps, name, Change(cadence="weekly", weekday=0, local_time="09:00"))
    api.latency = 0.01

    replicas = [
        run_due(MONDAY, database_url=served_database.url, api=api, cwd=tmp_path) for _ in range(2)
    ]
    for process in replicas:
        await _finish(process)

    posts = Counter(str(c.params["channel"]) for c in api.posted())
    assert posts == Counter(
        {
            **{f"CP{n:02d}": 1 for n in range(PARTNERS)},
            **{f"D0UMGR{n:02d}": 1 for n in range(PARTNERS)},
        }
    )
    checkins = [c for c in api.posted() if str(c.params["channel"]).startswith("CP")]
    assert all("What moved since last time?" in c.block_text() for c in checkins)
    qbrs = [c for c in api.posted() if str(c.params["channel"]).startswith("D0")]
    assert all("Quarterly business review" in c.block_text() for c in qbrs)
    async with deps.sessions() as session:
        rows = await outbox.list_outbox(session)
    assert len(rows) == 2 * PARTNERS and {r.status for r in rows} == {"sent"}
