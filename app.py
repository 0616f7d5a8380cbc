"""Composition root: settings -> database -> services -> platforms -> run."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.core.settings import Settings
from handlers.deps import Deps, system_clock
from handlers.knowledge.index import KnowledgeIndex, build_embedder
from storage.engine import create_engine, create_session_factory

logger = logging.getLogger("partnerbot")

DEPS_KEY = web.AppKey("deps", Deps)
#: Async closers adapters add in `register` (HTTP client sessions ...); the server's
#: lifecycle awaits each one at shutdown, before the engine is disposed.
CLOSERS_KEY = web.AppKey("closers", list[Callable[[], Awaitable[None]]])


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
        settings=settings,
        sessions=create_session_factory(engine),
        clock=system_clock,
        llm=llm,
        knowledge=KnowledgeIndex(embedder=build_embedder(settings, llm) if llm else None),
    )


async def _healthz(request: web.Request) -> web.Response:
    deps = request.app[DEPS_KEY]
    from handlers.health import check_health

    report = await check_health(deps)
    return web.json_response(report, status=200 if report["database"] == "ok" else 503)


def build_web_app(deps: Deps, *, serving: bool = False) -> web.Application:
    """The one aiohttp app: /slack/events, /api/messages and /healthz.

    With `serving=True` (the `serve` command) the app also owns the process's
    background work and resources through `_lifecycle`.
    """
    from bot import slack, teams

    web_app = web.Application()
    web_app[DEPS_KEY] = deps
    web_app[CLOSERS_KEY] = []
    web_app.router.add_get("/healthz", _healthz)
    if serving:
        # First in, last out: adapters' own cleanup contexts (added in `register`)
        # finish their background work before the engine is disposed.
        web_app.cleanup_ctx.append(_lifecycle)
    slack.register(web_app, deps)
    teams.register(web_app, deps)
    return web_app


async def _lifecycle(web_app: web.Application) -> AsyncIterator[None]:
    """Start-up and shutdown of the server, in one place (Starlette-lifespan style):
    the scheduler and outbox loop, Slack Socket Mode, then at exit the adapters' HTTP
    sessions, the LLM client and the database engine."""
    deps = web_app[DEPS_KEY]
    # The knowledge index and its word list are read now, not on a partner's first question.
    await deps.knowledge.warm(deps.sessions)
    scheduler = _start_scheduler(deps)
    stop_socket_mode = await _start_socket_mode(web_app, deps)
    try:
        yield
    finally:
        if stop_socket_mode is not None:
            await stop_socket_mode()
        if scheduler is not None:
            await scheduler.stop()
        for close in web_app[CLOSERS_KEY][::-1]:
            await close()
        if deps.llm is not None:
            await deps.llm.close()
        if deps.people is not None:
            deps.people.close()
        await deps.sessions.kw["bind"].dispose()


def _start_scheduler(deps: Deps) -> Any:
    """Hook: the APScheduler runner (scheduling.runner) with the outbox loop."""
    from scheduling.runner import Runner

    runner = Runner(deps)
    runner.start()
    return runner


async def _start_socket_mode(
    web_app: web.Application, deps: Deps
) -> Callable[[], Awaitable[None]] | None:
    """Slack Socket Mode when SLACK_APP_TOKEN is set, as a task; returns its stopper."""
    if deps.settings.slack_app_token is None:
        return None
    from bot.slack import run_socket_mode

    task = asyncio.create_task(run_socket_mode(deps), name="slack-socket-mode")

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return stop


def main(argv: list[str] | None = None) -> int:
    """Console entry point (`partnerbot ...` == `python app.py ...`)."""
    from bot.cli import run_cli

    return run_cli(argv, build_deps=build_deps, build_web_app=build_web_app)


if __name__ == "__main__":
    raise SystemExit(main())
