"""Fuzz /api/messages with seeded mutations of real activities (tests/scenarios/fuzz.py):
never a 5xx or a logged traceback, in local mode and in authenticated mode; with no
valid token nothing is written and no connector is called."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from azure.core.exceptions import DeserializationError
from msrest.exceptions import HttpOperationError
from sqlalchemy import func, select

from handlers.deps import Deps
from storage import conversations, people
from tests.scenarios.fuzz import Mutator, dumps
from tests.scenarios.teams.fakes import ALICE, BOT_ID, CHANNEL_ID, TeamsDriver
from tests.scenarios.teams.test_hostile_input import authenticated

__all__ = ["authenticated"]

CASES = 150


def _activities(teams: TeamsDriver) -> list[dict[str, Any]]:
    personal = {"id": teams.personal_conversation(ALICE), "conversationType": "personal"}
    channel = {"id": f"{CHANNEL_ID};messageid=p1", "conversationType": "channel", "isGroup": True}
    message = teams._message(teams._base(personal, ALICE), "help", mention=False)
    mention = teams._message(teams._base(channel, ALICE, team=True), "deals", mention=True)
    submit = {
        **teams._base(personal, ALICE),
        "type": "message",
        "replyToId": "m1",
        "value": {"pb_form": "deal-register", "pb_meta": "{}", "company": "Acme"},
    }
    update = {**teams._base(personal, ALICE), "type": "conversationUpdate"}
    update["membersAdded"] = [{"id": BOT_ID}]
    return [message, mention, submit, update]


def _case(mutator: Mutator, seeds: list[dict[str, Any]], n: int) -> bytes:
    activity = mutator.mutate(seeds[n % len(seeds)])
    return mutator.raw(dumps(activity))


async def _rows(deps: Deps) -> tuple[int, int]:
    async with deps.sessions() as session:
        stored = await session.scalar(select(func.count()).select_from(conversations.Conversation))
        known = await session.scalar(select(func.count()).select_from(people.Person))
    return int(stored or 0), int(known or 0)


def _connector_refused(record: logging.LogRecord) -> bool:
    """The turn's error boundary logging the fake connector's refusal of a mangled
    conversation id (it answers 404 in text/plain): the connector's verdict, not ours."""
    error = record.exc_info[1] if record.exc_info else None
    return record.name == "bot.teams.adapter" and isinstance(
        error, HttpOperationError | DeserializationError
    )


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()} {r.exc_info[1] if r.exc_info else ''!r}"
        for r in caplog.records
        if (r.levelno >= logging.ERROR or (r.exc_info and r.levelno >= logging.WARNING))
        and not _connector_refused(r)
    ]


async def _post(teams: TeamsDriver, url: str, body: bytes, headers: dict[str, str]) -> int:
    headers = {"Content-Type": "application/json", **headers}
    async with teams.http.post(url, data=body, headers=headers) as response:
        await response.read()
        return response.status


async def test_garbage_activities_never_get_a_5xx(
    teams: TeamsDriver, deps: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    mutator = Mutator(1234)
    seeds = _activities(teams)
    caplog.set_level(logging.WARNING)
    statuses: dict[int, int] = {}
    for n in range(CASES):
        status = await _post(teams, teams.bot_url, _case(mutator, seeds, n), {})
        statuses[status] = statuses.get(status, 0) + 1
    assert max(statuses) < 500, statuses
    assert any(status < 300 for status in statuses), statuses
    assert _tracebacks(caplog) == []


async def test_garbage_without_a_valid_token_changes_nothing(
    authenticated: tuple[str, Any],
    teams: TeamsDriver,
    deps: Deps,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, token = authenticated
    token.claimed = "https://smba.trafficmanager.net/emea/"  # vouches for another URL
    mutator = Mutator(4321)
    seeds = _activities(teams)
    caplog.set_level(logging.WARNING)
    before = await _rows(deps)
    statuses = {
        await _post(teams, url, _case(mutator, seeds, n), {"Authorization": "Bearer x"})
        for n in range(CASES)
    }
    assert statuses <= {400, 401, 415}, statuses
    assert await _rows(deps) == before
    assert teams.sent() == []
    assert _tracebacks(caplog) == []
