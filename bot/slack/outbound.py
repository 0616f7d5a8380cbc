"""Delivers a request's replies to Slack: messages, ephemerals, updates and modals.

Which Web API call a neutral `Reply` becomes (DESIGN.md table):
- `form` -> `views.open` with the request's trigger_id (a button to open it when the
  request had none, e.g. a mention);
- `replace_original` -> `chat.update` of the clicked message (`response_url` when that
  message was ephemeral);
- `visibility="only_actor"` -> `chat.postEphemeral` (a plain message in a DM);
- `acknowledge` -> `reactions.add` (ACK_REACTION) on the request's message (no post);
- otherwise `chat.postMessage`; in the request's thread, or under its message when
  `in_thread`.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.core.model import Button, Place, Reply
from bot.slack import ids
from bot.slack.inbound import Inbound, wrap_metadata
from bot.slack.modal import render_form
from bot.slack.render import render_reply
from handlers import messages, router

logger = logging.getLogger(__name__)

#: The reaction that acknowledges a message (`Reply.acknowledge`).
ACK_REACTION = "white_check_mark"

#: postEphemeral errors that mean "the bot can't post here" (not a member, a DM between
#: two people, a shared channel it was not added to): the response_url still works.
_NOT_REACHABLE = frozenset({"channel_not_found", "not_in_channel", "user_not_in_channel"})
OPEN_FORM_TEXT_CHARS = 1500


def thread_ts(place: Place, reply: Reply) -> str | None:
    """Replies stay in the thread they were asked in; `in_thread` starts one."""
    if place.thread_id:
        return place.thread_id
    return place.message_id if reply.in_thread else None


async def deliver(client: AsyncWebClient, inbound: Inbound, replies: list[Reply]) -> None:
    """Send every reply for `inbound`, in order. Slack errors propagate (the caller is
    the error boundary)."""
    trigger_id = inbound.trigger_id
    for reply in replies:
        if reply.form is not None:
            if trigger_id:
                view = render_form(
                    reply.form,
                    private_metadata=wrap_metadata(reply.form.metadata, inbound.request.place),
                )
                await client.views_open(trigger_id=trigger_id, view=view)
                trigger_id = None  # a trigger_id can be exchanged once
            else:
                await _send(client, inbound, _open_form_prompt(inbound, reply))
            continue
        await _send(client, inbound, reply)


async def _send(client: AsyncWebClient, inbound: Inbound, reply: Reply) -> None:
    request = inbound.request
    place = request.place
    if reply.acknowledge and place.message_id and place.channel_id:
        try:
            await client.reactions_add(
                channel=place.channel_id, timestamp=place.message_id, name=ACK_REACTION
            )
        except SlackApiError as exc:
            if exc.response.get("error") != "already_reacted":
                raise
        return
    rendered = render_reply(reply)
    message: dict[str, Any] = {"text": rendered.text, "blocks": rendered.blocks}
    if reply.replace_original and request.click is not None:
        if inbound.source_ephemeral or not request.click.message_id:
            await _respond(client, inbound, message, replace_original=True)
        else:
            await client.chat_update(
                channel=place.channel_id, ts=request.click.message_id, **message
            )
        return
    thread = thread_ts(place, reply)
    if not place.channel_id:
        opened = await client.conversations_open(users=request.actor.user_id)
        await client.chat_postMessage(channel=opened["channel"]["id"], **message)
    elif reply.visibility == "only_actor" and place.kind != "dm":
        try:
            await client.chat_postEphemeral(
                channel=place.channel_id, user=request.actor.user_id, thread_ts=thread, **message
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in _NOT_REACHABLE or not inbound.response_url:
                raise
            await _respond(client, inbound, message, replace_original=False)
    else:
        await client.chat_postMessage(channel=place.channel_id, thread_ts=thread, **message)


async def _respond(
    client: AsyncWebClient, inbound: Inbound, message: dict[str, Any], *, replace_original: bool
) -> None:
    if not inbound.response_url:
        logger.warning("no response_url to answer %s", inbound.request.place.channel_id)
        return
    webhook = AsyncWebhookClient(inbound.response_url, session=client.session)
    response = await webhook.send(
        text=message["text"],
        blocks=message["blocks"],
        response_type="ephemeral",
        replace_original=replace_original,
    )
    if response.status_code >= 400:
        logger.warning("response_url answered %s: %s", response.status_code, response.body)


def _open_form_prompt(inbound: Inbound, reply: Reply) -> Reply:
    """A form asked for without a trigger_id (messages carry none): offer a button
    whose click re-runs the same command, with the click's trigger_id. A sentence that
    asked for the form ("I want to register a deal") is re-run as the same sentence."""
    request = inbound.request
    command = request.command or router.parse_command(request.text)
    place = request.place
    value = json.dumps(
        {
            "c": command.name if command is not None else "",
            "t": (command.text if command is not None else request.text)[:OPEN_FORM_TEXT_CHARS],
            "th": place.thread_id,
            "mi": place.message_id,
        }
    )
    label = reply.form.title if reply.form is not None else "Open form"
    return Reply(
        text=reply.text,
        buttons=(Button(label=label, action_id=ids.OPEN_FORM, value=value, style="primary"),),
        visibility="only_actor",
        in_thread=reply.in_thread,
    )


def apology_target(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(channel id, user id) of any Slack payload, for the error boundary."""

    def part(key: str) -> dict[str, Any]:
        value = body.get(key)
        return value if isinstance(value, dict) else {}

    event, user, channel = part("event"), part("user"), part("channel")
    channel_id = body.get("channel_id") or channel.get("id") or event.get("channel")
    user_id = body.get("user_id") or user.get("id") or event.get("user")
    return channel_id, user_id


async def apologize(client: AsyncWebClient, *, channel_id: str | None, user_id: str | None) -> None:
    """Tell the person something went wrong, in neutral words; never raises."""
    if not user_id:
        return
    try:
        if channel_id and not channel_id.startswith("D"):
            await client.chat_postEphemeral(channel=channel_id, user=user_id, text=messages.APOLOGY)
        else:
            target = channel_id or (await client.conversations_open(users=user_id))["channel"]["id"]
            await client.chat_postMessage(channel=target, text=messages.APOLOGY)
    except Exception:  # boundary: the apology itself failed; log it, nothing more to do
        logger.exception("could not send the apology to %s", user_id)
