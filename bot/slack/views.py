"""Modal submissions (view_submission) -> neutral FormSubmit.

Unlike clicks, a submission is answered *in* the ack: field errors must go back as
`response_action: errors` (keyed by block_id == Field.name), a follow-up form as
`response_action: update`. So the handler runs before the ack, within a budget; if it
takes longer the modal is closed and the work finishes in the background.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.errors import InvalidInput
from bot.core.model import Reply
from bot.slack.flow import deliver_or_fail, fail, home_of, input_error_reply
from bot.slack.inbound import Inbound, from_view, wrap_metadata
from bot.slack.modal import render_form
from bot.slack.mrkdwn import truncate
from bot.slack.outbound import apologize, deliver
from bot.slack.payloads import PAYLOAD_KEY
from bot.slack.tasks import Tasks, done_within
from handlers import router
from handlers.deps import Deps

logger = logging.getLogger(__name__)

ANY_VIEW = re.compile(r".+")
#: Time the handler gets before the ack goes out without it (Slack waits 3 s in all).
ACK_BUDGET_SECONDS = 2.0
ERROR_TEXT_CHARS = 2000


def field_errors(errors: dict[str, str], block_ids: list[str]) -> dict[str, str]:
    """Errors keyed by the view's block ids. Slack rejects an unknown block id, so an
    error for a field the view lacks is shown on its first input instead."""
    mapped: dict[str, str] = {}
    stray = []
    for name, message in errors.items():
        if name in block_ids:
            mapped[name] = truncate(message, ERROR_TEXT_CHARS)
        else:
            stray.append(message)
    if stray and block_ids:
        first = block_ids[0]
        mapped[first] = truncate(
            "; ".join([*stray, *([mapped[first]] if first in mapped else [])]), ERROR_TEXT_CHARS
        )
    return mapped


def register(bolt_app: AsyncApp, deps: Deps, *, tasks: Tasks) -> None:
    """Listen for every modal submission."""

    async def on_view_submission(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        inbound = from_view(body, home_of(context), parsed=context.get(PAYLOAD_KEY))
        work = tasks.spawn(router.dispatch(inbound.request, deps), name="slack-view", awaited=True)
        if not await done_within(work, ACK_BUDGET_SECONDS):
            await ack()
            tasks.spawn(_finish_late(work, client, inbound), name="slack-view-late")
            return
        try:
            replies = work.result()
        except InvalidInput as exc:
            block_ids = list((body["view"].get("state") or {}).get("values", {}))
            errors = field_errors(exc.field_errors, block_ids)
            if errors:
                await ack(response_action="errors", errors=errors)
                return
            await ack()
            tasks.spawn(deliver(client, inbound, [input_error_reply(exc)]))
            return
        except Exception:  # boundary: close the modal, apologise in the origin channel
            logger.exception(
                "form %s failed", inbound.request.submit and inbound.request.submit.form_id
            )
            await ack()
            place, actor = inbound.request.place, inbound.request.actor
            tasks.spawn(
                apologize(client, channel_id=place.channel_id or None, user_id=actor.user_id)
            )
            return
        rest = await _ack_with(ack, replies, inbound)
        if rest:
            tasks.spawn(deliver_or_fail(client, inbound, rest), name="slack-view-replies")

    bolt_app.view(ANY_VIEW)(on_view_submission)


async def _ack_with(ack: AsyncAck, replies: list[Reply], inbound: Inbound) -> list[Reply]:
    """Ack the submission; the first reply with a form replaces the modal. Returns
    the replies still to post."""
    for i, reply in enumerate(replies):
        if reply.form is not None:
            view = render_form(
                reply.form,
                private_metadata=wrap_metadata(reply.form.metadata, inbound.request.place),
            )
            await ack(response_action="update", view=view)
            return replies[:i] + replies[i + 1 :]
    await ack()
    return replies


async def _finish_late(
    work: asyncio.Task[list[Reply]], client: AsyncWebClient, inbound: Inbound
) -> None:
    try:
        replies = await work
    except InvalidInput as exc:
        replies = [input_error_reply(exc)]
    except Exception:  # boundary of background work
        await fail(client, inbound)
        return
    await deliver_or_fail(client, inbound, [r for r in replies if r.form is None])
