"""Microsoft Teams adapter: botbuilder `CloudAdapter` at `POST /api/messages`.

`register(web_app, deps)` builds the adapter from the MICROSOFT_APP_* settings (none
set: local mode, auth off, for Agents Playground and tests), serves the route, sets the
one error boundary (`adapter.on_turn_error`) and registers the Teams `Sender` for
proactive messages in `deps.senders["teams"]`.
"""

from __future__ import annotations

import logging

from aiohttp import web

from handlers.deps import Deps

logger = logging.getLogger(__name__)


def register(web_app: web.Application, deps: Deps) -> None:
    """Serve Teams on `web_app` and register the Teams sender in `deps.senders`."""
    from bot.teams.adapter import build_adapter, messages_route
    from bot.teams.bot import PartnerBotTeams
    from bot.teams.sender import TeamsSender

    settings = deps.settings
    adapter = build_adapter(settings)
    sender = TeamsSender(adapter, deps, app_id=settings.microsoft_app_id)
    bot = PartnerBotTeams(
        deps,
        sender=sender,
        home_tenant_id=settings.microsoft_app_tenant_id,
        local_mode=settings.teams_local_mode,
    )
    deps.senders["teams"] = sender
    route = messages_route(adapter, bot, local=settings.teams_local_mode)
    web_app.router.add_post("/api/messages", route)
