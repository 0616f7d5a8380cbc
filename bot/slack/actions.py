"""Interactivity: any button click (block_actions) -> neutral ButtonClick."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.model import Command
from bot.slack import ids
from bot.slack.flow import answer, home_of
from bot.slack.inbound import Inbound, from_action
from bot.slack.payloads import open_form_value
from bot.slack.tasks import Tasks
from handlers.deps import Deps

logger = logging.getLogger(__name__)

ANY_ACTION = re.compile(r".+")


def reopen(inbound: Inbound) -> Inbound:
    """An OPEN_FORM click -> the original command, now with a trigger_id for the modal.

    Raises:
        MalformedPayload: the button's value is not ours.
    """
    click = inbound.request.click
    value = open_form_value(click.value if click else "")
    place = replace(inbound.request.place, thread_id=value.th, message_id=value.mi)
    command = Command(value.c, value.t) if value.c else None  # "": the sentence, again
    request = replace(
        inbound.request,
        place=place,
        click=None,
        text=value.t,
        command=command,
        mentioned=command is None or inbound.request.mentioned,
    )
    return replace(inbound, request=request)


def register(bolt_app: AsyncApp, deps: Deps, *, tasks: Tasks) -> None:
    """Listen for every block action: ack at once, answer in the background (a modal
    opened from a click is opened right after the ack, well within the trigger's 3 s)."""

    async def on_action_any(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        inbound = from_action(body, home_of(context))
        click = inbound.request.click
        if click is not None and click.action_id == ids.OPEN_FORM:
            inbound = reopen(inbound)
        await ack()
        tasks.spawn(answer(deps, client, inbound), name="slack-action")

    bolt_app.action(ANY_ACTION)(on_action_any)
