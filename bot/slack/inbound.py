"""Slack payloads -> neutral `Request`s (plus the Slack-only bits a reply needs).

Pure functions over the parsed body; the listeners in commands/events/actions/views
call them with the installation's identity (`Home`) taken from bolt's context.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bot.core import logcontext
from bot.core.model import (
    Actor,
    ButtonClick,
    Command,
    FormSubmit,
    Place,
    PlaceKind,
    Request,
)
from bot.slack.mrkdwn import from_slack
from bot.slack.payloads import (
    BlockActions,
    EventEnvelope,
    FormOrigin,
    MalformedPayload,
    MessageEvent,
    SlashCommand,
    StateElement,
    ViewSubmission,
    parse,
)

logger = logging.getLogger(__name__)

#: Message subtypes that are a person saying something; edits, deletes, joins and bot
#: posts are not requests.
PERSON_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})
METADATA_MAX_CHARS = 3000
#: An edited message: its new text is read (routed only to the thread's owner).
EDITED = "message_changed"


@dataclass(frozen=True)
class Home:
    """The installation that received the payload: its workspace, org and bot user."""

    team_id: str | None
    enterprise_id: str | None = None
    bot_user_id: str | None = None


@dataclass(frozen=True)
class Inbound:
    """A request plus what only Slack needs to answer it."""

    request: Request
    trigger_id: str | None = None
    response_url: str | None = None
    source_ephemeral: bool = False
    event_id: str | None = None


def _bound(inbound: Inbound) -> Inbound:
    """Name the request in every log line written while it is handled (the work it
    starts runs in tasks that copy this context)."""
    request = inbound.request
    logcontext.bind(
        platform="slack",
        channel=request.place.channel_id,
        request_id=inbound.event_id or request.place.message_id or inbound.trigger_id,
        partner=None,
    )
    return inbound


def place_kind(channel_id: str, *, channel_type: str | None = None, name: str = "") -> PlaceKind:
    if channel_type == "im" or name == "directmessage" or channel_id.startswith("D"):
        return "dm"
    if channel_type == "mpim" or name.startswith("mpdm-"):
        return "group"
    return "channel"


def is_external(actor_org: str | None, home: Home, *, shared_channel: bool = False) -> bool:
    """True when the actor's workspace (`T…`) or org (`E…`) is not the installation's.

    An actor whose org cannot be told (Grid users in some shared-channel events) counts
    as external in a shared channel: external people are never staff, so unknown is
    treated as the safe side.
    """
    if actor_org is None:
        return shared_channel
    if actor_org.startswith("E"):
        return actor_org != home.enterprise_id
    return actor_org != home.team_id


def _actor(
    user_id: str, org: str | None, home: Home, *, handle: str = "", shared: bool = False
) -> Actor:
    """Slack payloads never carry a display name: clicks, forms and slash commands
    carry the username (kept as `handle`), events nothing (`users.info` fills it in)."""
    return Actor(
        platform="slack",
        user_id=user_id,
        handle=handle,
        is_external=is_external(org, home, shared_channel=shared),
        org_id=org,
    )


def from_command(body: dict[str, Any], home: Home, *, parsed: object = None) -> Inbound:
    """A slash command -> Request(command=Command(name without '/', text)).

    Every `from_*` takes `parsed`, the body as `payloads.bolt_request` validated it
    (when it is the payload model this function reads, it is not validated again)."""
    cmd = parsed if isinstance(parsed, SlashCommand) else parse(SlashCommand, body)
    place = Place(
        platform="slack",
        channel_id=cmd.channel_id,
        kind=place_kind(cmd.channel_id, name=cmd.channel_name),
        team_id=home.team_id or cmd.team_id,
    )
    text = from_slack(cmd.text).strip()
    request = Request(
        actor=_actor(cmd.user_id, cmd.team_id, home, handle=cmd.user_name),
        place=place,
        text=text,
        command=Command(name=cmd.command.lstrip("/").lower(), text=text),
    )
    return _bound(Inbound(request, trigger_id=cmd.trigger_id, response_url=cmd.response_url))


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """Remove the bot's own `<@U…>` mention(s) from message text."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return " ".join(text.split(" ")).strip()


