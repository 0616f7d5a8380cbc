"""The Slack `Sender` the outbox uses for proactive messages."""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.delivery import Delivered, DeliveryError, Destination
from bot.core.model import Reply
from bot.slack.render import render_reply

logger = logging.getLogger(__name__)

#: Errors Slack may answer with 200 that still mean "try again later".
_TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "service_unavailable", "internal_error", "fatal_error"}
)

#: Errors that mean the channel (or person) no longer takes the bot's messages.
_GONE_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "user_not_found",
        "user_disabled",
    }
)


class SlackSender:
    """Posts a reply to a channel or thread, or to a person's DM (`conversations.open`).

    Raises `DeliveryError`: transient for 429, 5xx and network failures (with the
    `Retry-After` seconds when Slack gave them), permanent otherwise (e.g.
    `channel_not_found`, `not_in_channel`, `invalid_blocks`), and `gone` when the
    channel no longer takes the bot's messages (removed, archived, deleted).
    """

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def send(self, destination: Destination, reply: Reply) -> Delivered:
        rendered = render_reply(reply)
        try:
            channel = destination.channel_id
            if channel is None:
                if destination.user_id is None:
                    raise DeliveryError("destination has neither channel nor user", transient=False)
                opened = await self._client.conversations_open(users=destination.user_id)
                channel = str(opened["channel"]["id"])
            response = await self._client.chat_postMessage(
                channel=channel,
                thread_ts=destination.thread_id,
                text=rendered.text,
                blocks=rendered.blocks,
            )
        except SlackApiError as exc:
            raise _delivery_error(exc) from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise DeliveryError(f"network: {type(exc).__name__}", transient=True) from exc
        return Delivered(
            message_id=str(response["ts"]),
            channel_id=str(response.get("channel") or channel),
            thread_id=destination.thread_id,
        )


def _delivery_error(exc: SlackApiError) -> DeliveryError:
    status = exc.response.status_code
    error = str(exc.response.get("error") or f"http_{status}")
    retry_after: float | None = None
    header = exc.response.headers.get("retry-after") or exc.response.headers.get("Retry-After")
    if header is not None:
        try:
            retry_after = float(header)
        except ValueError:
            retry_after = None
    transient = status == 429 or status >= 500 or error in _TRANSIENT_ERRORS
    return DeliveryError(
        error, transient=transient, retry_after=retry_after, gone=error in _GONE_ERRORS
    )
