"""Slack payloads -> neutral Requests (pure parsing, no network)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.model import Place
from bot.slack.inbound import (
    Home,
    from_action,
    from_command,
    from_message,
    from_view,
    is_external,
    unwrap_metadata,
    wrap_metadata,
)

HOME = Home(team_id="T0HOME", enterprise_id="E0HOME", bot_user_id="U0BOT")


def _event(event: dict[str, Any], **envelope: Any) -> dict[str, Any]:
    return {
        "type": "event_callback",
        "event_id": "Ev1",
        "team_id": "T0HOME",
        "event": event,
        **envelope,
    }


def test_slash_command() -> None:
    body = {
        "command": "/partnerbot",
        "text": "link Acme &amp; Co tier=gold",
        "user_id": "U1",
        "user_name": "maria",
        "channel_id": "C1",
        "channel_name": "partner-acme",
        "team_id": "T0HOME",
        "trigger_id": "t.1",
        "response_url": "https://r",
    }
    inbound = from_command(body, HOME)
    request = inbound.request
    assert request.command is not None
    assert (request.command.name, request.command.text) == (
        "partnerbot",
        "link Acme & Co tier=gold",
    )
    assert request.place == Place("slack", "C1", kind="channel", team_id="T0HOME")
    assert request.actor.user_id == "U1" and not request.actor.is_external
    assert (inbound.trigger_id, inbound.response_url) == ("t.1", "https://r")


def test_slash_command_in_a_dm() -> None:
    body = {
        "command": "/deals",
        "user_id": "U1",
        "channel_id": "D1",
        "channel_name": "directmessage",
        "team_id": "T0HOME",
    }
    assert from_command(body, HOME).request.place.kind == "dm"


def test_mention_strips_the_bot_and_keeps_other_mentions() -> None:
    body = _event(
        {
            "type": "app_mention",
            "user": "U1",
            "text": "<@U0BOT> managers add <@U2|bo>",
            "ts": "1.1",
            "channel": "C1",
            "user_team": "T0HOME",
        }
    )
    inbound = from_message(body, HOME, mentioned=True)
    assert inbound is not None
    assert inbound.request.text == "managers add <@U2|bo>"
    assert inbound.request.mentioned
    assert inbound.request.place.message_id == "1.1"
    assert inbound.request.place.thread_id is None
    assert inbound.event_id == "Ev1"


def test_thread_reply_and_dm() -> None:
    reply = _event(
        {
            "type": "message",
            "user": "U1",
            "text": "ok",
            "ts": "2.2",
            "thread_ts": "1.1",
            "channel": "C1",
            "channel_type": "channel",
        }
    )
    inbound = from_message(reply, HOME, mentioned=False)
    assert inbound is not None and inbound.request.place.thread_id == "1.1"
    parent = _event(
        {
            "type": "message",
            "user": "U1",
            "text": "ok",
            "ts": "1.1",
            "thread_ts": "1.1",
            "channel": "C1",
        }
    )
    inbound = from_message(parent, HOME, mentioned=False)
    assert inbound is not None and inbound.request.place.thread_id is None
    dm = _event(
        {
            "type": "message",
            "user": "U1",
            "text": "hi",
            "ts": "3.3",
            "channel": "D1",
            "channel_type": "im",
        }
    )
    inbound = from_message(dm, HOME, mentioned=False)
    assert inbound is not None and inbound.request.place.kind == "dm"


@pytest.mark.parametrize(
    "extra",
    [
        {"subtype": "message_changed"},
        {"subtype": "message_deleted"},
        {"bot_id": "B1"},
        {"subtype": "channel_join"},
        {"user": None},
    ],
)
def test_messages_that_are_not_a_person_talking(extra: dict[str, Any]) -> None:
    event = {"type": "message", "user": "U1", "text": "x", "ts": "1.1", "channel": "C1", **extra}
    assert from_message(_event(event), HOME, mentioned=False) is None


@pytest.mark.parametrize(
    ("org", "shared", "external"),
    [
        ("T0HOME", False, False),
        ("T0OTHER", True, True),
        ("E0HOME", True, False),
        ("E0OTHER", True, True),
        (None, False, False),
        (None, True, True),
    ],
)
def test_is_external(org: str | None, shared: bool, external: bool) -> None:
    assert is_external(org, HOME, shared_channel=shared) is external


def test_guest_mention_in_a_shared_channel_is_external() -> None:
    body = _event(
        {
            "type": "app_mention",
            "user": "U9",
            "text": "<@U0BOT> help",
            "ts": "1.1",
            "channel": "C1",
            "user_team": "T0OTHER",
            "team": "T0HOME",
        },
        is_ext_shared_channel=True,
    )
    inbound = from_message(body, HOME, mentioned=True)
    assert inbound is not None
    assert inbound.request.actor.is_external and inbound.request.actor.org_id == "T0OTHER"


def test_button_click() -> None:
    body = {
        "type": "block_actions",
        "user": {"id": "U1", "team_id": "T0OTHER", "name": "g"},
        "channel": {"id": "C1"},
        "trigger_id": "t.2",
        "response_url": "https://r",
        "container": {"message_ts": "5.5", "thread_ts": "4.4", "is_ephemeral": True},
        "actions": [{"action_id": "deal-approve:7", "value": "7"}],
    }
    inbound = from_action(body, HOME)
    click = inbound.request.click
    assert click is not None
    assert (click.action_id, click.value, click.message_id) == ("deal-approve:7", "7", "5.5")
    assert inbound.request.place.thread_id == "4.4"
    assert inbound.request.actor.is_external
    assert inbound.source_ephemeral and inbound.trigger_id == "t.2"


def test_view_submission_values_and_origin() -> None:
    origin = Place("slack", "C1", thread_id="4.4", team_id="T0HOME", message_id="4.5")
    body = {
        "type": "view_submission",
        "user": {"id": "U1", "team_id": "T0OTHER"},
        "view": {
            "type": "modal",
            "callback_id": "deal-form",
            "private_metadata": wrap_metadata("{}", origin),
            "state": {
                "values": {
                    "company": {"company": {"type": "plain_text_input", "value": "Acme"}},
                    "size": {
                        "size": {"type": "static_select", "selected_option": {"value": "big"}}
                    },
                    "tags": {
                        "tags": {
                            "type": "multi_static_select",
                            "selected_options": [{"value": "a"}, {"value": "b"}],
                        }
                    },
                    "close": {"close": {"type": "datepicker", "selected_date": "2027-01-31"}},
                    "notes": {"notes": {"type": "plain_text_input", "value": None}},
                }
            },
        },
    }
    request = from_view(body, HOME).request
    assert request.submit is not None
    assert request.submit.values == {
        "company": "Acme",
        "size": "big",
        "tags": ["a", "b"],
        "close": "2027-01-31",
        "notes": None,
    }
    assert request.submit.metadata == "{}"
    assert request.place == origin
    assert request.actor.is_external


def test_metadata_round_trip_and_limit() -> None:
    place = Place("slack", "C1", kind="group")
    assert unwrap_metadata(wrap_metadata("m", place)).k == "group"
    assert unwrap_metadata("not ours").m == "not ours"
    with pytest.raises(ValueError, match="too long"):
        wrap_metadata("x" * 3000, place)