def from_message(
    body: dict[str, Any], home: Home, *, mentioned: bool, parsed: object = None
) -> Inbound | None:
    """An app_mention or message event -> Request; None for messages that are not a
    person talking (bot posts, edits, deletes, joins)."""
    envelope = parsed if isinstance(parsed, EventEnvelope) else parse(EventEnvelope, body)
    event = parse(MessageEvent, envelope.event)
    edited = event.subtype == EDITED and isinstance((envelope.event or {}).get("message"), dict)
    if edited:
        inner = dict((envelope.event or {})["message"])
        inner.setdefault("channel", event.channel)
        inner.setdefault("channel_type", event.channel_type)
        inner.pop("subtype", None)
        event = parse(MessageEvent, inner)
    if event.bot_id is not None or event.user is None or event.subtype not in PERSON_SUBTYPES:
        return None
    thread_id = event.thread_ts if event.thread_ts and event.thread_ts != event.ts else None
    place = Place(
        platform="slack",
        channel_id=event.channel,
        kind=place_kind(event.channel, channel_type=event.channel_type),
        thread_id=thread_id,
        team_id=home.team_id or envelope.team_id,
        message_id=event.ts,
    )
    org = event.user_team or (event.team if not envelope.is_ext_shared_channel else None)
    text = from_slack(strip_mention(event.text, home.bot_user_id))
    request = Request(
        actor=_actor(event.user, org, home, shared=envelope.is_ext_shared_channel),
        place=place,
        text=text,
        mentioned=mentioned,
        edited=edited,
    )
    return _bound(Inbound(request, event_id=envelope.event_id))


def from_action(body: dict[str, Any], home: Home, *, parsed: object = None) -> Inbound:
    """The first action of a block_actions payload -> Request(click=ButtonClick)."""
    payload = parsed if isinstance(parsed, BlockActions) else parse(BlockActions, body)
    action = payload.actions[0] if payload.actions else None
    if action is None:
        raise MalformedPayload("block_actions without an action")
    value = action.value
    if value is None and action.selected_option is not None:
        value = str(action.selected_option.get("value", ""))
    container = payload.container
    message = payload.message or {}
    channel_id = (payload.channel.id if payload.channel else None) or container.channel_id or ""
    message_ts = container.message_ts or message.get("ts")
    thread_ts = container.thread_ts or message.get("thread_ts")
    place = Place(
        platform="slack",
        channel_id=channel_id,
        kind=place_kind(channel_id),
        thread_id=thread_ts if thread_ts and thread_ts != message_ts else None,
        team_id=home.team_id or (payload.team.id if payload.team else None),
        message_id=message_ts,
    )
    user = payload.user
    request = Request(
        actor=_actor(user.id, user.team_id, home, handle=user.username or user.name),
        place=place,
        click=ButtonClick(action_id=action.action_id, value=value or "", message_id=message_ts),
    )
    return _bound(
        Inbound(
            request,
            trigger_id=payload.trigger_id,
            response_url=payload.response_url,
            source_ephemeral=container.is_ephemeral,
        )
    )


def wrap_metadata(metadata: str, place: Place) -> str:
    """private_metadata for a modal opened from `place` (at most 3000 characters)."""
    origin = FormOrigin(
        m=metadata,
        c=place.channel_id,
        t=place.thread_id,
        mi=place.message_id,
        k=place.kind,
        tm=place.team_id,
    )
    wrapped = origin.model_dump_json(exclude_defaults=True)
    if len(wrapped) > METADATA_MAX_CHARS:
        raise ValueError(
            f"form metadata too long for Slack ({len(wrapped)} > {METADATA_MAX_CHARS})"
        )
    return wrapped


def unwrap_metadata(private_metadata: str) -> FormOrigin:
    if not private_metadata:
        return FormOrigin()
    try:
        return FormOrigin.model_validate_json(private_metadata)
    except ValidationError:
        # A view we did not open through wrap_metadata: keep its metadata as is.
        return FormOrigin(m=private_metadata)


def field_value(element: StateElement) -> str | list[str] | None:
    """The value of one input element in `view.state.values`."""
    fields = element.model_fields_set
    if "selected_options" in fields:
        return [str(o.get("value", "")) for o in element.selected_options or []]
    if "selected_option" in fields:
        option = element.selected_option
        return str(option.get("value", "")) if option else None
    if "selected_date" in fields:
        return element.selected_date
    return element.value


def from_view(body: dict[str, Any], home: Home, *, parsed: object = None) -> Inbound:
    """A view_submission -> Request(submit=FormSubmit), placed where the form was opened."""
    payload = parsed if isinstance(parsed, ViewSubmission) else parse(ViewSubmission, body)
    view = payload.view
    origin = unwrap_metadata(view.private_metadata)
    values: dict[str, str | list[str] | None] = {}
    for block_id, elements in view.state.values.items():
        if elements:
            values[block_id] = field_value(next(iter(elements.values())))
    user = payload.user
    channel = origin.c or ""
    place = Place(
        platform="slack",
        channel_id=channel,
        kind=origin.k if channel else "dm",
        thread_id=origin.t,
        team_id=origin.tm or home.team_id,
        message_id=origin.mi,
    )
    request = Request(
        actor=_actor(user.id, user.team_id, home, handle=user.username or user.name),
        place=place,
        submit=FormSubmit(form_id=view.callback_id, values=values, metadata=origin.m),
    )
    return _bound(Inbound(request, trigger_id=payload.trigger_id))
