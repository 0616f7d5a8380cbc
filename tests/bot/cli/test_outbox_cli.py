"""`partnerbot outbox failed [--json]`: the deliveries that failed for good, with the
reason, newest first; nothing else (sent or still retrying) is listed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

import app
from bot.core import Reply
from bot.core.delivery import Delivered, DeliveryError, Destination
from bot.core.settings import Settings
from handlers.notify import queue_reply
from scheduling.outbox import deliver_due
from tests.bot.cli.conftest import cli


class GoneChannels:
    """A sender for which C-GONE was deleted and C-DOWN is briefly unavailable."""

    async def send(self, destination: Destination, reply: Reply) -> Delivered:
        if destination.channel_id == "C-GONE":
            raise DeliveryError("channel_not_found", transient=False, gone=True)
        if destination.channel_id == "C-DOWN":
            raise DeliveryError("service_unavailable", transient=True)
        return Delivered(message_id="1", channel_id=destination.channel_id or "")


async def _seed() -> None:
    deps = app.build_deps(Settings(_env_file=None))  # type: ignore[call-arg]
    deps.senders["slack"] = GoneChannels()
    try:
        async with deps.sessions() as session, session.begin():
            for channel, text in (("C-GONE", "Check-in: Acme"), ("C-OK", "hello")):
                await queue_reply(
                    session,
                    deps,
                    destination=Destination(platform="slack", channel_id=channel),
                    reply=Reply(text=text),
                )
            await queue_reply(
                session,
                deps,
                destination=Destination(platform="slack", channel_id="C-DOWN"),
                reply=Reply(title="Reminder", text="later"),
            )
        await deliver_due(deps, per_channel_interval=0)
    finally:
        await deps.sessions.kw["bind"].dispose()


def test_failed_deliveries_with_their_reason(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("db", "upgrade") == 0
    asyncio.run(_seed())
    capsys.readouterr()

    assert cli("outbox", "failed", "--json") == 0
    [failed] = json.loads(capsys.readouterr().out)
    assert failed["destination"] == "C-GONE" and failed["platform"] == "slack"
    assert failed["reason"] == "channel_not_found" and failed["attempts"] == 1
    assert failed["summary"] == "Check-in: Acme"

    assert cli("outbox", "failed") == 0
    table = capsys.readouterr().out  # rich folds long cells in a narrow terminal
    assert "Failed deliveries (1)" in table and "C-DOWN" not in table


def test_nothing_failed_is_an_empty_list(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("outbox", "failed", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []
