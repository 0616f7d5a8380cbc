"""The outbox's Slack Sender against the fake Web API: where messages go and how
failures are classified for retrying."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.core.delivery import DeliveryError, Destination
from bot.core.model import Reply
from bot.core.settings import Settings
from bot.slack import build_client
from bot.slack.sender import SlackSender
from handlers.deps import Deps
from storage.engine import SessionFactory
from tests.scenarios.slack.fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackApi]:
    fake = FakeSlackApi()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def sender(api: FakeSlackApi) -> AsyncIterator[SlackSender]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api.url,
    )
    deps = Deps(settings=settings, sessions=_no_db)
    async with aiohttp.ClientSession() as session:
        yield SlackSender(build_client(deps, session=session))


def _no_db() -> SessionFactory:
    raise AssertionError("the sender never touches the database")


async def test_posts_to_a_channel_thread(api: FakeSlackApi, sender: SlackSender) -> None:
    delivered = await sender.send(
        Destination("slack", channel_id="C1", thread_id="1.1"), Reply(text="Reminder: **QBR**")
    )
    [call] = api.calls("chat.postMessage")
    assert (call.params["channel"], call.params["thread_ts"]) == ("C1", "1.1")
    assert call.params["text"] == "Reminder: *QBR*"
    assert (delivered.channel_id, delivered.thread_id) == ("C1", "1.1")
    assert delivered.message_id.startswith("1700000000.")


async def test_posts_to_a_person_through_their_dm(api: FakeSlackApi, sender: SlackSender) -> None:
    delivered = await sender.send(Destination("slack", user_id="U7"), Reply(text="Hi"))
    [opened] = api.calls("conversations.open")
    assert opened.params["users"] == "U7"
    [call] = api.calls("chat.postMessage")
    assert call.params["channel"] == "D0U7" == delivered.channel_id


async def test_rate_limit_retried_then_transient_with_retry_after(
    api: FakeSlackApi, sender: SlackSender
) -> None:
    api.fail("chat.postMessage", status=429, retry_after=1, times=1)
    await sender.send(Destination("slack", channel_id="C1"), Reply(text="once"))
    assert len(api.calls("chat.postMessage")) == 2  # retried by the client after Retry-After


@pytest.mark.parametrize(
    ("status", "error", "transient"),
    [
        (500, "fatal_error", True),
        (503, "service_unavailable", True),
        (200, "channel_not_found", False),
        (200, "not_in_channel", False),
        (200, "invalid_blocks", False),
    ],
)
async def test_failures_are_classified(
    api: FakeSlackApi, sender: SlackSender, status: int, error: str, transient: bool
) -> None:
    api.fail("chat.postMessage", status=status, error=error)
    with pytest.raises(DeliveryError) as caught:
        await sender.send(Destination("slack", channel_id="C1"), Reply(text="x"))
    assert caught.value.transient is transient
    assert caught.value.reason == error


async def test_exhausted_rate_limit_is_transient_with_retry_after(api: FakeSlackApi) -> None:
    # A client without retry handlers shows what the outbox sees once they give up.
    from slack_sdk.web.async_client import AsyncWebClient

    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(
            token=BOT_TOKEN, base_url=api.url, session=session, retry_handlers=[]
        )
        api.fail("chat.postMessage", status=429, retry_after=30)
        with pytest.raises(DeliveryError) as caught:
            await SlackSender(client).send(Destination("slack", channel_id="C1"), Reply(text="x"))
    assert caught.value.transient and caught.value.retry_after == 30


async def test_network_failure_is_transient() -> None:
    from slack_sdk.web.async_client import AsyncWebClient

    async with aiohttp.ClientSession() as session:
        # Port 9 on loopback: nothing listens, the connection is refused.
        client = AsyncWebClient(
            token=BOT_TOKEN, base_url="http://127.0.0.1:9/api/", session=session, retry_handlers=[]
        )
        with pytest.raises(DeliveryError) as caught:
            await SlackSender(client).send(Destination("slack", channel_id="C1"), Reply(text="x"))
    assert caught.value.transient


async def test_destination_without_address_is_permanent(sender: SlackSender) -> None:
    with pytest.raises(DeliveryError) as caught:
        await sender.send(Destination("slack"), Reply(text="x"))
    assert not caught.value.transient
