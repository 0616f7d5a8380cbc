"""Neutral replies -> Teams activities, sent in the turn that asked for them.

Decisions per `Reply`:
- a plain text message when no card is needed (`cards.needs_card`), otherwise an
  Adaptive Card (a `Form` becomes a card with inputs);
- replies go to the conversation the request came from; in a channel that conversation
  is already the request's reply chain (`<channel>;messageid=<root>`), so `in_thread`
  replies land in the thread without anything extra;
- `visibility == "only_actor"`: in a 1:1 chat just reply. In a channel or group chat,
  Teams has no ephemeral messages, so the reply goes to the person's 1:1 chat with the
  bot (proactively, through the Teams `Sender`, which opens the chat when the bot has
  never had one with them), with a one-line pointer in the thread. When no chat can
  be opened, the thread gets only "message me directly": a private answer (a
  manager's partner list, say) never lands where others read it. Forms are the
  exception: a form card is sent where it was asked for, as it carries nothing but
  the fields to fill in;
- `replace_original` updates the message whose button was clicked (its `replyToId`).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, Protocol

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, Mention, TextFormatTypes

from bot.core import Form, Reply, Request
from bot.core.delivery import Delivered, DeliveryError, Destination
from bot.core.errors import InvalidInput
from bot.teams import cards, inbound
from bot.teams.markdown import cut, literal, mentioned_users, to_teams
from handlers import messages

logger = logging.getLogger(__name__)


class PersonalChats(Protocol):
    """What rendering in a turn needs of the sender (bot.teams.sender.TeamsSender):
    sending to a person's 1:1 chat, opened if needed. A protocol, so that the sender
    may use this module without the two importing each other."""

    async def send(self, destination: Destination, reply: Reply) -> Delivered: ...


#: A plain message's text, in characters (well under the ~100 KB message limit).
MAX_MESSAGE_CHARS = 20_000


def card_activity(card: dict[str, Any]) -> Activity:
    return MessageFactory.attachment(CardFactory.adaptive_card(card))


def reply_activity(reply: Reply) -> Activity:
    """The activity that shows `reply`: a card, a form card, or a Markdown message."""
    if reply.form is not None:
        form = reply.form
        if reply.text and not form.intro:
            form = dataclasses.replace(form, intro=reply.text)
        return card_activity(cards.form_card(form))
    if cards.needs_card(reply):
        return card_activity(cards.reply_card(reply))
    text = cut(to_teams(reply.text, mentions=True), MAX_MESSAGE_CHARS)
    activity = MessageFactory.text(text)
    activity.text_format = TextFormatTypes.markdown
    entities = [
        Mention(
            mentioned=ChannelAccount(id=user_id, name=label),
            text=f"<at>{label}</at>",
            type="mention",
        )
        for user_id, label in mentioned_users(reply.text)
    ]
    if entities:
        activity.entities = entities
    return activity


async def send_replies(
    turn_context: TurnContext, request: Request, replies: list[Reply], *, sender: PersonalChats
) -> None:
    """Show `replies` to the person who made `request`, as decided above."""
    pointer: str | None = None
    for reply in replies:
        if reply.replace_original and await _replace(turn_context, request, reply):
            continue
        private = reply.visibility == "only_actor" and request.place.kind != "dm"
        if private and reply.form is None:
            if await _send_privately(request, reply, sender=sender):
                pointer = pointer or messages.SENT_PRIVATELY
            else:
                pointer = messages.ASK_ME_DIRECTLY
            continue
        await turn_context.send_activity(reply_activity(reply))
    if pointer is not None:
        await turn_context.send_activity(MessageFactory.text(pointer))


async def _replace(turn_context: TurnContext, request: Request, reply: Reply) -> bool:
    message_id = request.click.message_id if request.click is not None else None
    message_id = message_id or turn_context.activity.reply_to_id
    if not message_id:
        return False
    activity = reply_activity(reply)
    activity.id = message_id
    activity.type = ActivityTypes.message
    await turn_context.update_activity(activity)
    return True


async def _send_privately(request: Request, reply: Reply, *, sender: PersonalChats) -> bool:
    """Send to the actor's 1:1 chat, opening it if needed; False when Teams will not
    let the bot reach them there."""
    destination = Destination(platform="teams", user_id=request.actor.user_id)
    try:
        delivered: Delivered = await sender.send(destination, reply)
    except DeliveryError as exc:
        if exc.transient:
            raise
        logger.info("cannot reach %s in a 1:1 chat: %s", request.actor.user_id, exc.reason)
        return False
    logger.debug("sent a private reply as %s", delivered.message_id)
    return True


async def send_form_errors(turn_context: TurnContext, request: Request, exc: InvalidInput) -> None:
    """Re-send the submitted form with the errors under their fields and the user's
    values kept. Uses the handler's form when it gave one, else the card's own."""
    submit = request.submit
    values = submit.values if submit is not None else {}
    form = exc.form if isinstance(exc.form, Form) else None
    if form is None:
        value = turn_context.activity.value
        definition = value.get(inbound.DEFINITION_KEY) if isinstance(value, dict) else None
        form = cards.form_from_definition(definition)
        if form is not None and submit is not None:
            form = Form(
                form_id=form.form_id,
                title=form.title,
                fields=form.fields,
                submit_label=form.submit_label,
                metadata=submit.metadata,
                intro=form.intro,
            )
    if form is None:
        lines = "\n".join(f"- {message}" for message in exc.field_errors.values())
        await turn_context.send_activity(MessageFactory.text(literal(f"Please check:\n{lines}")))
        return
    shown = Form(
        form_id=form.form_id,
        title=form.title,
        fields=form.fields,
        submit_label=form.submit_label,
        metadata=form.metadata,
        intro=form.intro,
        errors={**form.errors, **exc.field_errors},
    )
    await turn_context.send_activity(card_activity(cards.form_card(shown, values=values)))
