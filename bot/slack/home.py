"""Slack App Home: the caller's scorecard, published with views.publish when they open
the Home tab."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.core import Actor, Place, Request
from bot.slack.render import render_reply
from handlers.deps import Deps
from handlers.digests.home import home_reply

logger = logging.getLogger(__name__)


async def publish_home(deps: Deps, client: AsyncWebClient, user_id: str, channel_id: str) -> None:
    """Never raises: a failure is logged and the tab keeps its last view."""
    try:
        request = Request(
            actor=Actor(platform="slack", user_id=user_id),
            place=Place(platform="slack", channel_id=channel_id, kind="dm"),
        )
        reply = await home_reply(request, deps)
        blocks = render_reply(reply).blocks
        await client.views_publish(user_id=user_id, view={"type": "home", "blocks": blocks})
    except Exception:  # boundary of background work (STYLE rule 16)
        logger.exception("App Home of %s could not be published", user_id)
