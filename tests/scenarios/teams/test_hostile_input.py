"""What a hostile or sloppy client sends to /api/messages: 4xx and one WARNING line,
never a traceback; in local mode nothing reaches (or is remembered for) a connector
that is not on this machine; in authenticated mode only the serviceUrl the token
vouches for is called; a connector that misbehaves cannot hold a request."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import urllib3.util.connection
from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    MicrosoftAppCredentials,
)
from sqlalchemy import func, select

from bot.core.delivery import Destination
from bot.core.model import Reply
from bot.core.settings import Settings
from bot.teams.adapter import build_adapter, messages_route, on_turn_error
from bot.teams.bot import PartnerBotTeams
from bot.teams.guard import GuardedAuthentication
from bot.teams.sender import TeamsSender
from handlers.deps import Deps
from storage import conversations
from tests.scenarios.teams.fakes import ALICE, BOT_ID, FakeConnector, TeamsDriver

NESTED = b"[" * 100_000 + b"]" * 100_000


async def _stored_count(deps: Deps) -> int:
    async with deps.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(conversations.Conversation))
        return int(count or 0)


def _loud(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Records at WARNING or above; fails on an ERROR or a traceback."""
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert all(r.levelno == logging.WARNING and not r.exc_info for r in loud), [
        (r.levelname, r.getMessage()) for r in loud
    ]
    return loud


def _personal(teams: TeamsDriver, text: str, *, service_url: str) -> dict[str, Any]:
    conversation = {"id": teams.personal_conversation(ALICE), "conversationType": "personal"}
    activity = teams._message(teams._base(conversation, ALICE), text, mention=False)
    return {**activity, "serviceUrl": service_url}


