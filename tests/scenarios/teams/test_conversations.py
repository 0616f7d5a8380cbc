"""Teams end to end: activities posted to /api/messages, replies caught by a fake
connector, state checked in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.core import Reply
from bot.core.delivery import DeliveryError, Destination
from handlers import messages
from handlers.deps import Deps
from storage import conversations, partners
from storage.audit import AuditEntry
from tests.routing import add_routes
from tests.scenarios.teams.conftest import make_person
from tests.scenarios.teams.fakes import (
    ALICE,
    BOB,
    BOT_ID,
    CHANNEL_ID,
    GROUP_ID,
    GUEST,
    TEAM_ID,
    TeamsDriver,
)


async def _stored(deps: Deps, conversation_id: str) -> conversations.Conversation | None:
    async with deps.sessions() as session:
        return await conversations.get_conversation(session, "teams", conversation_id)


async def _partner_count(deps: Deps) -> int:
    async with deps.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(partners.Partner)) or 0)


async def test_install_in_personal_chat_stores_reference_and_says_hello(
    teams: TeamsDriver, deps: Deps
) -> None:
    assert await teams.install(scope="personal") < 300

    stored = await _stored(deps, teams.personal_conversation(ALICE))
    assert stored is not None
    assert stored.kind == "dm"
    assert stored.user_id == ALICE.id
    assert stored.reference["serviceUrl"] == teams.connector.url
    assert stored.reference["bot"] == {"id": BOT_ID, "name": "PartnerBot"}
    [welcome] = teams.sent()
    assert "What I can do for you" in welcome.shown


async def test_install_in_team_stores_channel_reference_quietly(
    teams: TeamsDriver, deps: Deps
) -> None:
    await teams.install(scope="team")

    stored = await _stored(deps, TEAM_ID)
    assert stored is not None
    assert (stored.kind, stored.team_id) == ("channel", TEAM_ID)
    assert teams.sent() == []


async def test_help_in_personal_chat(teams: TeamsDriver) -> None:
    await teams.personal("help")

    [reply] = teams.sent()
    assert reply.conversation_id == teams.personal_conversation(ALICE)
    assert "What I can do for you" in reply.shown
    assert "/register-deal" in reply.shown


async def test_slash_help_and_mentioned_help_in_channel(teams: TeamsDriver) -> None:
    await teams.channel("/help")
    await teams.channel("help", mention=True)

    create, first, pointer, second, again = teams.sent()
    # no 1:1 chat was stored: the bot opened one for the private answer, then used it
    assert create.conversation_id == "" and create.body["members"] == [{"id": ALICE.id}]
    for reply in (first, second):
        assert "What I can do for you" in reply.shown
        assert reply.conversation_id == create.id
    for reply in (pointer, again):
        assert reply.conversation_id.startswith(f"{CHANNEL_ID};messageid=")
        assert reply.text == messages.SENT_PRIVATELY


async def test_group_chat_help_and_reference(teams: TeamsDriver, deps: Deps) -> None:
    await teams.group("help")

    create, reply, pointer = teams.sent()  # a private answer: in a 1:1 chat
    assert reply.conversation_id == create.id
    assert "isn't linked to a partner yet" in reply.shown
    assert (pointer.conversation_id, pointer.text) == (GROUP_ID, messages.SENT_PRIVATELY)
    stored = await _stored(deps, GROUP_ID)
    assert stored is not None and stored.kind == "group"


async def test_private_answer_goes_to_the_1to1_chat_when_known(teams: TeamsDriver) -> None:
    await teams.install(scope="personal")
    teams.mark()

    await teams.channel("help")

    private, pointer = await teams.wait_for(2)
    assert private.conversation_id == teams.personal_conversation(ALICE)
    assert "What I can do for you" in private.shown
    assert pointer.conversation_id.startswith(f"{CHANNEL_ID};messageid=")
    assert pointer.text == messages.SENT_PRIVATELY


async def test_manager_links_channel_to_partner(teams: TeamsDriver, deps: Deps) -> None:
    await make_person(deps, ALICE, role="manager")

    await teams.channel("partnerbot link Acme tier=gold", user=ALICE)

    [confirmation] = teams.sent()
    assert confirmation.conversation_id.startswith(f"{CHANNEL_ID};messageid=post-")
    assert "Created partner and linked this channel to *Acme*" in confirmation.shown
    assert "Tier: gold" in confirmation.shown
    async with deps.sessions() as session:
        acme = await partners.get_partner_by_name(session, "acme")
        assert acme is not None
        assert acme.tier == "gold"
        assert [(c.platform, c.channel_id, c.team_id) for c in acme.channels] == [
            ("teams", CHANNEL_ID, TEAM_ID)
        ]


async def test_non_manager_and_guest_cannot_link(teams: TeamsDriver, deps: Deps) -> None:
    # A guest who is even recorded as a manager is never staff.
    await make_person(deps, GUEST, role="manager")

    await teams.channel("partnerbot link Acme tier=gold", user=BOB)
    await teams.channel("partnerbot link Acme tier=gold", user=GUEST)

    refusals = [sent for sent in teams.sent() if sent.shown == messages.STAFF_ONLY]
    assert [r.conversation_id for r in refusals[:1]] != [r.conversation_id for r in refusals[1:]]
    assert len(refusals) == 2  # each in its own 1:1 chat
    assert all(CHANNEL_ID not in r.conversation_id for r in refusals)
    assert await _partner_count(deps) == 0
    async with deps.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0


async def test_bare_mention_gets_menu_and_help_button_works(teams: TeamsDriver) -> None:
    await teams.channel("")

    create, menu, pointer = teams.sent()  # the menu is for the person who asked
    assert menu.conversation_id == create.id
    assert pointer.text == messages.SENT_PRIVATELY
    titles = [action["title"] for action in menu.buttons]
    assert "Help" in titles and "Register a deal" in titles
    assert all(action["type"] == "Action.Submit" for action in menu.buttons)

    teams.mark()
    await teams.click(menu, "Help")
    [help_reply] = await teams.wait_for(1)
    assert "What I can do for you" in help_reply.shown
    assert help_reply.conversation_id == menu.conversation_id


async def test_reply_in_thread_stays_in_thread(teams: TeamsDriver, deps: Deps) -> None:
    await make_person(deps, ALICE, role="manager")

    await teams.channel("partnerbot link Acme", thread="root-42")

    [reply] = teams.sent()
    assert reply.conversation_id == f"{CHANNEL_ID};messageid=root-42"
    assert "linked this channel to *Acme*" in reply.shown


async def test_user_mentions_become_neutral(teams: TeamsDriver, deps: Deps) -> None:
    await make_person(deps, ALICE, role="admin")

    await teams.channel("partnerbot managers add", mentions=[BOB])

    [reply] = teams.sent()
    assert "can now manage partners" in reply.text
    assert reply.body["entities"][0]["mentioned"]["id"] == BOB.id
    async with deps.sessions() as session:
        from storage.people import get_person

        bob = await get_person(session, "teams", BOB.id)
        assert bob is not None and bob.role == "manager"


async def test_unknown_activity_type_is_ignored(teams: TeamsDriver, deps: Deps) -> None:
    activity = {
        "type": "somethingNew",
        "id": "x1",
        "channelId": "msteams",
        "serviceUrl": teams.connector.url,
        "from": ALICE.account(),
        "recipient": {"id": BOT_ID},
        "conversation": {"id": "a:personal-x", "conversationType": "personal"},
    }
    assert 200 <= await teams.post(activity) < 300
    assert teams.sent() == []
    assert await _stored(deps, "a:personal-x") is None


async def test_malformed_json_is_400(teams: TeamsDriver) -> None:
    assert await teams.post(b"{not json") == 400
    assert await teams.post(b"[1, 2]") == 400
    assert await teams.post(b'{"text": "no type"}') == 400
    assert await teams.post(b'{"type": "message", "from": "not an account"}') == 400
    assert await teams.post(b"\xff\xfe") == 400
    assert teams.sent() == []


async def test_a_failing_turn_apologises_without_details(
    teams: TeamsDriver, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> list[Reply]:
        raise RuntimeError("secret internals")

    add_routes(monkeypatch, commands={"help": broken})
    await teams.personal("help")
    [apology] = teams.sent()
    assert apology.text == messages.APOLOGY


async def test_proactive_send_uses_stored_reference(teams: TeamsDriver, deps: Deps) -> None:
    await teams.install(scope="team")
    await teams.install(scope="personal")
    teams.mark()
    sender = deps.senders["teams"]

    to_channel = await sender.send(
        Destination(platform="teams", channel_id=TEAM_ID), Reply(text="Weekly check-in")
    )
    in_thread = await sender.send(
        Destination(platform="teams", channel_id=TEAM_ID, thread_id=to_channel.message_id),
        Reply(text="A follow-up", title="Reminder"),
    )
    to_person = await sender.send(
        Destination(platform="teams", user_id=ALICE.id), Reply(text="Just for you")
    )

    first, second, third = await teams.wait_for(3)
    assert (first.conversation_id, first.text) == (TEAM_ID, "Weekly check-in")
    assert to_channel.channel_id == TEAM_ID and to_channel.thread_id == first.id
    assert second.conversation_id == f"{TEAM_ID};messageid={first.id}"
    assert "Reminder" in second.shown and in_thread.thread_id == first.id
    assert third.conversation_id == teams.personal_conversation(ALICE)
    assert to_person.message_id == third.id


async def test_proactive_send_opens_a_1to1_chat_once(teams: TeamsDriver, deps: Deps) -> None:
    await teams.install(scope="team")
    teams.mark()
    sender = deps.senders["teams"]

    first = await sender.send(Destination(platform="teams", user_id=BOB.id), Reply(text="Hi Bob"))
    second = await sender.send(Destination(platform="teams", user_id=BOB.id), Reply(text="Again"))

    create, hello, again = await teams.wait_for(3)
    assert create.conversation_id == "" and create.body["members"] == [{"id": BOB.id}]
    assert create.body["channelData"] == {"tenant": {"id": "tenant-vendor"}}
    assert create.body["isGroup"] is False
    assert (hello.conversation_id, hello.text) == (create.id, "Hi Bob")
    assert (again.conversation_id, again.text) == (create.id, "Again")
    assert first.channel_id == second.channel_id == create.id
    stored = await _stored(deps, create.id)
    assert stored is not None and (stored.kind, stored.user_id) == ("dm", BOB.id)


async def test_proactive_send_errors_are_classified(teams: TeamsDriver, deps: Deps) -> None:
    await teams.install(scope="team")
    sender = deps.senders["teams"]
    destination = Destination(platform="teams", channel_id=TEAM_ID)

    teams.connector.fail_next(429, headers={"Retry-After": "7"})
    try:
        await sender.send(destination, Reply(text="hi"))
    except DeliveryError as exc:
        assert exc.transient and exc.retry_after == 7.0
    else:
        raise AssertionError("a 429 must raise")

    teams.connector.fail_next(403)
    try:
        await sender.send(destination, Reply(text="hi"))
    except DeliveryError as exc:
        assert not exc.transient
    else:
        raise AssertionError("a 403 must raise")

    teams.connector.fail_next(403)  # Teams refuses to open a chat with this person
    try:
        await sender.send(Destination(platform="teams", user_id="29:stranger"), Reply(text="x"))
    except DeliveryError as exc:
        assert not exc.transient
    else:
        raise AssertionError("an unreachable person must raise")

    try:
        await sender.send(Destination(platform="teams", channel_id="19:unknown"), Reply(text="x"))
    except DeliveryError as exc:
        assert not exc.transient and "no stored" in exc.reason
    else:
        raise AssertionError("an unknown channel must raise")
    assert teams.sent() == []


async def test_unreachable_connector_is_a_transient_error(teams: TeamsDriver, deps: Deps) -> None:
    await teams.install(scope="team")
    await teams.connector.stop()

    try:
        await deps.senders["teams"].send(
            Destination(platform="teams", channel_id=TEAM_ID), Reply(text="hi")
        )
    except DeliveryError as exc:
        assert exc.transient
    else:
        raise AssertionError("a send to a stopped connector must raise")


async def test_simultaneous_deliveries_store_one_reference(teams: TeamsDriver, deps: Deps) -> None:
    # Teams (and the playground) send installationUpdate and conversationUpdate at once.
    import asyncio

    results = await asyncio.gather(*(teams.install(scope="team") for _ in range(12)))

    assert all(status < 300 for status in results)
    assert not any(sent.text == messages.APOLOGY for sent in teams.sent())
    async with deps.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(conversations.Conversation))
    assert count == 1


async def test_a_private_answer_never_lands_in_a_channel(teams: TeamsDriver, deps: Deps) -> None:
    """A manager's `partners` in a partner's channel, before the bot has a 1:1 chat
    with them: the list goes to a 1:1 chat the bot opens, and the thread gets a pointer."""
    await make_person(deps, ALICE, role="manager")
    await teams.channel("partnerbot link Acme tier=gold", user=ALICE)
    teams.mark()

    await teams.channel("partnerbot partners", user=ALICE)

    create, private, pointer = await teams.wait_for(3)
    assert create.conversation_id == "" and create.body["members"] == [{"id": ALICE.id}]
    assert private.conversation_id == create.id and "Acme" in private.shown
    assert pointer.conversation_id.startswith(f"{CHANNEL_ID};messageid=")
    assert pointer.text == messages.SENT_PRIVATELY


async def test_when_no_direct_chat_can_be_opened_the_channel_gets_no_content(
    teams: TeamsDriver, deps: Deps
) -> None:
    await make_person(deps, ALICE, role="manager")
    await teams.channel("partnerbot link Acme tier=gold", user=ALICE)
    teams.mark()
    teams.connector.fail_next(403)  # Teams refuses to open the chat

    await teams.channel("partnerbot partners", user=ALICE)

    [pointer] = teams.since()
    assert pointer.conversation_id.startswith(f"{CHANNEL_ID};messageid=")
    assert pointer.text == messages.ASK_ME_DIRECTLY
    assert "Acme" not in pointer.shown and "gold" not in pointer.shown
