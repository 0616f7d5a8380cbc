"""A partner's request to extend a registration's protection, answered by its manager:
the card the manager gets, and what approving or declining it does."""

from __future__ import annotations

from datetime import timedelta

from bot.core import ButtonClick, Reply, Request, ids
from bot.core.untrusted import untrusted
from handlers.caller import Caller
from handlers.deals.approval import deal_ref, load_for_decision
from handlers.deals.notices import deal_facts, extension_buttons, post_to_partner, when
from handlers.deps import Deps
from handlers.routes import Routes
from storage import deals as deal_store
from storage.deals import Deal


async def _answer_extension(
    click: ButtonClick, caller: Caller, deps: Deps, *, grant: bool
) -> list[Reply]:
    async with deps.sessions() as session, session.begin():
        deal = await load_for_decision(session, caller, deal_ref(click.value))
        if deal.extension_status != deal_store.EXTENSION_REQUESTED:
            events = await deal_store.list_events(session, deal.id)
            last = next((e for e in reversed(events) if e.kind.startswith("extension_")), None)
            said = (
                f" by {untrusted(last.actor_name)} on {when(last.at)}" if last is not None else ""
            )
            return [
                Reply(
                    text=f"The extension of {deal.ref} was already answered{said}.",
                    visibility="only_actor",
                )
            ]
        now = deps.clock()
        if grant:
            start = max(deal.protected_until or now, now)
            deal.protected_until = start + timedelta(days=deps.settings.deal_extension_days)
            deal.extensions_granted += 1
            deal.expiry_reminded_at = None
        deal.extension_status = (
            deal_store.EXTENSION_APPROVED if grant else deal_store.EXTENSION_DECLINED
        )
        deal.updated_at = now
        await deal_store.add_event(
            session,
            deal,
            kind="extension_approved" if grant else "extension_declined",
            at=now,
            actor_id=caller.person_id,
            actor_name=caller.name,
            from_status=deal.status,
            to_status=deal.status,
            detail={"protected_until": when(deal.protected_until)},
        )
        until = when(deal.protected_until)
        text = (
            f"The extension of *{deal.ref}* was approved: protected until {until}."
            if grant
            else f"The extension of *{deal.ref}* was declined; protection ends {until}."
        )
        await post_to_partner(session, deps, deal, Reply(text=text))
    verb = "approved" if grant else "declined"
    return [Reply(text=f"You {verb} the extension of *{deal.ref}*.", replace_original=True)]


async def on_approve_extension(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    return await _answer_extension(click, caller, deps, grant=True)


async def on_decline_extension(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    return await _answer_extension(click, caller, deps, grant=False)


def extension_card(deal: Deal, *, requested_by: str) -> Reply:
    return Reply(
        title=f"Extension requested: {deal.ref}",
        text=f"*{deal.partner.name}* ({untrusted(requested_by)}) asks to extend the protection of "
        f"{deal.ref}, which ends {when(deal.protected_until)}.",
        facts=deal_facts(deal, partner_name=deal.partner.name),
        buttons=extension_buttons(deal),
    )


ROUTES = Routes(
    actions={
        ids.DEAL_APPROVE_EXTENSION: on_approve_extension,
        ids.DEAL_DECLINE_EXTENSION: on_decline_extension,
    },
)
