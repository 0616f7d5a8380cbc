"""Proactive Teams messages through the real CloudAdapter and the fake connector: a
conversation the bot was removed from (403) or that is gone (404) fails for good with
the reason, the later messages to it are not tried again, and the rest go out."""

from __future__ import annotations

import pytest

from bot.core import Reply
from bot.core.delivery import Destination
from handlers.deps import Deps
from handlers.notify import queue_reply
from scheduling.outbox import deliver_due
from storage import outbox
from tests.conftest import FIXED_NOW
from tests.scenarios.teams.fakes import ALICE, CHANNEL_ID, TeamsDriver


@pytest.mark.parametrize("status", [403, 404])
async def test_a_conversation_the_bot_left_fails_for_good_and_the_rest_goes_out(
    teams: TeamsDriver, deps: Deps, status: int
) -> None:
    await teams.channel("help", user=ALICE)  # the bot learns both conversations
    await teams.personal("help", user=ALICE)
    async with deps.sessions() as session, session.begin():
        for n in range(3):
            for destination in (
                Destination(platform="teams", channel_id=CHANNEL_ID),
                Destination(platform="teams", user_id=ALICE.id),
            ):
                await queue_reply(session, deps, destination=destination, reply=Reply(f"#{n}"))
    teams.mark()
    teams.connector.fail_next(status)

    report = await deliver_due(deps, now=FIXED_NOW, per_channel_interval=0)

    assert (report.sent, report.retried, report.failed) == (3, 0, 3)
    sent = teams.since()
    assert [s.text for s in sent] == ["#0", "#1", "#2"]
    assert {s.conversation_id for s in sent} == {teams.personal_conversation(ALICE)}
    async with deps.sessions() as session:
        failed = await outbox.list_failed(session)
    assert {row.channel_id for row in failed} == {CHANNEL_ID}
    assert all(f"answered {status}" in (row.last_error or "") for row in failed)
    assert [row.attempts for row in failed] == [0, 0, 1]  # newest first: one was tried
