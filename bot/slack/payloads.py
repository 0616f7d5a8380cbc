"""Pydantic models of the Slack payloads the adapter reads, and body validation.

Only the fields PartnerBot uses are declared (extra fields are ignored), so a
payload Slack extends keeps working and one missing what we need fails loudly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.core.model import PlaceKind

logger = logging.getLogger(__name__)


class MalformedPayload(ValueError):
    """A signed request whose body is not a Slack payload we can read (-> HTTP 400)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SlashCommand(_Model):
    command: str
    text: str = ""
    user_id: str
    user_name: str = ""
    channel_id: str
    channel_name: str = ""
    team_id: str | None = None
    enterprise_id: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None


class MessageEvent(_Model):
    type: str
    channel: str
    user: str | None = None
    text: str = ""
    ts: str
    thread_ts: str | None = None
    channel_type: str | None = None
    subtype: str | None = None
    bot_id: str | None = None
    user_team: str | None = None
    team: str | None = None


class EventEnvelope(_Model):
    type: str
    event_id: str | None = None
    team_id: str | None = None
    is_ext_shared_channel: bool = False
    event: dict[str, Any] | None = None


class _User(_Model):
    id: str
    team_id: str | None = None
    name: str = ""
    username: str = ""


class _Id(_Model):
    id: str


class _Container(_Model):
    message_ts: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    is_ephemeral: bool = False


class _Action(_Model):
    action_id: str
    value: str | None = None
    selected_option: dict[str, Any] | None = None


class BlockActions(_Model):
    type: str
    user: _User
    team: _Id | None = None
    channel: _Id | None = None
    container: _Container = _Container()
    message: dict[str, Any] | None = None
    actions: list[_Action] = Field(min_length=1)
    trigger_id: str | None = None
    response_url: str | None = None
    is_enterprise_install: bool = False


class _View(_Model):
    callback_id: str = ""
    private_metadata: str = ""
    state: dict[str, Any] = {}
    app_installed_team_id: str | None = None


class ViewSubmission(_Model):
    type: str
    user: _User
    team: _Id | None = None
    view: _View
    trigger_id: str | None = None


class FormOrigin(_Model):
    """What a modal's private_metadata carries: the form's own metadata and where the
    form was opened, so the submission's replies go back there."""

    m: str = ""
    c: str | None = None
    t: str | None = None
    mi: str | None = None
    k: PlaceKind = "channel"
    tm: str | None = None


_M = TypeVar("_M", bound=_Model)


def parse(model: type[_M], data: object) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise MalformedPayload(f"not a Slack {model.__name__} payload") from exc


#: bolt context key of the payload `bolt_request` validated (a SlashCommand,
#: BlockActions, ViewSubmission or EventEnvelope), so the listener does not
#: validate it again.
PAYLOAD_KEY = "partnerbot_payload"


def bolt_request(raw: str, *, query: str = "", headers: Mapping[str, str]) -> AsyncBoltRequest:
    """The bolt request for a signed Slack body (bolt parses it, once), or raise
    MalformedPayload when the body is not a Slack payload we can read."""
    try:
        request = AsyncBoltRequest(body=raw, query=query, headers=headers)  # type: ignore[arg-type]
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        # bolt's parser: bad JSON (ValueError), or a JSON value that is not an object
        raise MalformedPayload("unreadable body") from exc
    payload = check_body(request.body)
    if payload is not None:
        request.context[PAYLOAD_KEY] = payload
    return request


def check_body(body: object) -> _Model | None:
    """Raise MalformedPayload unless `body` has the shape of a payload we handle;
    the payloads the listeners read come back validated."""
    if not isinstance(body, dict) or not body:
        raise MalformedPayload("body is not an object")
    if "command" in body:
        return parse(SlashCommand, body)
    kind = body.get("type")
    if kind == "event_callback":
        envelope = parse(EventEnvelope, body)
        if not isinstance(envelope.event, dict) or "type" not in envelope.event:
            raise MalformedPayload("event_callback without an event")
        return envelope
    if kind == "block_actions":
        return parse(BlockActions, body)
    if kind == "view_submission":
        return parse(ViewSubmission, body)
    if not isinstance(kind, str) and body.get("ssl_check") is None:
        raise MalformedPayload("no payload type")
    return None
