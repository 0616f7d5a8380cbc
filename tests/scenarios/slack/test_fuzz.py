"""Fuzz /slack/events with seeded mutations of real payloads (tests/scenarios/fuzz.py):
never a 5xx or a logged traceback; an unsigned body changes nothing and calls nothing."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

import pytest

from storage.engine import SessionFactory
from tests.scenarios.fuzz import Mutator, dumps, text
from tests.scenarios.slack.conftest import MakePerson
from tests.scenarios.slack.fakes import BOT_USER, HOME_TEAM, SlackDriver, sign
from tests.scenarios.slack.test_bad_input import _rows

CASES = 250
FORM = "application/x-www-form-urlencoded"

COMMAND = {
    "team_id": HOME_TEAM,
    "channel_id": "C0PARTNER",
    "channel_name": "partner-acme",
    "user_id": "U0REP",
    "user_name": "rita",
    "command": "/deals",
    "text": "open",
    "trigger_id": "t.1",
}
EVENT = {
    "type": "event_callback",
    "team_id": HOME_TEAM,
    "event_id": "Ev1",
    "is_ext_shared_channel": False,
    "event": {
        "type": "app_mention",
        "user": "U0REP",
        "text": f"<@{BOT_USER}> help",
        "ts": "1.1",
        "channel": "C0PARTNER",
        "user_team": HOME_TEAM,
    },
}
CLICK = {
    "type": "block_actions",
    "user": {"id": "U0REP", "team_id": HOME_TEAM, "name": "rita"},
    "team": {"id": HOME_TEAM},
    "channel": {"id": "C0PARTNER"},
    "container": {"message_ts": "1.1", "channel_id": "C0PARTNER"},
    "trigger_id": "t.2",
    "actions": [{"action_id": "menu-help", "value": "", "selected_option": {"value": "x"}}],
}
SUBMIT = {
    "type": "view_submission",
    "user": {"id": "U0REP", "team_id": HOME_TEAM},
    "team": {"id": HOME_TEAM},
    "view": {
        "type": "modal",
        "callback_id": "deal-register",
        "private_metadata": "",
        "state": {
            "values": {
                "company": {"company": {"type": "plain_text_input", "value": "Acme"}},
                "products": {"products": {"selected_options": [{"value": "Platform"}]}},
                "close_date": {"close_date": {"selected_date": "2027-01-01"}},
            }
        },
    },
}


def _case(mutator: Mutator, n: int) -> tuple[str, bytes]:
    """(Content-Type, body) of case `n`: a mutated command, event, click or submission."""
    kind = n % 4
    if kind == 0:
        form = {k: text(v) for k, v in mutator.mutate(COMMAND).items()}
        return mutator.content_type(FORM), mutator.raw(urlencode(form))
    if kind == 1:
        body = dumps(mutator.mutate(EVENT))
        return mutator.content_type("application/json"), mutator.raw(body)
    payload = mutator.mutate(CLICK if kind == 2 else SUBMIT)
    return mutator.content_type(FORM), mutator.raw(urlencode({"payload": dumps(payload)}))


async def _post(slack: SlackDriver, content_type: str, body: bytes, *, signed: bool) -> int:
    ts = str(int(time.time()))
    headers = {"Content-Type": content_type} if content_type else {}
    if signed:
        text = body.decode("utf-8", errors="replace")
        headers["X-Slack-Request-Timestamp"] = ts
        headers["X-Slack-Signature"] = sign(slack.secret, text, ts)
    async with slack._session.post(slack.url, data=body, headers=headers) as response:
        await response.read()
        return response.status


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR or (r.exc_info and r.levelno >= logging.WARNING)
    ]


async def test_garbage_never_gets_a_5xx_and_unsigned_garbage_changes_nothing(
    slack: SlackDriver,
    make_person: MakePerson,
    sessions: SessionFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await make_person("U0REP")
    mutator = Mutator(1234)
    cases = [_case(mutator, n) for n in range(CASES)]
    before = await _rows(sessions)
    caplog.set_level(logging.WARNING)
    unsigned = [await _post(slack, ct, body, signed=False) for ct, body in cases]
    await slack.settle()
    assert set(unsigned) <= {400, 401}
    assert await _rows(sessions) == before
    assert slack.calls() == []

    statuses: dict[int, int] = {}
    for content_type, body in cases:
        status = await _post(slack, content_type, body, signed=True)
        statuses[status] = statuses.get(status, 0) + 1
    await slack.settle()
    assert max(statuses) < 500, statuses
    assert statuses.get(200, 0) > 0, statuses  # some mutations are still fine requests
    assert _tracebacks(caplog) == []


def test_the_cases_are_the_same_on_every_run() -> None:
    assert [_case(Mutator(1234), n) for n in range(8)] == [
        _case(Mutator(1234), n) for n in range(8)
    ]
