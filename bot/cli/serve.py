"""`partnerbot serve` (the default): the HTTP server, plus Socket Mode when configured."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
from typing import Any

from aiohttp import web

from bot.cli._database import safe_url
from bot.cli._errors import CliError
from bot.core.net import is_loopback_host
from bot.core.settings import Settings
from handlers.deps import Deps

logger = logging.getLogger("partnerbot")

NAME = "serve"
#: The collector's thresholds while serving. The youngest generation is collected
#: after this many more allocations than frees (CPython's default is 700): each of
#: those collections walks every object the requests in flight hold, whatever the
#: threshold, so fewer of them cost less. Measured at c16 (bench/slack_paths.py
#: /register-deal): the young collections' CPU fell from ~3.5 % to ~0.2 % of the
#: server's (~25 us a request); what they collect waits a little longer.
GC_THRESHOLDS = (5_000, 10, 10)


def add_parser(subparsers: Any) -> None:
    subparsers.add_parser(
        NAME, help="run the HTTP server (the default); Socket Mode when SLACK_APP_TOKEN is set"
    )


def describe(settings: Settings) -> list[str]:
    """What is configured, one line each, for the start-up banner (no secrets)."""
    http = settings.slack_enabled and settings.slack_signing_secret is not None
    if settings.slack_app_token is not None:
        slack = "Socket Mode (SLACK_APP_TOKEN)" + (", and HTTP at POST /slack/events" * http)
    elif http:
        slack = "HTTP at POST /slack/events"
    else:
        slack = "off (no SLACK_BOT_TOKEN)"
    teams = (
        "LOCAL MODE at POST /api/messages (no MICROSOFT_APP_ID: requests are not authenticated)"
        if settings.teams_local_mode
        else f"authenticated at POST /api/messages (app {settings.microsoft_app_id})"
    )
    llm = f"on ({settings.openai_model})" if settings.llm_enabled else "off (no OPENAI_API_KEY)"
    return [
        f"Slack: {slack}",
        f"Teams: {teams}",
        f"LLM: {llm}",
        f"Database: {safe_url(settings.async_database_url)}",
    ]


def _bound_port(runner: web.AppRunner, default: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return default


def _freeze_start_up_objects() -> None:
    """Move everything built at start-up (modules, models, SDK clients) out of the
    garbage collector's sight. Otherwise every full collection walks it all again:
    about 100 ms with the event loop stopped, felt as a latency spike by every request
    in flight (measured under load). Then the thresholds for serving (GC_THRESHOLDS)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def preflight(settings: Settings) -> None:
    """Checks before the database is opened (see bot.cli): refuse exposure."""
    check_exposure(settings)


def check_exposure(settings: Settings) -> None:
    """Refuse to serve Teams local mode (nothing authenticated) beyond this machine.

    Raises:
        CliError: HOST is not a loopback address and MICROSOFT_APP_ID is not set.
    """
    if settings.teams_local_mode and not is_loopback_host(settings.host):
        raise CliError(
            f"HOST={settings.host} would expose Teams local mode (no MICROSOFT_APP_ID: "
            "requests are not authenticated); set MICROSOFT_APP_ID and "
            "MICROSOFT_APP_PASSWORD, or HOST=127.0.0.1",
            code=2,
        )


async def run(args: argparse.Namespace, deps: Deps) -> int:
    settings = deps.settings
    check_exposure(settings)
    web_app = args.build_web_app(deps, serving=True)
    runner = web.AppRunner(web_app, handle_signals=False, access_log=None)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        try:
            await site.start()
        except OSError as exc:  # in use, not an address of this machine, no such host
            reason = exc.strerror or str(exc) or type(exc).__name__
            raise CliError(
                f"can't listen on {settings.host}:{settings.port} (HOST, PORT): {reason}"
            ) from exc
        port = _bound_port(runner, settings.port)
        logger.info("PartnerBot listening on http://%s:%d", settings.host, port)
        for line in describe(settings):
            logger.info("  %s", line)
        _freeze_start_up_objects()
        await stop.wait()
        logger.info("shutting down")
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await runner.cleanup()
    logger.info("stopped")
    return 0
