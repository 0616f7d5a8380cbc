"""Events API: @mentions, DMs and thread replies -> neutral Requests."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.flow import answer, home_of
from bot.slack.home import publish_home
from bot.slack.inbound import from_message
from bot.slack.payloads import PAYLOAD_KEY
from bot.slack.tasks import Tasks
from handlers.deps import Deps

logger = logging.getLogger(__name__)

#: Any event type: one listener takes every event and picks the handler by type, so
#: events we do not handle are still acknowledged (an unacknowledged event is retried by
#: Slack, and too many failures disable them), and bolt, which tries its listeners in
#: turn and builds each matcher's arguments anew, matches an event once.
ANY_EVENT = re.compile(r".+")


def register(bolt_app: AsyncApp, deps: Deps, *, tasks: Tasks) -> None:
    """Listen for app_mention, message and app_home_opened events; acknowledge every
    other event."""

    async def on_event_app_mention(
        body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if str(body["event"].get("channel", "")).startswith("D"):
            return  # a mention inside a DM also arrives as message.im
        inbound = from_message(
            body, home_of(context), mentioned=True, parsed=context.get(PAYLOAD_KEY)
        )
        if inbound is not None:
            tasks.spawn(answer(deps, client, inbound), name="slack-mention", bounded=True)

    async def on_event_message(
        body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        home = home_of(context)
        inbound = from_message(body, home, mentioned=False, parsed=context.get(PAYLOAD_KEY))
        if inbound is None:
            return
        place = inbound.request.place
        if place.kind != "dm":
            if home.bot_user_id and f"<@{home.bot_user_id}" in str(body["event"].get("text", "")):
                return  # the app_mention event for this message answers it
            if place.thread_id is None:
                return  # channel chatter is not for the bot
        tasks.spawn(answer(deps, client, inbound), name="slack-message", bounded=True)

    async def on_event_app_home_opened(body: dict[str, Any], client: AsyncWebClient) -> None:
        event = body["event"]
        user = str(event.get("user") or "")
        if event.get("tab") != "home" or not user:
            return
        channel = str(event.get("channel") or f"D-{user}")
        tasks.spawn(publish_home(deps, client, user, channel), name="slack-home")

    async def on_event(
        body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        kind = body["event"]["type"]  # payloads.check_body: a string
        if kind == "message":
            await on_event_message(body, client, context)
        elif kind == "app_mention":
            await on_event_app_mention(body, client, context)
        elif kind == "app_home_opened":
            await on_event_app_home_opened(body, client)
        else:
            logger.debug("ignoring Slack event %s", kind)

    bolt_app.event(ANY_EVENT)(on_event)
