"""Slack adapter: a slack-bolt AsyncApp behind POST /slack/events, or over Socket Mode.

`register(web_app, deps)` is called by app.py. It translates only: payloads become
neutral Requests for `handlers.router.dispatch`, and the Replies become Web API calls.

Acknowledgement mode: the bolt app runs with `process_before_response=True`, and
every listener acks first and hands the real work to a tracked asyncio task
(`Tasks`). Bolt's default mode would do the same work in a task, but it waits for the
ack by polling in 10 ms steps, which costs ~12 ms per command or click at low
concurrency (issue 2; PLATFORM.md S2). With our listeners acking in well under a
millisecond, Slack gets its HTTP response at once and slow work never delays it.
The one listener that works *before* its ack is a modal submission (field errors go
back in the ack); it has a 2 s budget (views.py).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import actions, commands, events, views
from bot.slack.outbound import apologize, apology_target
from bot.slack.payloads import SHAPE_ERRORS, MalformedPayload, bolt_request
from bot.slack.sender import SlackSender
from bot.slack.tasks import Tasks
from bot.slack.wire import client_session
from handlers.deps import Deps

logger = logging.getLogger(__name__)

PATH = "/slack/events"
#: A Unix time in seconds has 10 digits until the year 2286; longer is not a timestamp
#: (and a 400-digit one overflows slack_sdk's clock arithmetic).
MAX_TIMESTAMP_DIGITS = 12
#: How often a 429 is retried (each after its Retry-After) before the call fails.
RATE_LIMIT_RETRIES = 2


@dataclass(frozen=True)
class SlackRuntime:
    """The running adapter: the bolt app, its Web API clients and its background work.

    `outbox_client` is the outbox sender's: it does not wait out a 429 in the process
    (the outbox records the Retry-After in the message's row and moves on)."""

    bolt: AsyncApp
    client: AsyncWebClient
    outbox_client: AsyncWebClient
    tasks: Tasks

    def use_session(self, session: aiohttp.ClientSession | None) -> None:
        """Share one HTTP session between both clients (None: each call opens one)."""
        self.client.session = session
        self.outbox_client.session = session


SLACK_KEY = web.AppKey("slack", SlackRuntime)


def build_client(
    deps: Deps,
    *,
    session: aiohttp.ClientSession | None = None,
    rate_limit_retries: int = RATE_LIMIT_RETRIES,
) -> AsyncWebClient:
    """The Web API client: SLACK_API_URL as base URL, 429s retried after Retry-After
    (`rate_limit_retries` times), dropped connections retried once."""
    token = deps.settings.slack_bot_token
    if token is None:
        raise ValueError("SLACK_BOT_TOKEN is not set")
    return AsyncWebClient(
        token=token.get_secret_value(),
        base_url=deps.settings.slack_api_url,
        session=session,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            *(
                [AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)]
                if rate_limit_retries > 0
                else []
            ),
        ],
    )


def build_runtime(deps: Deps) -> SlackRuntime:
    """Build the bolt app with every surface registered, and the outbox Sender."""
    client = build_client(deps)
    secret = deps.settings.slack_signing_secret
    bolt = AsyncApp(
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        # HTTP requests are verified by `slack_events` before bolt sees them (so an
        # unsigned body is never parsed); Socket Mode payloads are not signed at all.
        request_verification_enabled=False,
        process_before_response=True,  # see the module docstring
        logger=logging.getLogger("slack_bolt"),
    )
    tasks = Tasks()
    # Bolt tries listeners in this order, building each matcher's arguments anew
    # (~20 us each): one listener per payload type, so a request costs at most four
    # matches; events (every message in the bot's channels) right after commands.
    commands.register(bolt, deps, tasks=tasks)
    events.register(bolt, deps, tasks=tasks)
    views.register(bolt, deps, tasks=tasks)
    actions.register(bolt, deps, tasks=tasks)

    async def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse | None:
        if isinstance(error, MalformedPayload):  # a payload check_body let through
            logger.warning("rejecting a malformed Slack payload: %s", error)
            return BoltResponse(status=400, body='{"error":"malformed request"}')
        logger.error("Slack listener failed", exc_info=error)
        channel_id, user_id = apology_target(body)
        tasks.spawn(apologize(client, channel_id=channel_id, user_id=user_id))
        if body.get("type") == "event_callback":
            return BoltResponse(status=200, body="")  # a retry would fail the same way
        return None

    bolt.error(on_error)
    outbox_client = build_client(deps, rate_limit_retries=0)
    deps.senders["slack"] = SlackSender(outbox_client)
    return SlackRuntime(bolt=bolt, client=client, outbox_client=outbox_client, tasks=tasks)


