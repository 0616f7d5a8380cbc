"""The one `TeamsActivityHandler`: translates each turn and delegates to handlers/."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import ActivityTypes, ChannelAccount
from botbuilder.schema.teams import TeamInfo

from bot.core import Command, Request, logcontext
from bot.core.errors import InvalidInput
from bot.core.net import origin
from bot.teams import inbound, render
from handlers import deliveries as inbound_handlers
from handlers import router
from handlers.deps import Deps

if TYPE_CHECKING:
    from bot.teams.sender import TeamsSender

logger = logging.getLogger(__name__)

#: Activity types whose conversation is worth remembering for proactive messages.
_REMEMBERED = {
    ActivityTypes.message,
    ActivityTypes.conversation_update,
    ActivityTypes.installation_update,
}


class PartnerBotTeams(TeamsActivityHandler):  # type: ignore[misc]
    """PartnerBot on Teams. Overrides only translate (inbound.py), delegate
    (handlers.router.dispatch) and show the answer (render.py)."""

    def __init__(
        self,
        deps: Deps,
        *,
        sender: TeamsSender,
        home_tenant_id: str = "",
        local_mode: bool = False,
    ) -> None:
        self._deps = deps
        self._sender = sender
        self._home_tenant_id = home_tenant_id
        self._local_mode = local_mode

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        conversation_id = activity.conversation.id if activity.conversation is not None else None
        logcontext.bind(
            platform=inbound.PLATFORM,
            channel=inbound.split_conversation_id(conversation_id or "")[0],
            request_id=activity.id,
        )
        uninstalled = str(activity.action or "").startswith("remove")
        if activity.type in _REMEMBERED and activity.conversation is not None and not uninstalled:
            await self._remember(turn_context)
        await super().on_turn(turn_context)

    async def _remember(self, turn_context: TurnContext) -> None:
        """Store the ConversationReference (in the database) on every turn.

        Authenticated turns come from Microsoft with a serviceUrl its token vouches for.
        A local-mode turn proves nothing, so it may store a new reference, or refresh
        one that already points at the same connector host, but never move a stored
        conversation (or a person's 1:1 chat) to another host.
        """
        activity = turn_context.activity
        reference = TurnContext.get_conversation_reference(activity).serialize()
        info = inbound.conversation_info(activity, reference)
        if self._local_mode and await self._moves_elsewhere(info):
            logger.warning(
                "local mode: not moving the stored reference of %s to another host",
                info.conversation_id,
            )
            return
        await inbound_handlers.remember_conversation(
            self._deps,
            inbound.PLATFORM,
            info.conversation_id,
            kind=info.kind,
            reference=info.reference,
            team_id=info.team_id,
            user_id=info.user_id,
        )

    async def _moves_elsewhere(self, info: inbound.ConversationInfo) -> bool:
        wanted = origin(str(info.reference.get("serviceUrl") or ""))
        stored = [
            await inbound_handlers.get_conversation_reference(
                self._deps, inbound.PLATFORM, conversation_id=info.conversation_id
            )
        ]
        if info.user_id is not None:
            stored.append(
                await inbound_handlers.get_conversation_reference(
                    self._deps, inbound.PLATFORM, user_id=info.user_id
                )
            )
        return any(
            found is not None and origin(str(found.get("serviceUrl") or "")) != wanted
            for found in stored
        )

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Typed text, an @mention, or an Action.Submit (a message with `value`)."""
        request = inbound.request_from_activity(
            turn_context.activity, home_tenant_id=self._home_tenant_id
        )
        if request is None:
            return
        await self._answer(turn_context, request)

    async def on_teams_message_edit(self, turn_context: TurnContext) -> None:
        """An edited message (messageUpdate, eventType editMessage): like Slack's
        message_changed, its new text goes only to the owner of its thread (an edited
        survey answer replaces the answer), never as a new question."""
        request = inbound.request_from_activity(
            turn_context.activity, home_tenant_id=self._home_tenant_id
        )
        if request is None or request.click is not None or request.submit is not None:
            return
        await self._answer(turn_context, replace(request, edited=True))

    async def _answer(self, turn_context: TurnContext, request: Request) -> None:
        try:
            replies = await router.dispatch(request, self._deps)
        except InvalidInput as exc:
            await render.send_form_errors(turn_context, request, exc)
            return
        await render.send_replies(turn_context, request, replies, sender=self._sender)

    async def on_teams_members_added_dispatch(
        self,
        members_added: list[ChannelAccount],
        team_info: TeamInfo,
        turn_context: TurnContext,
    ) -> None:
        """The bot (or someone) joined. When the bot is added to a 1:1 chat, say what it
        can do (the help answer); in channels and group chats it stays quiet. (Unlike the
        base class, this asks the connector nothing about the new members.)"""
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient is not None else None
        if not any(member.id == bot_id for member in members_added or ()):
            return
        if inbound.place_kind(activity) != "dm":
            logger.info("added to %s", activity.conversation.id)
            return
        request = Request(
            actor=inbound.actor_from(activity, home_tenant_id=self._home_tenant_id),
            place=inbound.place_from(activity),
            command=Command(name="help"),
        )
        await self._answer(turn_context, request)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        logger.info("installed in %s", turn_context.activity.conversation.id)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        logger.info("uninstalled from %s", turn_context.activity.conversation.id)
