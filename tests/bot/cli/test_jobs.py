"""`partnerbot jobs run-due --at`: due work and one outbox delivery, as of a given time."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core import Reply
from bot.core.delivery import Destination
from bot.core.settings import Settings
from handlers.deps import Deps
from handlers.notify import queue_reply
from storage import outbox
from storage.engine import create_engine, create_session_factory
from tests.bot.cli.conftest import cli


def _queue_for(path: Path, not_before: datetime) -> None:
    async def queue() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        deps = Deps(settings=Settings(_env_file=None), sessions=create_session_factory(engine))
        async with deps.sessions() as session, session.begin():
            await queue_reply(
                session,
                deps,
                destination=Destination(platform="slack", channel_id="C1"),
                reply=Reply(text="Your deal expires soon"),
                not_before=not_before,
            )
        await engine.dispose()

    asyncio.run(queue())


def _attempts(path: Path) -> int:
    async def read() -> int:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        async with create_session_factory(engine)() as session:
            (row,) = await outbox.list_outbox(session)
        await engine.dispose()
        return row.attempts

    return asyncio.run(read())


def test_run_due_only_touches_messages_due_at_the_given_time(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli("db", "upgrade") == 0
    capsys.readouterr()
    _queue_for(workdir / "cli.db", datetime(2026, 12, 1, 9, 0, tzinfo=UTC))

    assert cli("jobs", "run-due", "--at", "2026-11-30T09:00:00", "--json") == 0
    before = json.loads(capsys.readouterr().out)
    assert _attempts(workdir / "cli.db") == 0

    assert cli("jobs", "run-due", "--at", "2026-12-01T10:00:00+00:00", "--json") == 0
    after = json.loads(capsys.readouterr().out)

    assert before == {
        "at": "2026-11-30T09:00:00+00:00",
        "queued": {
            "checkins": 0,
            "checkin_reminders": 0,
            "deals_expired": 0,
            "deals_ending": 0,
            "approvals_stalled": 0,
            "deals_quiet": 0,
            "surveys_closed": 0,
            "surveys_recurring": 0,
            "surveys_after_decisions": 0,
            "survey_reminders": 0,
            "digests": 0,
            "qbrs": 0,
            "drafts_expired": 0,
            "events_pruned": 0,
        },
        "sent": 0,
        "retried": 0,
        "failed": 0,
    }
    # Slack is not configured in this process: the message is kept for a later run.
    assert (after["sent"], after["retried"]) == (0, 1)
    assert _attempts(workdir / "cli.db") == 1


def test_run_due_rejects_a_time_that_is_not_iso(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli("jobs", "run-due", "--at", "next tuesday")
    assert exited.value.code == 2
    assert "not an ISO time" in capsys.readouterr().err
