"""Bot Framework activity -> neutral `Request` (who, where, what), and nothing else.

Teams specifics handled here:
- the bot's own `<at>Bot</at>` mention is stripped; other user mentions become the
  neutral `<@user_id>` form;
- a channel conversation id `<channel>;messageid=<root>` is a reply chain: the place is
  the channel and the thread is `<root>`;
- Adaptive Card `Action.Submit` arrives as a message whose `value` carries our action
  data: `{"pb_action", "pb_value"}` is a button click, `{"pb_form", "pb_meta", ...inputs}`
  a form submit;
- guests and people from another tenant are external (never staff).
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from typing import Any, Literal

from botbuilder.schema import Activity

from bot.core import Actor, ButtonClick, FormSubmit, Place, PlaceKind, Request

logger = logging.getLogger(__name__)

PLATFORM: Literal["teams"] = "teams"
#: Separator between a channel id and the root message id of a reply chain.
THREAD_MARK = ";messageid="
#: Keys of our Action.Submit data (cards.py writes them).
ACTION_KEY = "pb_action"
VALUE_KEY = "pb_value"
FORM_KEY = "pb_form"
META_KEY = "pb_meta"
MULTI_KEY = "pb_multi"
DEFINITION_KEY = "pb_def"
_RESERVED = {ACTION_KEY, VALUE_KEY, FORM_KEY, META_KEY, MULTI_KEY, DEFINITION_KEY, "msteams"}
#: Any `<at>…</at>` tag left after known mentions were replaced (a mention without an
#: entity): its inner text is kept, the tag dropped.
AT_TAG = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
#: Teams may send light HTML (e.g. `<p>`) in message text; tags other than <at> are noise.
HTML_TAG = re.compile(r"</?(?:p|div|span|br)\b[^>]*>", re.IGNORECASE)
_GUEST_ROLES = {"guest", "anonymous"}
_KINDS: dict[str, PlaceKind] = {"personal": "dm", "channel": "channel", "groupChat": "group"}


@dataclass(frozen=True)
class ConversationInfo:
    """What to store about the conversation an activity came from."""

    conversation_id: str
    kind: str
    team_id: str | None
    user_id: str | None
    reference: dict[str, Any]


def split_conversation_id(conversation_id: str) -> tuple[str, str | None]:
    """`19:abc@thread.tacv2;messageid=123` -> (`19:abc@thread.tacv2`, `123`)."""
    channel, mark, root = conversation_id.partition(THREAD_MARK)
    return channel, (root or None) if mark else None


def thread_conversation_id(channel_id: str, thread_id: str | None) -> str:
    """The conversation id of a reply chain (or the channel itself without a thread)."""
    return f"{channel_id}{THREAD_MARK}{thread_id}" if thread_id else channel_id


def _channel_data(activity: Activity) -> dict[str, Any]:
    data = activity.channel_data
    return data if isinstance(data, dict) else {}


def place_kind(activity: Activity) -> PlaceKind:
    conversation = activity.conversation
    kind = _KINDS.get(getattr(conversation, "conversation_type", None) or "")
    if kind is not None:
        return kind
    return "group" if conversation is not None and conversation.is_group else "dm"


def team_id_of(activity: Activity) -> str | None:
    data = _channel_data(activity)
    team = data.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    return str(data["teamsTeamId"]) if data.get("teamsTeamId") else None


def tenant_of(activity: Activity) -> str | None:
    """The tenant the conversation lives in."""
    tenant = _channel_data(activity).get("tenant")
    if isinstance(tenant, dict) and tenant.get("id"):
        return str(tenant["id"])
    conversation = activity.conversation
    return getattr(conversation, "tenant_id", None) or None


def actor_from(activity: Activity, *, home_tenant_id: str = "") -> Actor:
    """The person behind an activity.

    External when Teams marks them a guest (`userRole`), when their own tenant differs
    from the conversation's, or when the conversation's tenant is not the vendor's
    (`home_tenant_id`, from MICROSOFT_APP_TENANT_ID, when set).
    """
    sender = activity.from_property
    extra: dict[str, Any] = dict(getattr(sender, "additional_properties", None) or {})
    data = _channel_data(activity)
    conversation_tenant = tenant_of(activity)
    user_tenant = extra.get("tenantId") or conversation_tenant
    role = str(extra.get("userRole") or data.get("userRole") or "").lower()
    own_tenant = extra.get("tenantId")
    other_tenant = bool(own_tenant and conversation_tenant and own_tenant != conversation_tenant)
    not_vendor = bool(home_tenant_id and user_tenant and user_tenant != home_tenant_id)
    external = role in _GUEST_ROLES or other_tenant or not_vendor
    return Actor(
        platform=PLATFORM,
        user_id=str(sender.id) if sender is not None and sender.id else "unknown",
        name=(sender.name or "") if sender is not None else "",
        is_external=external,
        org_id=str(user_tenant) if user_tenant else None,
    )


def _mentions(activity: Activity) -> list[tuple[str, str]]:
    """(mentioned id, mention text) for each mention entity."""
    found = []
    for entity in activity.entities or []:
        if entity is None or str(entity.type or "").lower() != "mention":
            continue
        props = getattr(entity, "additional_properties", None) or {}
        mentioned = props.get("mentioned") or {}
        if isinstance(mentioned, dict) and mentioned.get("id"):
            text = props.get("text") or f"<at>{mentioned.get('name', '')}</at>"
            found.append((str(mentioned["id"]), str(text)))
    return found


def clean_text(activity: Activity) -> tuple[str, bool]:
    """Message text with the bot's mention removed and user mentions neutral.

    Returns:
        (text, whether the bot was @mentioned).
    """
    text = HTML_TAG.sub(" ", activity.text or "")
    bot_id = activity.recipient.id if activity.recipient is not None else None
    bot_mentioned = False
    for mentioned_id, mention_text in _mentions(activity):
        if mentioned_id == bot_id:
            bot_mentioned = bot_mentioned or mention_text in text
            text = text.replace(mention_text, " ")
        else:
            text = text.replace(mention_text, f"<@{mentioned_id}>")
    text = AT_TAG.sub(r"\1", text)
    text = html.unescape(text).replace("\xa0", " ")
    return " ".join(text.split()), bot_mentioned


def place_from(activity: Activity) -> Place:
    conversation_id = activity.conversation.id if activity.conversation is not None else ""
    channel_id, thread_id = split_conversation_id(conversation_id or "")
    return Place(
        platform=PLATFORM,
        channel_id=channel_id,
        kind=place_kind(activity),
        thread_id=thread_id,
        team_id=team_id_of(activity),
        message_id=activity.id,
    )


def _submitted_values(value: dict[str, Any]) -> dict[str, str | list[str] | None]:
    multi = set(value.get(MULTI_KEY) or ())
    values: dict[str, str | list[str] | None] = {}
    for key, raw in value.items():
        if key in _RESERVED:
            continue
        text = "" if raw is None else str(raw).strip()
        if key in multi:
            values[key] = [part for part in text.split(",") if part]
        else:
            values[key] = text or None
    return values


def request_from_activity(activity: Activity, *, home_tenant_id: str = "") -> Request | None:
    """Translate a message activity (typed text or a card submit) to a `Request`.

    Returns None for a submit whose data is not ours (nothing to do).
    """
    actor = actor_from(activity, home_tenant_id=home_tenant_id)
    place = place_from(activity)
    mentioned_by_place = place.kind != "dm"
    value = activity.value
    if isinstance(value, dict) and (ACTION_KEY in value or FORM_KEY in value):
        if ACTION_KEY in value:
            click = ButtonClick(
                action_id=str(value[ACTION_KEY]),
                value=str(value.get(VALUE_KEY) or ""),
                message_id=activity.reply_to_id,
            )
            return Request(actor=actor, place=place, click=click, mentioned=mentioned_by_place)
        submit = FormSubmit(
            form_id=str(value[FORM_KEY]),
            values=_submitted_values(value),
            metadata=str(value.get(META_KEY) or ""),
        )
        return Request(actor=actor, place=place, submit=submit, mentioned=mentioned_by_place)
    if value is not None and not activity.text:
        logger.info("ignoring a card submit that carries no PartnerBot data")
        return None
    text, bot_mentioned = clean_text(activity)
    # With the RSC permission ChannelMessage.Read.Group, Teams delivers every channel
    # message, not only those that @mention the bot: in a channel only a real mention
    # is put to the bot (a reply in a thread the bot knows still reaches its owner).
    # A group chat still delivers only mentions (no RSC asked for chats).
    return Request(
        actor=actor, place=place, text=text, mentioned=bot_mentioned or place.kind == "group"
    )


def conversation_info(activity: Activity, reference: dict[str, Any]) -> ConversationInfo:
    """How to store the conversation of `activity`: channels under their bare id (a
    thread is addressed later by adding `;messageid=`), 1:1 chats with the user's id."""
    place = place_from(activity)
    reference = dict(reference)
    reference.pop("activityId", None)
    if place.kind != "dm":
        # whoever spoke last does not matter for a channel; dropping it saves a write
        # each time someone else speaks
        reference.pop("user", None)
    conversation = dict(reference.get("conversation") or {})
    conversation["id"] = place.channel_id
    tenant = tenant_of(activity)
    if tenant:  # botbuilder's schema spells it `tenantID` and drops Teams' `tenantId`
        conversation["tenantId"] = tenant
    reference["conversation"] = conversation
    sender = activity.from_property
    user_id = str(sender.id) if place.kind == "dm" and sender is not None and sender.id else None
    return ConversationInfo(
        conversation_id=place.channel_id,
        kind=place.kind,
        team_id=place.team_id,
        user_id=user_id,
        reference=reference,
    )
