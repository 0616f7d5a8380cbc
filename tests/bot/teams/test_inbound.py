"""bot/teams/inbound.py: Teams activities become neutral requests."""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity

from bot.core import ButtonClick, FormSubmit
from bot.teams import inbound

BOT = {"id": "28:bot", "name": "PartnerBot"}


def _activity(**fields: Any) -> Activity:
    body: dict[str, Any] = {
        "type": "message",
        "id": "act-1",
        "channelId": "msteams",
        "from": {"id": "29:ann", "name": "Ann", "aadObjectId": "aad-ann"},
        "recipient": BOT,
        "conversation": {"id": "a:personal", "conversationType": "personal"},
        "channelData": {"tenant": {"id": "tenant-a"}},
        **fields,
    }
    return Activity().deserialize(body)


def _mention(user: dict[str, str]) -> dict[str, Any]:
    return {"type": "mention", "text": f"<at>{user['name']}</at>", "mentioned": user}


def test_reply_chain_id_is_split_into_channel_and_thread() -> None:
    assert inbound.split_conversation_id("19:c@thread.tacv2;messageid=17") == (
        "19:c@thread.tacv2",
        "17",
    )
    assert inbound.split_conversation_id("a:personal") == ("a:personal", None)
    assert inbound.thread_conversation_id("19:c", "17") == "19:c;messageid=17"
    assert inbound.thread_conversation_id("19:c", None) == "19:c"


def test_bot_mention_is_stripped_and_user_mentions_become_neutral() -> None:
    carol = {"id": "29:carol", "name": "Carol"}
    activity = _activity(
        text="<at>PartnerBot</at> partnerbot managers add <at>Carol</at>&nbsp;",
        entities=[_mention(BOT), _mention(carol)],
        conversation={"id": "19:c;messageid=5", "conversationType": "channel", "isGroup": True},
        channelData={"tenant": {"id": "tenant-a"}, "team": {"id": "19:team"}},
    )

    request = inbound.request_from_activity(activity)

    assert request is not None
    assert request.text == "partnerbot managers add <@29:carol>"
    assert request.mentioned
    assert (request.place.kind, request.place.channel_id, request.place.thread_id) == (
        "channel",
        "19:c",
        "5",
    )
    assert request.place.team_id == "19:team"


def test_personal_and_group_places() -> None:
    personal = inbound.request_from_activity(_activity(text="/help"))
    group = inbound.request_from_activity(
        _activity(
            text="help",
            conversation={"id": "19:g", "conversationType": "groupChat", "isGroup": True},
        )
    )
    assert personal is not None and group is not None
    assert (personal.place.kind, personal.text, personal.mentioned) == ("dm", "/help", False)
    assert (group.place.kind, group.mentioned) == ("group", True)


def test_guests_and_other_tenants_are_external() -> None:
    member = inbound.actor_from(_activity())
    guest = inbound.actor_from(
        _activity(**{"from": {"id": "29:g", "name": "G", "userRole": "guest"}})
    )
    other_tenant = inbound.actor_from(
        _activity(**{"from": {"id": "29:o", "name": "O", "tenantId": "tenant-b"}})
    )
    partner_org = inbound.actor_from(_activity(), home_tenant_id="tenant-vendor")

    assert not member.is_external and member.org_id == "tenant-a"
    assert guest.is_external
    assert other_tenant.is_external and other_tenant.org_id == "tenant-b"
    assert partner_org.is_external


def test_submits_become_clicks_and_form_submits() -> None:
    click = inbound.request_from_activity(
        _activity(value={"pb_action": "menu-help", "pb_value": "x"}, replyToId="card-9")
    )
    submit = inbound.request_from_activity(
        _activity(
            value={
                "pb_form": "form-x",
                "pb_meta": "m",
                "pb_multi": ["tags"],
                "pb_def": {"ignored": True},
                "name": " Acme ",
                "notes": "",
                "tags": "a,b",
            }
        )
    )
    foreign = inbound.request_from_activity(_activity(value={"other": 1}))

    assert click is not None and click.click == ButtonClick("menu-help", "x", "card-9")
    assert submit is not None and submit.submit == FormSubmit(
        "form-x", {"name": "Acme", "notes": None, "tags": ["a", "b"]}, "m"
    )
    assert foreign is None


def test_channel_reference_is_stored_under_the_bare_channel() -> None:
    activity = _activity(
        conversation={"id": "19:c;messageid=5", "conversationType": "channel", "isGroup": True},
        channelData={"tenant": {"id": "tenant-a"}, "team": {"id": "19:team"}},
    )
    reference = {
        "activityId": "act-1",
        "user": {"id": "29:ann"},
        "conversation": {"id": "19:c;messageid=5"},
    }

    info = inbound.conversation_info(activity, reference)

    assert (info.conversation_id, info.kind, info.team_id, info.user_id) == (
        "19:c",
        "channel",
        "19:team",
        None,
    )
    assert info.reference == {"conversation": {"id": "19:c", "tenantId": "tenant-a"}}
    personal = inbound.conversation_info(_activity(), {"conversation": {"id": "a:personal"}})
    assert (personal.kind, personal.user_id) == ("dm", "29:ann")
