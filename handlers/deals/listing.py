"""`/deals [status]`: a partner's own registrations, each with what the partner may do
next (handlers/deals/changes.py); a manager's view of the partners they own, with filters."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Button, ButtonClick, Reply, Request, ids
from bot.core.codec import action_id, encode
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from handlers import messages
from handlers.caller import Caller
from handlers.deals.approval import may_decide
from handlers.deals.forms import DealRef
from handlers.deals.money import format_money
from handlers.deals.notices import (
    deal_facts,
    decision_buttons,
    extension_buttons,
    when,
)
from handlers.deps import Deps
from handlers.routes import Routes
from storage import deals as deal_store
from storage import partners as partner_store
from storage.deals import Deal

logger = logging.getLogger(__name__)

SHOWN = 10
_PARTNER_OPTION = re.compile(r"""partner=("[^"]*"|'[^']*'|\S+)""", re.I)
_ALIASES = {"open": deal_store.ACTIVE_STATUSES, "active": deal_store.ACTIVE_STATUSES}
USAGE = (
    "Usage: `/deals [status]` where status is one of "
    f"{', '.join(('open', *deal_store.STATUSES))}; managers may add `partner=<name>`."
)


@dataclass(frozen=True)
class DealFilter:
    statuses: tuple[str, ...] = ()
    partner: str | None = None


def parse_filter(text: str) -> DealFilter:
    """`approved`, `open partner="Acme Corp"` -> DealFilter.

    Raises:
        InvalidInput: a word that is not a status.
    """
    partner = None
    match = _PARTNER_OPTION.search(text)
    if match is not None:
        partner = match.group(1).strip("\"'")
        text = _PARTNER_OPTION.sub(" ", text)
    statuses: list[str] = []
    for word in text.lower().replace(",", " ").split():
        if word == "all":
            continue
        if word in _ALIASES:
            statuses.extend(_ALIASES[word])
        elif word.replace("-", "_") in deal_store.STATUSES:
            statuses.append(word.replace("-", "_"))
        else:
            raise InvalidInput({"status": f"unknown status {word!r}"})
    return DealFilter(tuple(dict.fromkeys(statuses)), partner)


async def _visible_partner_ids(
    session: AsyncSession, caller: Caller, wanted: str | None
) -> list[int] | None:
    """The partners whose registrations the caller may see (None = all, for admins).
    A partner person sees only their own organisation, whatever they ask for."""
    if not caller.is_staff:
        partner_id = caller.acting_partner_id
        if partner_id is None:
            raise NotAllowed(messages.NOT_A_PARTNER_CHANNEL)
        return [partner_id]
    if wanted is not None:
        partner = await partner_store.get_partner_by_name(session, wanted)
        if partner is None or not (caller.is_admin or partner.manager_id == caller.person_id):
            raise NotFound("partner", wanted)
        return [partner.id]
    if caller.is_admin:
        return None
    return [p.id for p in await partner_store.list_partners(session, manager_id=caller.person_id)]


async def list_deals(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """`/deals [status] [partner=..]`: one summary, then each registration with actions."""
    try:
        wanted = parse_filter(request.text)
    except InvalidInput:
        return [Reply(text=USAGE, visibility="only_actor")]
    async with deps.sessions() as session:
        partner_ids = await _visible_partner_ids(session, caller, wanted.partner)
        found = (
            []
            if partner_ids == []
            else await deal_store.list_deals(
                session, partner_ids=partner_ids, statuses=wanted.statuses, limit=SHOWN + 1
            )
        )
    if not found:
        text = "No deal registrations match." if wanted.statuses else "No deal registrations yet."
        return [Reply(text=f"{text} Register one with `/register-deal`.", visibility="only_actor")]
    more = (
        f" (showing the newest {SHOWN}; filter by status to narrow)" if len(found) > SHOWN else ""
    )
    replies = [
        Reply(
            title="Deal registrations",
            text=f"{len(found[:SHOWN])} found{more}.",
            visibility="only_actor",
        )
    ]
    replies.extend(_deal_reply(deal, caller) for deal in found[:SHOWN])
    return replies


def _deal_reply(deal: Deal, caller: Caller) -> Reply:
    staff = caller.is_staff
    buttons: list[Button] = []
    value = encode(DealRef(deal_id=deal.id))
    if staff and may_decide(caller, deal):
        if deal.status in deal_store.UNDECIDED_STATUSES:
            buttons.extend(decision_buttons(deal))
        if deal.extension_status == deal_store.EXTENSION_REQUESTED:
            buttons.extend(extension_buttons(deal))
    elif not staff:
        if deal.status in deal_store.ACTIVE_STATUSES:
            buttons.append(Button("Update stage", action_id(ids.DEAL_UPDATE_STAGE, deal.id), value))
            buttons.append(Button("Won", action_id(ids.DEAL_MARK_WON, deal.id), value, "primary"))
            buttons.append(Button("Lost", action_id(ids.DEAL_MARK_LOST, deal.id), value))
            buttons.append(Button("Withdraw", action_id(ids.DEAL_WITHDRAW, deal.id), value))
        if (
            deal.status == deal_store.APPROVED
            and deal.extension_status != deal_store.EXTENSION_REQUESTED
        ):
            label = "Request extension"
            buttons.append(Button(label, action_id(ids.DEAL_REQUEST_EXTENSION, deal.id), value))
    context: tuple[str, ...] = ()
    if deal.extension_status == deal_store.EXTENSION_REQUESTED:
        context = (f"Extension requested {when(deal.extension_requested_at)}",)
    return Reply(
        title=f"{deal.ref} · {deal.company}",
        text=f"{deal.domain} · {format_money(deal.value_cents, deal.currency)}",
        facts=deal_facts(deal, partner_name=deal.partner.name if staff else None),
        buttons=tuple(buttons),
        context=context,
        visibility="only_actor",
    )


async def _on_menu_my_deals(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    scoped = Request(actor=request.actor, place=request.place, text="")
    return await list_deals(scoped, caller, deps)


ROUTES = Routes(
    commands={"deals": list_deals},
    actions={ids.MENU_MY_DEALS: _on_menu_my_deals},
)
