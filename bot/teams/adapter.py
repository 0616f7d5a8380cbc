"""The CloudAdapter, its one error boundary, and the `/api/messages` route."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import jwt
from aiohttp import web
from botbuilder.core import Bot, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity

from bot.core.net import is_loopback_host
from bot.core.settings import Settings
from bot.teams.guard import GuardedAuthentication
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
    try-outs (Agents Playground) and tests: `serve` refuses it unless HOST is a
    loopback address, and `guard.py` answers and calls only connectors on this machine.
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
    authentication = ConfigurationBotFrameworkAuthentication(config)
    adapter = CloudAdapter(GuardedAuthentication(authentication, local=settings.teams_local_mode))
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
    logger.warning("rejecting a Teams request: %s", reason)
    return web.json_response({"error": reason}, status=400)


#: Longest conversation id and user/team id kept (Teams' own are about 100 characters).
MAX_CONVERSATION_ID_CHARS = 512
MAX_ID_CHARS = 255
#: What `adapter.process` raises for a request it refuses to authenticate (a missing or
#: malformed Authorization header, a bad token, an activity `guard.py` refuses).
_REFUSED = (
    PermissionError,
    jwt.PyJWTError,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    IndexError,
)


def shape_problem(activity: Activity) -> str | None:
    """Why `activity` cannot be a Teams activity we answer, or None. Checked before
    botbuilder runs the turn, which assumes these fields."""
    if not activity.type:
        return "activity has no type"
    conversation = activity.conversation
    if conversation is None or not isinstance(conversation.id, str) or not conversation.id:
        return "activity has no conversation id"
    sender = getattr(activity.from_property, "id", None) or ""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = data.get("team")
    team_id = team.get("id") if isinstance(team, dict) else data.get("teamsTeamId")
    if (
        len(conversation.id) > MAX_CONVERSATION_ID_CHARS
        or len(str(sender)) > MAX_ID_CHARS
        or len(str(team_id or "")) > MAX_ID_CHARS
    ):
        return "an id in the activity is too long to be a Teams id"
    if activity.type == "conversationUpdate" and not isinstance(activity.channel_data, dict):
        return "conversationUpdate without channelData"  # botbuilder reads its team
    return None


def messages_route(adapter: CloudAdapter, bot: Bot, *, local: bool = False) -> Route:
    """`POST /api/messages`: malformed input -> 400 (never a traceback), the rest to
    `adapter.process` (activity types we don't handle are acknowledged and ignored).

    In local mode (`local`) only a request addressed to a loopback host is served: a
    web page that rebinds its own name to 127.0.0.1 cannot talk to the bot.
    """

    async def on_messages(request: web.Request) -> web.StreamResponse:
        if local and not is_loopback_host(request.url.host or ""):
            logger.warning("rejecting a Teams request for host %r in local mode", request.host)
            return web.json_response({"error": "activity rejected"}, status=401)
        if "json" not in request.content_type:
            logger.warning("rejecting a Teams request with Content-Type %s", request.content_type)
            return web.json_response({"error": "expected application/json"}, status=415)
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _bad_request("malformed JSON")
        if not isinstance(body, dict):
            return _bad_request("expected a JSON object (an activity)")
        try:
            activity = Activity().deserialize(body)
        except (ValueError, RecursionError):  # msrest's DeserializationError: a bad field
            return _bad_request("not a Bot Framework activity")
        problem = shape_problem(activity)
        if problem is not None:
            return _bad_request(problem)
        try:
            response = await adapter.process(request, bot)
        except web.HTTPUnauthorized:
            logger.warning("rejecting an unauthenticated Teams activity")
            raise
        except web.HTTPException:
            raise
        except _REFUSED as exc:
            logger.warning("rejecting a Teams activity: %s: %s", type(exc).__name__, exc)
            return web.json_response({"error": "activity rejected"}, status=401)
        except Exception:  # boundary: anything else is ours to fix
            logger.exception("could not process a Teams activity")
            return web.json_response({"error": "activity rejected"}, status=401)
        return response if response is not None else web.Response(status=200)

    return on_messages
