"""Liveness: is the database reachable, which platforms are configured."""

from __future__ import annotations

from handlers.deps import Deps
from storage.engine import ping


async def check_health(deps: Deps) -> dict[str, object]:
    """A JSON-ready health report; `database` is "ok" or the error's class name."""
    try:
        async with deps.sessions() as session:
            await ping(session)
        database = "ok"
    except Exception as exc:  # boundary: report, never raise, from a health probe
        database = type(exc).__name__
    settings = deps.settings
    return {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "platforms": {
            "slack": settings.slack_enabled,
            "teams": "local" if settings.teams_local_mode else "authenticated",
            "llm": settings.llm_enabled,
        },
    }
