"""What a hostile or sloppy client sends to /slack/events: never a 5xx or a traceback.

Unsigned oddities (bad encodings, absurd timestamps) are 400 or 401 with one WARNING
line and nothing written; signed but malformed bodies are 400; a slash command whose
text merely contains the word "payload" is a slash command.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.slack import ids
from storage.engine import SessionFactory
from tests.scenarios.slack.conftest import MakePerson
from tests.scenarios.slack.fakes import HOME_TEAM, SlackDriver
from tests.scenarios.slack.test_bad_input import _rows

FORM = "application/x-www-form-urlencoded"
NESTED = "[" * 100_000 + "]" * 100_000


def _warnings_only(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The records at WARNING or above; fails on any ERROR or traceback."""
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in loud), [
        (r.levelname, r.getMessage()) for r in loud
    ]
    return loud


@pytest.mark.parametrize(
    "how",
    ["invalid-utf8", "bogus-charset", "huge-timestamp", "nested-json-unsigned"],
)
async def test_unauthenticated_oddities_are_4xx_with_one_warning(
    slack: SlackDriver,
    make_person: MakePerson,
    sessions: SessionFactory,
    caplog: pytest.LogCaptureFixture,
    how: str,
) -> None:
    await make_person("U0MANAGER", role="manager")
    before = await _rows(sessions)
    caplog.set_level(logging.INFO)
    if how == "invalid-utf8":
        raw = b"command=%2Fdeals&text=\xff\xfe\xfa"
        async with slack._session.post(slack.url, data=raw, headers={"Content-Type": FORM}) as resp:
            status = resp.status
    elif how == "bogus-charset":
        sent = await slack.post("command=%2Fdeals", content_type=f"{FORM}; charset=bogus")
        status = sent.status
    elif how == "huge-timestamp":
        headers = {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": "v0=00"}
        sent = await slack.post(
            "command=%2Fdeals", content_type=FORM, signed=False, headers=headers
        )
        status = sent.status
    else:
        sent = await slack.post(NESTED, content_type="application/json", signed=False)
        status = sent.status
    assert status in (400, 401)
    await slack.settle()
    assert len(_warnings_only(caplog)) == 1
    assert await _rows(sessions) == before
    assert slack.calls() == []


def _view(state: Any, **view: Any) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "user": {"id": "U0REP", "team_id": HOME_TEAM},
        "team": {"id": HOME_TEAM},
        "view": {"type": "modal", "callback_id": "deal-register", "state": state, **view},
    }


SIGNED_MALFORMED = {
    "nested-json": ("application/json", NESTED),
    "nested-payload": (FORM, urlencode({"payload": "[" * 50_000 + "]" * 50_000})),
    "selected-options-string": (
        FORM,
        urlencode(
            {
                "payload": json.dumps(
                    _view({"values": {"products": {"products": {"selected_options": "abc"}}}})
                )
            }
        ),
    ),
    "state-values-null": (FORM, urlencode({"payload": json.dumps(_view({"values": None}))})),
    "view-without-type": (
        FORM,
        urlencode(
            {
                "payload": json.dumps(
                    {
                        "type": "view_submission",
                        "user": {"id": "U0REP"},
                        "view": {"callback_id": "deal-register", "state": {"values": {}}},
                    }
                )
            }
        ),
    ),
    "interactive-message": (
        FORM,
        urlencode(
            {
                "payload": json.dumps(
                    {
                        "type": "interactive_message",
                        "callback_id": "legacy",
                        "actions": [{"name": "x", "value": "y", "type": "button"}],
                        "user": {"id": "U0REP"},
                        "channel": {"id": "C0PARTNER"},
                        "team": {"id": HOME_TEAM},
                    }
                )
            }
        ),
    ),
    "open-form-not-json": (
        FORM,
        urlencode(
            {
                "payload": json.dumps(
                    {
                        "type": "block_actions",
                        "user": {"id": "U0REP", "team_id": HOME_TEAM},
                        "team": {"id": HOME_TEAM},
                        "channel": {"id": "C0PARTNER"},
                        "trigger_id": "t.1",
                        "actions": [{"action_id": ids.OPEN_FORM, "value": "not json"}],
                    }
                )
            }
        ),
    ),
}


@pytest.mark.parametrize("case", list(SIGNED_MALFORMED))
async def test_signed_but_malformed_bodies_are_400(
    slack: SlackDriver, sessions: SessionFactory, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    content_type, body = SIGNED_MALFORMED[case]
    sent = await slack.post(body, content_type=content_type)
    assert sent.status == 400, sent.body
    await slack.settle()
    _warnings_only(caplog)
    assert slack.api.api_calls() == []
    assert (await _rows(sessions))["events"] == 0


@pytest.mark.parametrize(
    ("command", "text", "channel_name"),
    [
        ("/ask", "what is the max payload size?", "partner-acme"),
        ("/register-deal", "Payload Inc payload.io 50k USD", "partner-acme"),
        ("/partnerbot", "help", "payload-team"),
    ],
)
async def test_a_command_mentioning_payload_is_a_command(
    slack: SlackDriver, command: str, text: str, channel_name: str
) -> None:
    sent = await slack.command(command, text, user="U0REP", channel_name=channel_name)
    assert sent.status == 200, sent.body
    await slack.settle()
    # The command was answered: in the ack, or with a modal / message.
    assert sent.message() or slack.api.api_calls()
