"""Slash commands: /register-deal, /deals, /ask, /partnerbot -> neutral Command.

A slash command's HTTP response may itself carry an ephemeral message, and that is
the cheapest and most robust way to answer the person who typed it: no Web API call,
and it works in shared channels the bot was never added to. So the command is
dispatched before the ack, within a budget well inside Slack's 3 s: the first
"only you" reply goes back in the ack and the rest (forms, channel messages) are sent
right after it. Work that overruns the budget (an LLM answer, say) is acked empty
and delivered when it is done.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.errors import InvalidInput
from bot.core.model import Reply
from bot.slack.flow import deliver_or_fail, home_of, input_error_reply
from bot.slack.inbound import Inbound, from_command
from bot.slack.payloads import PAYLOAD_KEY
from bot.slack.render import ephemeral_response
from bot.slack.tasks import Tasks, done_within
from handlers import messages, router
from handlers.deps import Deps

logger = logging.getLogger(__name__)

#: Every top-level command except `help` is a slash command (manifest/slack.yml
#: declares the same list; a test keeps them in step).
SLASH_COMMANDS = tuple(f"/{name}" for name in router.TOP_LEVEL if name != "help")
#: One listener for every command: bolt tries listeners in turn, so four listeners
#: would cost four matcher calls on the hottest path.
_ANY_OF_OUR_COMMANDS = re.compile("^(?:" + "|".join(map(re.escape, SLASH_COMMANDS)) + ")$")
#: How long the handler may run before the ack goes out without its answer.
ACK_BUDGET_SECONDS = 1.5


async def replies_for(deps: Deps, inbound: Inbound) -> list[Reply]:
    """The command's replies; input errors and failures become replies too (this is
    the error boundary of command handling: the traceback is logged, the person gets
    one neutral apology)."""
    try:
        return await router.dispatch(inbound.request, deps)
    except InvalidInput as exc:
        return [input_error_reply(exc)]
    except Exception:  # boundary (STYLE rule 16)
        request = inbound.request
        logger.exception(
            "Slack command %s failed (user %s, channel %s)",
            request.command.name if request.command else "?",
            request.actor.user_id,
            request.place.channel_id,
        )
        return [Reply(text=messages.APOLOGY, visibility="only_actor")]


def split_inline(replies: list[Reply]) -> tuple[Reply | None, list[Reply]]:
    """The reply that can travel in the ack (the first one only the actor sees that is
    not a form), and the others."""
    for i, reply in enumerate(replies):
        if reply.visibility == "only_actor" and reply.form is None:
            return reply, replies[:i] + replies[i + 1 :]
    return None, replies


async def _late(work: asyncio.Task[list[Reply]], client: AsyncWebClient, inbound: Inbound) -> None:
    await deliver_or_fail(client, inbound, await work)


def register(bolt_app: AsyncApp, deps: Deps, *, tasks: Tasks) -> None:
    """Listen for our slash commands."""

    async def on_command_any(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> BoltResponse | None:
        inbound = from_command(body, home_of(context), parsed=context.get(PAYLOAD_KEY))
        work = tasks.spawn(replies_for(deps, inbound), name="slack-command", awaited=True)
        if not await done_within(work, ACK_BUDGET_SECONDS):
            await ack()
            tasks.spawn(_late(work, client, inbound), name="slack-command-late")
            return None
        replies = work.result()
        inline, rest = split_inline(replies)
        if rest:
            tasks.spawn(deliver_or_fail(client, inbound, rest), name="slack-command-replies")
        if inline is None:
            await ack()
            return None
        # The answer is the ack's body (bolt sends a returned BoltResponse as it is).
        return BoltResponse(status=200, body=ephemeral_response(inline))

    bolt_app.command(_ANY_OF_OUR_COMMANDS)(on_command_any)
