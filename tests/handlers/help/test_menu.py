"""Help and the mention menu depend on who asks and where."""

from __future__ import annotations

from bot.core import Actor, Place, Request, ids
from bot.core.model import ButtonClick
from bot.core.untrusted import strip_marks
from handlers.admin.chat import add_manager
from handlers.deps import Deps
from handlers.router import dispatch

CHANNEL = Place(platform="teams", channel_id="19:general@thread.tacv2", team_id="T1")


async def ask(deps: Deps, user_id: str, text: str, place: Place = CHANNEL) -> str:
    request = Request(actor=Actor("teams", user_id, name="Kim"), place=place, text=text)
    replies = await dispatch(request, deps)
    return "\n".join(r.text for r in replies)


async def test_a_partner_sees_partner_commands_only(deps: Deps) -> None:
    text = await ask(deps, "29:rep", "help")
    assert "/register-deal" in text
    assert "/partnerbot link" not in text
    assert "your channel manager can link it" in text


async def test_a_manager_sees_admin_commands_and_how_to_link(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        await add_manager(session, "teams", "29:mgr", actor="test", deps=deps)
    text = await ask(deps, "29:mgr", "/partnerbot help")
    assert "/partnerbot link <partner>" in text
    assert "managers add" not in text
    await ask(deps, "29:mgr", "link Acme")
    assert "This channel belongs to partner *Acme*." in await ask(deps, "29:mgr", "help")


async def test_an_admin_also_sees_managers_add(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        await add_manager(session, "teams", "29:adm", actor="test", deps=deps, role="admin")
    assert "managers add" in await ask(deps, "29:adm", "help")


async def test_an_unknown_command_gets_help(deps: Deps) -> None:
    request = Request(actor=Actor("teams", "29:rep"), place=CHANNEL, text="partnerbot frobnicate")
    [reply] = await dispatch(request, deps)
    assert reply.title == "What I can do for you"


async def test_a_bare_mention_gets_buttons_and_help_is_one_click(deps: Deps) -> None:
    mention = Request(actor=Actor("teams", "29:rep", name="Kim"), place=CHANNEL, mentioned=True)
    [menu] = await dispatch(mention, deps)
    assert strip_marks(menu.text) == "Hi Kim! What would you like to do?"
    assert [b.label for b in menu.buttons] == [
        "Register a deal",
        "My deals",
        "Ask a question",
        "Help",
    ]
    click = Request(actor=mention.actor, place=CHANNEL, click=ButtonClick(action_id=ids.MENU_HELP))
    [help_reply] = await dispatch(click, deps)
    assert help_reply.title == "What I can do for you"


async def test_a_role_change_made_anywhere_shows_in_the_next_help(deps: Deps) -> None:
    request = Request(actor=Actor("teams", "29:kim"), place=CHANNEL, text="help")
    [before] = await dispatch(request, deps)
    assert "/partnerbot link <partner>" not in before.text
    # As the CLI or another replica would: its own session, nothing said to this process.
    async with deps.sessions() as session, session.begin():
        await add_manager(session, "teams", "29:kim", actor="cli", deps=deps)
    [after] = await dispatch(request, deps)
    assert "/partnerbot link <partner>" in after.text
