"""Partner administration in chat: link, partners, managers add, and who may do what."""

from __future__ import annotations

from bot.core import Actor, Place, Reply, Request
from bot.core.untrusted import strip_marks
from handlers import messages
from handlers.admin.chat import add_manager
from handlers.admin.operators import list_partner_summaries
from handlers.deps import Deps
from handlers.router import dispatch
from storage import audit
from storage import people as people_store

CHANNEL = Place(platform="slack", channel_id="C-SHARED", team_id="T1")
DM = Place(platform="slack", channel_id="D-1", kind="dm")


def actor(user_id: str, *, external: bool = False) -> Actor:
    return Actor(platform="slack", user_id=user_id, name=user_id, is_external=external)


async def say(deps: Deps, who: Actor, text: str, place: Place = CHANNEL) -> list[Reply]:
    return await dispatch(Request(actor=who, place=place, text=text, mentioned=True), deps)


async def make(deps: Deps, user_id: str, role: str) -> None:
    async with deps.sessions() as session, session.begin():
        await add_manager(session, "slack", user_id, actor="test", deps=deps, role=role)


async def audit_actions(deps: Deps) -> list[str]:
    async with deps.sessions() as session:
        return [entry.action for entry in await audit.list_audit(session)]


async def test_a_manager_links_the_channel_creating_the_partner(deps: Deps) -> None:
    await make(deps, "U-MGR", "manager")
    [reply] = await say(
        deps, actor("U-MGR"), "link Acme Corp tier=gold region=EMEA tz=Europe/Berlin"
    )
    assert reply.text == "Created partner and linked this channel to *Acme Corp*."
    assert [(f.label, f.value) for f in reply.facts] == [
        ("Tier", "gold"),
        ("Region", "EMEA"),
        ("Time zone", "Europe/Berlin"),
    ]
    [reply] = await say(deps, actor("U-MGR"), "partnerbot link acme corp tier=platinum")
    assert reply.text == "Linked this channel to *Acme Corp*."
    [acme] = await list_partner_summaries(deps)
    assert (acme.tier, acme.region, acme.manager) == ("platinum", "EMEA", "slack:U-MGR")
    assert acme.channels == ("slack:C-SHARED",)
    assert (await audit_actions(deps)).count("partner.link") == 2


async def test_link_explains_itself_in_a_dm_and_on_bad_options(deps: Deps) -> None:
    await make(deps, "U-MGR", "manager")
    [reply] = await say(deps, actor("U-MGR"), "link Acme", place=DM)
    assert "shared channel" in reply.text
    [reply] = await say(deps, actor("U-MGR"), "link Acme tz=Mars/Base colour=red")
    assert reply.text.startswith("I couldn't read that:")
    shown = strip_marks(reply.text)  # what was typed is marked untrusted (bot.core.untrusted)
    assert "Mars/Base" in shown
    assert "colour=" in shown
    assert await list_partner_summaries(deps) == []


async def test_partners_lists_tier_and_channels_for_staff(deps: Deps) -> None:
    await make(deps, "U-MGR", "manager")
    [empty] = await say(deps, actor("U-MGR"), "partners")
    assert "No partners yet" in empty.text
    await say(deps, actor("U-MGR"), "link Globex tier=silver")
    [reply] = await say(deps, actor("U-MGR"), "/partnerbot partners")
    assert reply.title == "Partners (1)"
    assert "*Globex* (silver): slack:C-SHARED" in reply.text
    assert reply.visibility == "only_actor"


async def test_a_partner_rep_is_refused_politely_and_nothing_is_written(deps: Deps) -> None:
    await make(deps, "U-MGR", "manager")
    await say(deps, actor("U-MGR"), "link Acme")
    before = await audit_actions(deps)
    rep = actor("U-REP", external=True)
    for command in ("link Evil Corp", "partners", "managers add <@U-REP>"):
        [reply] = await say(deps, rep, command)
        assert reply.text in (messages.STAFF_ONLY, messages.ADMIN_ONLY)
        assert reply.visibility == "only_actor"
    [acme] = await list_partner_summaries(deps)
    assert (acme.name, acme.channels) == ("Acme", ("slack:C-SHARED",))
    assert await audit_actions(deps) == before


async def test_only_admins_add_managers(deps: Deps) -> None:
    await make(deps, "U-MGR", "manager")
    await make(deps, "U-ADM", "admin")
    [refused] = await say(deps, actor("U-MGR"), "managers add <@U-NEW>")
    assert refused.text == messages.ADMIN_ONLY
    [usage] = await say(deps, actor("U-ADM"), "managers add nobody")
    assert usage.text.startswith("Usage:")
    [done] = await say(deps, actor("U-ADM"), "managers add <@U-NEW|new> <@U-TWO>")
    assert done.text == "<@U-NEW>, <@U-TWO> can now manage partners."
    [listing] = await say(deps, actor("U-NEW"), "partners")
    assert listing.text != messages.STAFF_ONLY


async def test_an_external_person_is_never_staff(deps: Deps) -> None:
    await make(deps, "U-ADM", "admin")
    guest = actor("U-GUEST", external=True)
    await say(deps, guest, "help")
    [refused] = await say(deps, actor("U-ADM"), "managers add <@U-GUEST>")
    assert "other organisations" in refused.text
    async with deps.sessions() as session, session.begin():
        person = await people_store.upsert_person(session, "slack", "U-GUEST", role="admin")
        assert person.role == "partner_rep", "an external person is demoted on write"
    [reply] = await say(deps, guest, "partners")
    assert reply.text == messages.STAFF_ONLY


async def test_an_external_admin_left_in_the_table_is_still_refused(deps: Deps) -> None:
    await make(deps, "U-X", "admin")
    # The same person later shows up as a guest from another organisation.
    [reply] = await say(deps, actor("U-X", external=True), "link Acme")
    assert reply.text == messages.STAFF_ONLY
    assert await list_partner_summaries(deps) == []


async def test_an_admin_removes_a_manager_in_chat_and_it_applies_at_once(deps: Deps) -> None:
    await make(deps, "U-ADM", "admin")
    await make(deps, "U-MGR", "manager")
    [listing] = await say(deps, actor("U-MGR"), "partners")
    assert listing.text != messages.STAFF_ONLY
    [refused] = await say(deps, actor("U-MGR"), "managers remove <@U-ADM>")
    assert refused.text == messages.ADMIN_ONLY
    [self_removal] = await say(deps, actor("U-ADM"), "managers remove <@U-ADM>")
    assert "another admin" in self_removal.text
    [done] = await say(deps, actor("U-ADM"), "managers remove <@U-MGR>")
    assert done.text == "<@U-MGR> no longer manage partners."
    [now] = await say(deps, actor("U-MGR"), "partners")
    assert now.text == messages.STAFF_ONLY
    assert "person.remove_manager" in await audit_actions(deps)
    [unknown] = await say(deps, actor("U-ADM"), "managers remove <@U-NOBODY>")
    assert "couldn't find" in unknown.text
