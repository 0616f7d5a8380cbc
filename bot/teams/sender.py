"""Proactive Teams messages: the `Sender` the outbox uses for platform "teams".

A message reaches a conversation through the ConversationReference stored when the bot
met it (`handlers.deliveries.get_conversation_reference`), with
`CloudAdapter.continue_conversation`. A destination with a `thread_id` goes to that
reply chain (`<channel>;messageid=<root>`); one with only a `user_id` to the stored 1:1
chat with that person. When the bot has never chatted 1:1 with them, `send` opens the
chat (`create_conversation`, with the service URL, bot and tenant of the conversation
heard from last; Teams allows it when the app is installed for the person or in a team
they belong to) and stores its reference.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.core import Reply
from bot.core.delivery import Delivered, DeliveryError, Destination
from bot.teams import inbound, render
from handlers import deliveries as inbound_handlers
from handlers.deps import Deps

logger = logging.getLogger(__name__)

#: Statuses worth retrying (Teams rate-limit guidance: 429, 412, 502, 504; and 5xx).
_TRANSIENT = {408, 412, 429}
#: Statuses that mean the bot was removed from the conversation (or it was deleted).
_GONE = {403, 404}


class TeamsSender:
    """Sends one reply to one Teams destination, or raises `DeliveryError`."""

    def __init__(self, adapter: CloudAdapter, deps: Deps, *, app_id: str) -> None:
        self._adapter = adapter
        self._deps = deps
        self._app_id = app_id

    async def send(self, destination: Destination, reply: Reply) -> Delivered:
        """Deliver `reply` proactively (opening a 1:1 chat with a person if needed).

        Raises:
            DeliveryError: no stored conversation (permanent), or the connector
                refused (transient for 429/5xx/network errors, honouring Retry-After).
        """
        if destination.user_id and not destination.channel_id:
            stored = await inbound_handlers.get_conversation_reference(
                self._deps, "teams", user_id=destination.user_id
            )
            if stored is None:
                return await self._open_chat(destination.user_id, reply)
        return await self.send_stored(destination, reply)

    async def send_stored(self, destination: Destination, reply: Reply) -> Delivered:
        """Deliver `reply` to a conversation the bot has a stored reference for.

        Raises:
            DeliveryError: as `send`; permanent when no reference is stored.
        """
        reference = await self._reference(destination)
        outcome: dict[str, Any] = {}

        async def _callback(turn_context: TurnContext) -> None:
            # Errors are kept, not raised: raised inside the turn they would reach the
            # adapter's on_turn_error, which answers users, not the outbox.
            try:
                response = await turn_context.send_activity(render.reply_activity(reply))
                outcome["id"] = response.id if response is not None else ""
            except Exception as exc:  # boundary: mapped to DeliveryError below
                outcome["error"] = exc

        try:
            await self._adapter.continue_conversation(reference, _callback, self._app_id)
        except Exception as exc:  # boundary: e.g. connector client creation failed
            outcome["error"] = exc
        if "error" in outcome:
            raise _delivery_error(outcome["error"]) from outcome["error"]
        conversation = reference.conversation
        channel_id, thread_id = inbound.split_conversation_id(conversation.id)
        message_id = str(outcome.get("id") or "")
        if thread_id is None and conversation.conversation_type == "channel":
            thread_id = message_id or None  # a post to the bare channel starts a thread
        return Delivered(message_id=message_id, channel_id=channel_id, thread_id=thread_id)

    async def _open_chat(self, user_id: str, reply: Reply) -> Delivered:
        """Create the 1:1 chat with `user_id`, send `reply` there, store its reference."""
        template = await inbound_handlers.get_latest_conversation_reference(self._deps, "teams")
        if template is None:
            raise DeliveryError("no Teams conversation is known yet", transient=False)
        known = ConversationReference().deserialize(template)
        stored_conversation = template.get("conversation")
        tenant_id = (
            str(stored_conversation.get("tenantId") or "") or None
            if isinstance(stored_conversation, dict)
            else None
        )
        parameters = ConversationParameters(
            is_group=False,
            bot=known.bot,
            members=[ChannelAccount(id=user_id)],
            tenant_id=tenant_id,
            channel_data={"tenant": {"id": tenant_id}} if tenant_id else None,
        )
        outcome: dict[str, Any] = {}

        async def _callback(turn_context: TurnContext) -> None:
            try:
                response = await turn_context.send_activity(render.reply_activity(reply))
                outcome["id"] = response.id if response is not None else ""
                outcome["conversation"] = turn_context.activity.conversation.id
            except Exception as exc:  # boundary: mapped to DeliveryError below
                outcome["error"] = exc

        try:
            await self._adapter.create_conversation(
                self._app_id, _callback, parameters, "msteams", known.service_url, None
            )
        except Exception as exc:  # boundary: Teams refused to open the chat
            outcome["error"] = exc
        if "error" in outcome:
            raise _delivery_error(outcome["error"]) from outcome["error"]
        conversation_id = str(outcome["conversation"])
        reference = ConversationReference(
            bot=known.bot,
            user=ChannelAccount(id=user_id),
            conversation=ConversationAccount(
                id=conversation_id, conversation_type="personal", tenant_id=tenant_id
            ),
            channel_id=known.channel_id or "msteams",
            service_url=known.service_url,
        )
        await inbound_handlers.remember_conversation(
            self._deps,
            "teams",
            conversation_id,
            kind="dm",
            reference=reference.serialize(),
            user_id=user_id,
        )
        return Delivered(message_id=str(outcome.get("id") or ""), channel_id=conversation_id)

    async def _reference(self, destination: Destination) -> ConversationReference:
        if destination.channel_id:
            stored = await inbound_handlers.get_conversation_reference(
                self._deps, "teams", conversation_id=destination.channel_id
            )
        elif destination.user_id:
            stored = await inbound_handlers.get_conversation_reference(
                self._deps, "teams", user_id=destination.user_id
            )
        else:
            raise DeliveryError("destination has neither a channel nor a user", transient=False)
        if stored is None:
            where = destination.channel_id or f"1:1 chat with {destination.user_id}"
            raise DeliveryError(f"no stored Teams conversation for {where}", transient=False)
        reference = ConversationReference().deserialize(stored)
        if destination.channel_id and destination.thread_id:
            reference.conversation.id = inbound.thread_conversation_id(
                destination.channel_id, destination.thread_id
            )
        return reference


def _status_of(exc: HttpOperationError) -> tuple[int | None, str | None]:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    headers = getattr(response, "headers", None) or {}
    retry_after = headers.get("Retry-After") if hasattr(headers, "get") else None
    return (int(status) if status is not None else None), retry_after


def _seconds(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _delivery_error(exc: BaseException) -> DeliveryError:
    """Map a connector failure: 429/5xx/network -> transient, anything else permanent."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, HttpOperationError):
        status, retry_after = _status_of(exc)
        transient = status is not None and (status in _TRANSIENT or status >= 500)
        reason = f"Teams connector answered {status}: {exc}"[:500]
        return DeliveryError(
            reason,
            transient=transient,
            retry_after=_seconds(retry_after),
            gone=status in _GONE,
        )
    if isinstance(exc, ClientRequestError | aiohttp.ClientError | asyncio.TimeoutError | OSError):
        return DeliveryError(f"network error: {exc}", transient=True)
    return DeliveryError(f"{type(exc).__name__}: {exc}", transient=False)