def _json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def register(web_app: web.Application, deps: Deps) -> None:
    """Serve POST /slack/events from `web_app` (404 when Slack is not configured)."""
    if not deps.settings.slack_enabled or deps.settings.slack_signing_secret is None:

        async def not_configured(request: web.Request) -> web.Response:
            return _json_error(404, "slack is not configured")

        web_app.router.add_post(PATH, not_configured)
        return

    runtime = build_runtime(deps)
    verifier = SignatureVerifier(deps.settings.slack_signing_secret.get_secret_value())
    web_app[SLACK_KEY] = runtime

    async def slack_events(request: web.Request) -> web.StreamResponse:
        # Verified here, not by bolt, so that an unsigned body is never parsed; bolt
        # gets a signed one parsed once, and a malformed one is a 400, not bolt's 500.
        # Slack sends UTF-8 whatever the Content-Type says, so its charset is ignored.
        try:
            raw = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:
            logger.warning("rejecting a Slack request whose body is not UTF-8")
            return _json_error(400, "malformed request")
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature")
        if not (
            timestamp.isascii()
            and timestamp.isdigit()
            and len(timestamp) <= MAX_TIMESTAMP_DIGITS
            and verifier.is_valid(body=raw, timestamp=timestamp, signature=signature)
        ):
            logger.warning("rejecting a Slack request without a valid signature")
            return _json_error(401, "invalid request")
        try:
            parsed = bolt_request(raw, query=request.query_string, headers=request.headers)
        except MalformedPayload as exc:
            logger.warning("rejecting a malformed Slack request: %s", exc)
            return _json_error(400, "malformed request")
        try:
            response = await runtime.bolt.async_dispatch(parsed)
        except SHAPE_ERRORS as exc:  # bolt's matchers read a field of an odd type
            logger.warning("rejecting a Slack payload bolt cannot read: %r", exc)
            return _json_error(400, "malformed request")
        return await to_aiohttp_response(response)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        # One HTTP session for every Web API call (a new one per call costs a TCP
        # connection each time); created here because it needs the running loop.
        async with client_session() as session:
            runtime.use_session(session)
            try:
                yield
                await runtime.tasks.close()
            finally:
                runtime.use_session(None)  # later sends open their own

    web_app.router.add_post(PATH, slack_events)
    web_app.cleanup_ctx.append(lifecycle)


async def run_socket_mode(deps: Deps) -> None:
    """Serve Slack over Socket Mode (SLACK_APP_TOKEN) until cancelled.

    Runs its own bolt app and client next to the HTTP server; on cancellation it
    closes the WebSocket, waits briefly for background work and closes its session.
    """
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    app_token = deps.settings.slack_app_token
    if app_token is None:
        raise ValueError("SLACK_APP_TOKEN is not set")
    runtime = build_runtime(deps)
    async with client_session() as session:
        runtime.use_session(session)
        handler = AsyncSocketModeHandler(
            runtime.bolt, app_token.get_secret_value(), web_client=runtime.client
        )
        try:
            await handler.start_async()  # type: ignore[no-untyped-call]
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]
            await runtime.tasks.close()
            runtime.use_session(None)
