"""Help and the menu a bare @mention gets: what the caller may do, here."""

from __future__ import annotations

import functools

from bot.core import Button, ButtonClick, Reply, Request, ids
from bot.core.untrusted import untrusted
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.routes import Routes

_PARTNER_LINES = (
    "`/register-deal [company, domain, value, close date]`: register a deal",
    "`/deals [status]`: your organisation's deal registrations",
    "`/ask <question>`: ask about the product (or just @mention me, or DM me)",
)
_STAFF_LINES = (
    "`/partnerbot link <partner> [tier=..] [region=..] [tz=..]`: link this channel to a partner",
    "`/partnerbot partners`: partners with tier and channels",
    "`/deals [status]`: registrations of the partners you own",
)
_ADMIN_LINES = (
    "`/partnerbot managers add <@user>`: make someone a channel manager",
    "`/partnerbot managers remove <@user>`: take the manager role away",
)


def help_lines(*, is_staff: bool, is_admin: bool) -> list[str]:
    """The commands someone may use, most useful first."""
    lines = list(_PARTNER_LINES)
    if is_staff:
        lines = [*_PARTNER_LINES[2:], *_STAFF_LINES]
    if is_admin:
        lines.extend(_ADMIN_LINES)
    lines.append("`/partnerbot help`: this list")
    return lines


def _where(in_dm: bool, is_staff: bool, partner_name: str | None) -> str:
    if in_dm:
        return "You're in a direct message with me."
    if partner_name:
        return f"This channel belongs to partner *{partner_name}*."
    if is_staff:
        return "This channel isn't linked to a partner yet: `/partnerbot link <partner name>`."
    return "This channel isn't linked to a partner yet; your channel manager can link it."


async def show_help(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """What the caller may do here. Slash commands also work as text, with an @mention."""
    in_dm = request.place.kind == "dm"
    return [_help_reply(in_dm, caller.is_staff, caller.is_admin, caller.channel_partner_name)]


@functools.lru_cache(maxsize=1024)
def _help_reply(in_dm: bool, is_staff: bool, is_admin: bool, partner_name: str | None) -> Reply:
    """Help depends on these four things only, so each variant is built once."""
    lines = help_lines(is_staff=is_staff, is_admin=is_admin)
    body = "\n".join(f"- {line}" for line in lines)
    tip = "Each command also works as a message: `@PartnerBot deals`, or in a DM."
    return Reply(
        title="What I can do for you",
        text=f"{_where(in_dm, is_staff, partner_name)}\n{body}",
        context=(tip,),
        visibility="only_actor",
    )


async def menu(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """The answer to a bare @mention: buttons for what this person may do."""
    buttons = [
        Button("Register a deal", ids.MENU_REGISTER_DEAL, style="primary"),
        Button("My deals" if not caller.is_staff else "Deals", ids.MENU_MY_DEALS),
        Button("Ask a question", ids.MENU_ASK),
        Button("Help", ids.MENU_HELP),
    ]
    greeting = f"Hi {untrusted(caller.name)}! What would you like to do?"
    return [Reply(text=greeting, buttons=tuple(buttons), visibility="only_actor")]


async def _on_help_click(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    return await show_help(request, caller, deps)


ROUTES = Routes(commands={"help": show_help}, actions={ids.MENU_HELP: _on_help_click})
