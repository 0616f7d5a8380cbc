"""Composition root: settings -> database -> services -> platforms -> run."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from bot.core.settings import Settings
from handlers.deps import Deps, system_clock
from storage.engine import create_engine, create_session_factory

logger = logging.getLogger("partnerbot")

DEPS_KEY = web.AppKey("deps", Deps)


def build_deps(settings: Settings, *, engine: Any = None) -> Deps:
    """Build the dependencies every use case receives (one engine, one LLM client)."""
    engine = engine or create_engine(settings.async_database_url)
    llm = None
    if settings.openai_api_key is not None:
        from openai import AsyncOpenAI

        llm = AsyncOpenAI(
            api_key=settings.openai_api_key.get_secret_value(),
            base_url=settings.openai_base_url,
        )
    return Deps(
        settings=settings, sessions=create_session_factory(engine), clock=system_clock, llm=llm
    )


async def _healthz(request: web.Request) -> web.Response:
    deps = request.app[DEPS_KEY]
    from handlers.health import check_health

    report = await check_health(deps)
    return web.json_response(report, status=200 if report["database"] == "ok" else 503)


def build_web_app(deps: Deps) -> web.Application:
    """The one aiohttp app: /slack/events, /api/messages and /healthz."""
    from bot import slack, teams

    web_app = web.Application()
    web_app[DEPS_KEY] = deps
    web_app.router.add_get("/healthz", _healthz)
    slack.register(web_app, deps)
    teams.register(web_app, deps)
    return web_app


def main(argv: list[str] | None = None) -> int:
    """Console entry point (`partnerbot ...` == `python app.py ...`)."""
    from bot.cli import run_cli

    return run_cli(argv, build_deps=build_deps, build_web_app=build_web_app)


if __name__ == "__main__":
    raise SystemExit(main())
