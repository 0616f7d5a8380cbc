"""The caller's scorecard for a home surface (Slack App Home): a manager sees the table of
their partners, a partner admin their own organisation's scorecard."""

from __future__ import annotations

from bot.core import Reply, Request
from bot.core.errors import NotAllowed
from handlers.caller import load_caller
from handlers.deps import Deps
from handlers.digests.chat import scorecard_command
from handlers.digests.kpis import at_risk, kpi_line, load_kpis
from storage.kpis import managed_partner_ids
from storage.quarters import Quarter

#: Partners listed on the home tab (the rest: "and N more").
HOME_ROWS = 40


async def home_reply(request: Request, deps: Deps) -> Reply:
    caller = await load_caller(deps.sessions, request, reader=deps.people)
    now = deps.clock()
    quarter = Quarter.of(now)
    if caller.is_staff:
        async with deps.sessions() as session:
            ids = await managed_partner_ids(session, caller.person_id)
            kpis = await load_kpis(session, deps.settings, ids, quarter, now=now)
        currency = deps.settings.deal_default_currency
        rows = sorted(kpis.values(), key=lambda k: k.partner.casefold())
        lines = []
        for k in rows[:HOME_ROWS]:
            reasons = at_risk(k, deps.settings, now=now)
            lines.append(
                "- " + kpi_line(k, currency) + (f" · ⚠ {'; '.join(reasons)}" if reasons else "")
            )
        if len(rows) > HOME_ROWS:
            lines.append(f"_and {len(rows) - HOME_ROWS} more_")
        return Reply(
            title=f"Your partners, {quarter.label}",
            text="\n".join(lines) or "You own no partners yet.",
            context=("`/partnerbot scorecard <partner>` shows one partner in full.",),
        )
    try:
        [card] = await scorecard_command(request, caller, deps)
    except NotAllowed:
        return Reply(text="Your organisation's scorecard is shown to its partner admins.")
    return Reply(title=card.title, text=card.text, facts=card.facts, warning=card.warning)
