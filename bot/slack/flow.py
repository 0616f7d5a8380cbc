"""What every listener does after the ack: dispatch to handlers, deliver, and be the
error boundary for that work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.errors import InvalidInput
from bot.core.model import Reply
from bot.slack.inbound import Home, Inbound
from bot.slack.outbound import apologize, deliver
from handlers import router
from handlers.deps import Deps

logger = logging.getLogger(__name__)

#: Work on a message slower than this shows PROGRESS_REACTION on it until done.
PROGRESS_AFTER_SECONDS = 1.0
PROGRESS_REACTION = "hourglass_flowing_sand"


def home_of(context: AsyncBoltContext) -> Home:
    """The installation's identity: from auth.test (cached by bolt) or the payload."""
    auth = context.authorize_result
    return Home(
        team_id=(auth.team_id if auth else None) or context.team_id,
        enterprise_id=(auth.enterprise_id if auth else None) or context.enterprise_id,
        bot_user_id=(auth.bot_user_id if auth else None) or context.bot_user_id,
    )


def input_error_reply(exc: InvalidInput) -> Reply:
    lines = "\n".join(f"- {message}" for message in exc.field_errors.values())
    return Reply(text=f"I couldn't read that:\n{lines}", visibility="only_actor")


async def answer(deps: Deps, client: AsyncWebClient, inbound: Inbound) -> None:
    """Dispatch `inbound` and deliver its replies. Never raises: failures are logged
    with their traceback and the person gets one neutral apology."""
    try:
        inbound = await with_display_name(deps, client, inbound)
        async with _progress(client, inbound):
            try:
                replies = await router.dispatch(inbound.request, deps, event_id=inbound.event_id)
            except InvalidInput as exc:
                replies = [input_error_reply(exc)]
            await deliver(client, inbound, replies)
    except Exception:  # boundary of background work (STYLE rule 16)
        await fail(client, inbound)


async def with_display_name(deps: Deps, client: AsyncWebClient, inbound: Inbound) -> Inbound:
    """Events carry only the user's id: the name comes from `users.info`, once per
    person per process (`deps.names`), so people are greeted by name, not id."""
    actor = inbound.request.actor
    if actor.name:
        return inbound

    async def lookup() -> str:
        try:
            user = (await client.users_info(user=actor.user_id)).get("user") or {}
        except (TimeoutError, SlackApiError, OSError):
            logger.warning("users.info failed for %s", actor.user_id)
            return ""
        profile = user.get("profile") or {}
        return str(
            profile.get("display_name") or user.get("real_name") or profile.get("real_name") or ""
        )

    name = await deps.names.get("slack", actor.user_id, lookup)
    if not name:
        return inbound
    request = replace(inbound.request, actor=replace(actor, name=name))
    return replace(inbound, request=request)


@asynccontextmanager
async def _progress(client: AsyncWebClient, inbound: Inbound) -> AsyncIterator[None]:
    """Work on a message that takes longer than PROGRESS_AFTER_SECONDS gets a reaction
    on that message until it is done, whether it succeeded or failed. Quick answers
    (most) cost no extra Web API calls."""
    channel, message = inbound.request.place.channel_id, inbound.request.place.message_id
    if message is None or inbound.request.click is not None:
        yield
        return
    shown = False

    async def show() -> None:
        nonlocal shown
        await asyncio.sleep(PROGRESS_AFTER_SECONDS)
        shown = True
        try:
            await client.reactions_add(channel=channel, timestamp=message, name=PROGRESS_REACTION)
        except Exception:  # progress is a courtesy; never let it fail the answer
            logger.warning("could not add the progress reaction", exc_info=True)

    indicator = asyncio.get_running_loop().create_task(show())
    try:
        yield
    finally:
        indicator.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await indicator
        if shown:
            try:
                await client.reactions_remove(
                    channel=channel, timestamp=message, name=PROGRESS_REACTION
                )
            except Exception:  # a missing reaction must not turn an answer into an error
                logger.warning("could not remove the progress reaction", exc_info=True)


async def deliver_or_fail(client: AsyncWebClient, inbound: Inbound, replies: list[Reply]) -> None:
    """Deliver replies in the background; on failure log and apologise. Never raises."""
    try:
        await deliver(client, inbound, replies)
    except Exception:  # boundary of background work
        await fail(client, inbound)


async def fail(client: AsyncWebClient, inbound: Inbound) -> None:
    request = inbound.request
    logger.exception(
        "Slack request failed (user %s, channel %s)",
        request.actor.user_id,
        request.place.channel_id,
    )
    await apologize(
        client, channel_id=request.place.channel_id or None, user_id=request.actor.user_id
    )