async def test_deeply_nested_json_is_400_with_one_warning(
    teams: TeamsDriver, deps: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    assert await teams.post(NESTED) == 400
    assert len(_loud(caplog)) == 1
    assert await _stored_count(deps) == 0


@pytest.mark.parametrize(
    "service_url",
    [
        "http://10.0.0.1:8080/internal/",
        "https://evil.example/",
        "http://user:pw@127.0.0.1:9/",
        "file:///etc/passwd",
        "",
    ],
)
async def test_local_mode_answers_only_a_connector_on_this_machine(
    teams: TeamsDriver, deps: Deps, caplog: pytest.LogCaptureFixture, service_url: str
) -> None:
    status = await teams.post(_personal(teams, "help", service_url=service_url))
    assert status == 401
    assert len(_loud(caplog)) == 1
    assert teams.sent() == []
    assert await _stored_count(deps) == 0


async def test_local_mode_serves_only_requests_addressed_to_loopback(
    teams: TeamsDriver, deps: Deps
) -> None:
    """A page that rebinds its own DNS name to 127.0.0.1 still names itself in Host."""
    activity = _personal(teams, "help", service_url=teams.connector.url)
    headers = {"Host": "rebound.example:3978"}
    async with teams.http.post(teams.bot_url, json=activity, headers=headers) as response:
        assert response.status == 401
    assert teams.sent() == []
    assert await _stored_count(deps) == 0


async def test_a_local_turn_never_moves_a_stored_chat_to_another_connector(
    teams: TeamsDriver, deps: Deps
) -> None:
    await teams.personal("help")  # Alice's 1:1 chat, through the usual connector
    other = FakeConnector()
    await other.start()
    try:
        # Someone on this machine replays Alice's chat through a connector of their own,
        # and opens a new "1:1 chat with Alice" there.
        await teams.post(_personal(teams, "help", service_url=other.url))
        forged = _personal(teams, "help", service_url=other.url)
        forged["conversation"] = {"id": "a:forged", "conversationType": "personal"}
        await teams.post(forged)
        teams.mark()
        other.sent.clear()
        sender = deps.senders["teams"]
        await sender.send(Destination(platform="teams", user_id=ALICE.id), Reply(text="Deal card"))
    finally:
        await other.stop()
    [card] = teams.since()
    assert card.conversation_id == teams.personal_conversation(ALICE)
    assert other.sent == []


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_unreachable_connector_is_tried_once_per_call(
    teams: TeamsDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """msrest retries a refused connection 3 times with back-off (4.8 s per call: the
    answer, then the apology, held the request ~9.6 s); a turn now tries once per call."""
    port = _closed_port()
    attempts: list[tuple[str, int]] = []
    connect = urllib3.util.connection.create_connection

    def counting(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(address)
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting)
    await teams.post(_personal(teams, "help", service_url=f"http://127.0.0.1:{port}/"))
    assert [a for a in attempts if a[1] == port] == [("127.0.0.1", port)] * 2


# -- authenticated mode -------------------------------------------------------------------


class _TokenSays(BotFrameworkAuthentication):  # type: ignore[misc]
    """Stands in for botbuilder's JWT validation: every token is valid and vouches for
    `claimed` (the `serviceurl` claim); connector clients go out without credentials."""

    def __init__(self, claimed: str | None) -> None:
        self.claimed = claimed

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        claims = {"aud": BOT_ID, "iss": "https://api.botframework.com"}
        if self.claimed is not None:
            claims["serviceurl"] = self.claimed
        result = AuthenticateRequestResult()
        result.claims_identity = ClaimsIdentity(claims, True)
        result.audience = "https://api.botframework.com"
        result.connector_factory = self.create_connector_factory(result.claims_identity)
        return result

    async def authenticate_streaming_request(self, *args: Any) -> AuthenticateRequestResult:
        raise NotImplementedError

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        class _Factory(ConnectorFactory):  # type: ignore[misc]
            async def create(self, service_url: str, audience: str | None = None) -> Any:
                return ConnectorClient(MicrosoftAppCredentials.empty(), base_url=service_url)

        return _Factory()

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> Any:
        return None  # PartnerBot uses no user tokens (OAuth sign-in)


@pytest.fixture
async def authenticated(deps: Deps, connector: FakeConnector) -> AsyncIterator[tuple[str, Any]]:
    """The real CloudAdapter, guard and bot, behind a stand-in token validator."""
    token = _TokenSays(connector.url)
    adapter = CloudAdapter(GuardedAuthentication(token, local=False))
    adapter.on_turn_error = on_turn_error
    bot = PartnerBotTeams(deps, sender=TeamsSender(adapter, deps, app_id=BOT_ID))
    app = web.Application()
    app.router.add_post("/api/messages", messages_route(adapter, bot))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/api/messages", token
    await runner.cleanup()


@pytest.mark.parametrize("claimed", ["vouched", "another", "none"])
async def test_authenticated_mode_calls_only_the_service_url_the_token_vouches_for(
    authenticated: tuple[str, Any],
    teams: TeamsDriver,
    deps: Deps,
    caplog: pytest.LogCaptureFixture,
    claimed: str,
) -> None:
    url, token = authenticated
    token.claimed = {
        "vouched": teams.connector.url,
        "another": "https://smba.trafficmanager.net/emea/",
        "none": None,
    }[claimed]
    activity = _personal(teams, "help", service_url=teams.connector.url)
    headers = {"Authorization": "Bearer test-token"}
    async with teams.http.post(url, json=activity, headers=headers) as response:
        status = response.status
    if claimed == "vouched":
        assert status < 300
        assert [sent.conversation_id for sent in teams.sent()] == [
            teams.personal_conversation(ALICE)
        ]
        assert await _stored_count(deps) == 1
    else:
        assert status == 401
        assert len(_loud(caplog)) == 1
        assert teams.sent() == []
        assert await _stored_count(deps) == 0


@pytest.mark.parametrize(
    "authorization",
    ["", "garbage", "Bearer garbage", "Bearer a.b.c", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"],
)
async def test_a_bad_authorization_header_is_401_with_one_warning(
    deps: Deps, teams: TeamsDriver, caplog: pytest.LogCaptureFixture, authorization: str
) -> None:
    """botbuilder's own validation (no stand-in): a token it cannot even decode."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, microsoft_app_id=BOT_ID, microsoft_app_password="secret"
    )
    adapter = build_adapter(settings)
    bot = PartnerBotTeams(deps, sender=TeamsSender(adapter, deps, app_id=BOT_ID))
    app = web.Application()
    app.router.add_post("/api/messages", messages_route(adapter, bot))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        activity = _personal(teams, "help", service_url="https://smba.trafficmanager.net/emea/")
        headers = {"Authorization": authorization} if authorization else {}
        url = f"http://{host}:{port}/api/messages"
        async with teams.http.post(url, json=activity, headers=headers) as response:
            assert response.status == 401
    finally:
        await runner.cleanup()
    assert len(_loud(caplog)) == 1
    assert await _stored_count(deps) == 0
