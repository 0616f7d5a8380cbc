"""Pydantic models of the Slack payloads the adapter reads, and body validation.

Only the fields PartnerBot uses are declared (extra fields are ignored), so a
payload Slack extends keeps working and one missing what we need fails loudly.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.core.model import PlaceKind
from bot.slack import ids

logger = logging.getLogger(__name__)


class MalformedPayload(ValueError):
    """A signed request whose body is not a Slack payload we can read (-> HTTP 400)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


#: A Slack id (`U…`, `C…`, `T…`, `E…`): about a dozen characters; longer is not one
#: (and would not fit the tables that keep them).
SlackId = Annotated[str, Field(min_length=1, max_length=255)]


class SlashCommand(_Model):
    command: str
    text: str = ""
    user_id: SlackId
    user_name: str = ""
    channel_id: SlackId
    channel_name: str = ""
    team_id: SlackId | None = None
    enterprise_id: SlackId | None = None
    trigger_id: str | None = None
    response_url: str | None = None


class MessageEvent(_Model):
    type: str
    channel: SlackId
    user: SlackId | None = None
    text: str = ""
    ts: str
    thread_ts: str | None = None
    channel_type: str | None = None
    subtype: str | None = None
    bot_id: str | None = None
    user_team: SlackId | None = None
    team: SlackId | None = None


class EventEnvelope(_Model):
    type: str
    event_id: str | None = None
    team_id: SlackId | None = None
    is_ext_shared_channel: bool = False
    event: dict[str, Any] | None = None


class _User(_Model):
    id: SlackId
    team_id: SlackId | None = None
    name: str = ""
    username: str = ""


class _Id(_Model):
    id: SlackId


class _Container(_Model):
    message_ts: str | None = None
    channel_id: SlackId | None = None
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


class StateElement(_Model):
    """One input's value in `view.state.values` (which key is set depends on the input)."""

    value: str | None = None
    selected_option: dict[str, Any] | None = None
    selected_options: list[dict[str, Any]] | None = None
    selected_date: str | None = None


class _State(_Model):
    values: dict[str, dict[str, StateElement]] = {}


class _View(_Model):
    type: str
    callback_id: str = ""
    private_metadata: str = ""
    state: _State = _State()
    app_installed_team_id: str | None = None


class ViewSubmission(_Model):
    type: str
    user: _User
    team: _Id | None = None
    view: _View
    trigger_id: str | None = None


class OpenFormValue(_Model):
    """The value of an OPEN_FORM button: the command to run again."""

    c: str
    t: str = ""
    th: str | None = None
    mi: str | None = None


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
    except (ValidationError, RecursionError) as exc:
        raise MalformedPayload(f"not a Slack {model.__name__} payload") from exc


def open_form_value(value: str) -> OpenFormValue:
    """The OPEN_FORM button value, or raise MalformedPayload."""
    try:
        return OpenFormValue.model_validate_json(value)
    except (ValidationError, RecursionError) as exc:
        raise MalformedPayload("bad open-form button value") from exc


#: bolt context key of the slash command `bolt_request` validated, so the listener
#: does not validate it again.
SLASH_COMMAND_KEY = "partnerbot_slash_command"


#: Payload types PartnerBot answers (besides slash commands and `ssl_check`). Bolt
#: itself answers `url_verification`; anything else (legacy `interactive_message`,
#: dialogs, shortcuts we never declared) is refused before bolt's matchers read it.
HANDLED_TYPES = frozenset(
    {"event_callback", "block_actions", "view_submission", "url_verification", "app_rate_limited"}
)


#: What bolt's own readers raise on a payload whose fields have unexpected types.
SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError)


def parse_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """A Slack request body as a dict: JSON, or a form whose `payload` *field* (not any
    occurrence of the word) holds JSON. Bolt's own parser looks for the substring
    "payload", so `/ask what is the max payload size?` would be read as a broken
    interactivity payload.

    Raises:
        MalformedPayload: the body is not JSON / a form we can read, or not an object.
    """
    try:
        if content_type == "application/json" or raw.startswith("{"):
            body = json.loads(raw)
        else:
            form = dict(parse_qsl(raw, keep_blank_values=True))
            body = json.loads(form["payload"]) if "payload" in form else form
    except (ValueError, RecursionError) as exc:  # bad JSON, or nested too deep to read
        raise MalformedPayload("unreadable body") from exc
    if not isinstance(body, dict):
        raise MalformedPayload("body is not an object")
    return body


def bolt_request(raw: str, *, query: str = "", headers: Mapping[str, str]) -> AsyncBoltRequest:
    """The bolt request for a signed Slack body, parsed once by `parse_body`, or raise
    MalformedPayload when the body is not a Slack payload we can read."""
    request = AsyncBoltRequest(body="", query=query, headers=headers)  # type: ignore[arg-type]
    body = parse_body(raw, request.content_type)
    command = check_body(body)
    # Bolt offers no way to hand it a parsed body in HTTP mode; these are the two
    # attributes its constructor would have filled from `raw`.
    request.raw_body, request.body = raw, body
    try:
        request.context = build_async_context(request.context, body)
    except SHAPE_ERRORS as exc:  # bolt reads ids from fields of unexpected types
        raise MalformedPayload(f"unreadable fields ({type(exc).__name__})") from exc
    if command is not None:
        request.context[SLASH_COMMAND_KEY] = command
    return request


def check_body(body: object) -> SlashCommand | None:
    """Raise MalformedPayload unless `body` has the shape of a payload we handle;
    a slash command comes back validated."""
    if not isinstance(body, dict) or not body:
        raise MalformedPayload("body is not an object")
    if "command" in body:
        return parse(SlashCommand, body)
    kind = body.get("type")
    if kind == "event_callback":
        envelope = parse(EventEnvelope, body)
        if not isinstance(envelope.event, dict) or not isinstance(envelope.event.get("type"), str):
            raise MalformedPayload("event_callback without an event")
    elif kind == "block_actions":
        actions = parse(BlockActions, body)
        action = actions.actions[0]
        if action.action_id == ids.OPEN_FORM:
            open_form_value(action.value or "")
    elif kind == "view_submission":
        parse(ViewSubmission, body)
    elif (not isinstance(kind, str) or kind not in HANDLED_TYPES) and "ssl_check" not in body:
        raise MalformedPayload(f"not a payload type PartnerBot handles ({str(kind)[:40]!r})")
    return None
