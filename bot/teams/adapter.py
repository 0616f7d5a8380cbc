"""The CloudAdapter, its one error boundary, and the `/api/messages` route."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from botbuilder.core import Bot, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity

from bot.core.settings import Settings
from handlers import messages

logger = logging.getLogger(__name__)

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class _BotConfig:
    """The attribute names botbuilder's configuration factory reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


def build_adapter(settings: Settings) -> CloudAdapter:
    """A CloudAdapter authenticated with the MICROSOFT_APP_* settings.

    With no MICROSOFT_APP_ID the bot runs in local mode: inbound requests without an
    Authorization header are accepted and outbound calls carry none. Only for local
    try-outs (Agents Playground) and tests.
    """
    password = settings.microsoft_app_password
    config = _BotConfig(
        APP_ID=settings.microsoft_app_id,
        APP_PASSWORD=password.get_secret_value() if password is not None else "",
        APP_TYPE=settings.microsoft_app_type,
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )
    if settings.teams_local_mode:
        logger.warning(
            "!!! TEAMS LOCAL MODE: MICROSOFT_APP_ID is not set, so /api/messages accepts "
            "UNAUTHENTICATED requests. Use this only on 127.0.0.1 for tests and Agents "
            "Playground; set MICROSOFT_APP_ID / MICROSOFT_APP_PASSWORD for real Teams. !!!"
        )
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
    adapter.on_turn_error = on_turn_error
    return adapter


async def on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    """The one Teams error boundary: log with the traceback, apologise neutrally."""
    activity = turn_context.activity
    logger.exception(
        "Teams turn failed (%s in %s)",
        activity.type,
        activity.conversation.id if activity.conversation is not None else "?",
        exc_info=error,
    )
    try:
        await turn_context.send_activity(MessageFactory.text(messages.APOLOGY))
    except Exception:  # boundary: the apology itself may fail (connector down)
        logger.exception("could not send the apology")


def _bad_request(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=400)


def messages_route(adapter: CloudAdapter, bot: Bot) -> Route:
    """`POST /api/messages`: malformed input -> 400 (never a traceback), the rest to
    `adapter.process` (activity types we don't handle are acknowledged and ignored)."""

    async def on_messages(request: web.Request) -> web.StreamResponse:
        if "json" not in request.content_type:
            return web.json_response({"error": "expected application/json"}, status=415)
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return _bad_request("malformed JSON")
        if not isinstance(body, dict):
            return _bad_request("expected a JSON object (an activity)")
        try:
            activity = Activity().deserialize(body)
        except ValueError:  # msrest's DeserializationError: a field of the wrong shape
            return _bad_request("not a Bot Framework activity")
        if not activity.type:
            return _bad_request("activity has no type")
        try:
            response = await adapter.process(request, bot)
        except web.HTTPException:
            raise
        except Exception:  # boundary: e.g. a bad Authorization header (JWT decode)
            logger.exception("could not process a Teams activity")
            return web.json_response({"error": "activity rejected"}, status=401)
        return response if response is not None else web.Response(status=200)

    return on_messages
