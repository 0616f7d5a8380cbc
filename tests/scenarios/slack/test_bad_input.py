"""Requests Slack would never send: bad signatures are 401 and touch nothing;
signed but malformed bodies are 400 and never show a traceback."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from storage import audit, events
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory
from tests.scenarios.slack.conftest import MakePerson
from tests.scenarios.slack.fakes import SlackDriver, sign

FORM = "application/x-www-form-urlencoded"
LINK = urlencode(
    {
        "command": "/partnerbot",
        "text": "link Acme",
        "user_id": "U0MANAGER",
        "channel_id": "C0PARTNER",
        "team_id": "T0HOME",
        "trigger_id": "t.1",
    }
)


async def _rows(sessions: SessionFactory) -> dict[str, int]:
    counts = {}
    async with sessions() as session:
        for name, model in (
            ("people", people_store.Person),
            ("partners", partner_store.Partner),
            ("audit", audit.AuditEntry),
            ("events", events.ProcessedEvent),
        ):
            counts[name] = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    return counts


@pytest.mark.parametrize(
    "how",
    [
        "wrong-secret",
        "tampered-body",
        "stale-timestamp",
        "future-timestamp",
        "no-headers",
        "no-signature",
        "garbage-signature",
    ],
)
async def test_unsigned_requests_are_401_and_change_nothing(
    slack: SlackDriver, make_person: MakePerson, sessions: SessionFactory, how: str
) -> None:
    await make_person("U0MANAGER", role="manager")
    before = await _rows(sessions)
    now = int(time.time())
    if how == "wrong-secret":
        sent = await slack.post(LINK, content_type=FORM, signature=sign("other", LINK, str(now)))
    elif how == "tampered-body":
        signature = sign(slack.secret, LINK, str(now))
        sent = await slack.post(LINK + "+tier%3Dgold", content_type=FORM, signature=signature)
    elif how == "stale-timestamp":
        sent = await slack.post(LINK, content_type=FORM, timestamp=now - 301)
    elif how == "future-timestamp":
        sent = await slack.post(LINK, content_type=FORM, timestamp=now + 301)
    elif how == "no-headers":
        sent = await slack.post(LINK, content_type=FORM, signed=False)
    elif how == "no-signature":
        sent = await slack.post(
            LINK, content_type=FORM, signed=False, headers={"X-Slack-Request-Timestamp": str(now)}
        )
    elif how == "text-timestamp":
        headers = {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}
        sent = await slack.post(LINK, content_type=FORM, signed=False, headers=headers)
    else:
        sent = await slack.post(LINK, content_type=FORM, signature="v0=deadbeef")
    assert sent.status == 401
    assert "Traceback" not in sent.body
    await slack.settle()
    assert await _rows(sessions) == before
    assert slack.calls() == []  # not even auth.test


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", "{not json"),
        ("application/json", "[1, 2]"),
        ("application/json", json.dumps({"type": "event_callback", "event": "nope"})),
        (FORM, "payload=%7Bbroken"),
        (FORM, urlencode({"payload": json.dumps({"type": "block_actions"})})),
        (
            FORM,
            urlencode(
                {
                    "payload": json.dumps(
                        {"type": "block_actions", "user": {"id": "U1"}, "actions": []}
                    )
                }
            ),
        ),
        (FORM, urlencode({"payload": json.dumps({"type": "view_submission", "user": {}})})),
        (FORM, urlencode({"command": "/partnerbot", "text": "help"})),  # no user, channel
        (FORM, ""),
        (FORM, "%%%"),
    ],
    ids=[
        "bad-json",
        "json-list",
        "event-not-object",
        "bad-payload",
        "action-without-user",
        "no-actions",
        "view-without-user",
        "command-without-user",
        "empty",
        "bad-form",
    ],
)
async def test_signed_but_malformed_bodies_are_400(
    slack: SlackDriver, sessions: SessionFactory, content_type: str, body: str
) -> None:
    sent = await slack.post(body, content_type=content_type)
    assert sent.status == 400
    assert sent.json() == {"error": "malformed request"}
    await slack.settle()
    assert await _rows(sessions) == {"people": 0, "partners": 0, "audit": 0, "events": 0}
    assert slack.calls() == []
