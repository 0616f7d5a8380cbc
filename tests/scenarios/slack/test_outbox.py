"""The outbox through the real Slack sender and the fake Web API: rate limits and
outages are waited out (every message delivered once, in order per channel), and a
channel the bot was removed from fails for good, with the reason, once per message at
most, without holding up the rest of the queue. Admins see the failures in chat."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiohttp.test_utils import TestServer

from bot.core import Reply
from bot.core.delivery import Destination
from handlers import messages
from handlers.deps import Deps
from handlers.notify import queue_reply
from scheduling.outbox import DeliveryReport, deliver_due
from storage import outbox
from tests.conftest import FIXED_NOW
from tests.scenarios.slack.conftest import MakePerson
from tests.scenarios.slack.fakes import FakeSlackApi, SlackDriver


async def _queue(deps: Deps, messages: list[tuple[str, str]]) -> None:
    """Queue (channel, text) pairs in this order, in one transaction."""
    async with deps.sessions() as session, session.begin():
        for channel, text in messages:
            await queue_reply(
                session,
                deps,
                destination=Destination(platform="slack", channel_id=channel),
                reply=Reply(text=text),
            )


async def _deliver(deps: Deps, at: datetime) -> DeliveryReport:
    return await deliver_due(deps, now=at, per_channel_interval=0)


def _texts(api: FakeSlackApi, channel: str) -> list[str]:
    return [c.params["text"] for c in api.posted(channel)]


async def test_rate_limits_and_errors_are_waited_out_once_each_in_order(
    slack_server: TestServer, slack_deps: Deps, fake_slack: FakeSlackApi
) -> None:
    channels = ("C-ONE", "C-TWO", "C-THREE")
    queued = [(channels[n % 3], f"{channels[n % 3]} #{n // 3}") for n in range(30)]
    await _queue(slack_deps, queued)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7, times=4)
    fake_slack.fail_next("chat.postMessage", status=500, times=4)

    at, rounds = FIXED_NOW, 0
    while len(fake_slack.posted()) < len(queued) and rounds < 30:
        await _deliver(slack_deps, at)
        at, rounds = at + timedelta(minutes=2), rounds + 1

    refused = [c for c in fake_slack.calls("chat.postMessage") if not c.ok]
    assert len(refused) == 8  # every 429 and 500 was met, and waited out
    for channel in channels:
        assert _texts(fake_slack, channel) == [text for c, text in queued if c == channel]
    assert len(fake_slack.posted()) == len(queued)  # none twice
    async with slack_deps.sessions() as session:
        rows = await outbox.list_outbox(session)
    assert {row.status for row in rows} == {"sent"}
    assert await _deliver(slack_deps, at + timedelta(hours=1)) == DeliveryReport()


async def test_a_retry_holds_back_later_messages_to_its_channel_only(
    slack_server: TestServer, slack_deps: Deps, fake_slack: FakeSlackApi
) -> None:
    await _queue(slack_deps, [("C-ONE", "first"), ("C-ONE", "second"), ("C-TWO", "other")])
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=30)

    report = await _deliver(slack_deps, FIXED_NOW)
    assert (report.sent, report.retried) == (1, 1)
    assert _texts(fake_slack, "C-ONE") == [] and _texts(fake_slack, "C-TWO") == ["other"]
    assert (await _deliver(slack_deps, FIXED_NOW + timedelta(seconds=20))).sent == 0
    assert (await _deliver(slack_deps, FIXED_NOW + timedelta(seconds=31))).sent == 2
    assert _texts(fake_slack, "C-ONE") == ["first", "second"]


async def test_a_channel_the_bot_left_fails_for_good_without_a_retry_storm(
    slack_server: TestServer, slack_deps: Deps, fake_slack: FakeSlackApi
) -> None:
    fake_slack.gone.update({"C-GONE": "channel_not_found", "C-KICKED": "not_in_channel"})
    fake_slack.gone["C-ARCHIVED"] = "is_archived"
    queued = [
        (channel, f"{channel} #{n}")
        for n in range(4)
        for channel in ("C-GONE", "C-OK", "C-KICKED", "C-ARCHIVED")
    ]
    await _queue(slack_deps, queued)

    report = await _deliver(slack_deps, FIXED_NOW)
    later = await _deliver(slack_deps, FIXED_NOW + timedelta(days=1))

    assert (report.sent, report.retried, report.failed) == (4, 0, 12)
    assert later == DeliveryReport()
    assert _texts(fake_slack, "C-OK") == [f"C-OK #{n}" for n in range(4)]
    tried = [c.params["channel"] for c in fake_slack.calls("chat.postMessage") if not c.ok]
    assert sorted(tried) == ["C-ARCHIVED", "C-GONE", "C-KICKED"]  # one call each, ever
    async with slack_deps.sessions() as session:
        failed = await outbox.list_failed(session)
    reasons = {(row.channel_id, row.last_error) for row in failed}
    assert reasons == {
        ("C-GONE", "channel_not_found"),
        ("C-KICKED", "not_in_channel"),
        ("C-ARCHIVED", "is_archived"),
    }
    assert len(failed) == 12


async def test_admins_see_failed_deliveries_in_chat_and_others_do_not(
    slack: SlackDriver, slack_deps: Deps, fake_slack: FakeSlackApi, make_person: MakePerson
) -> None:
    await make_person("U0ADMIN", role="admin")
    await make_person("U0MANAGER", role="manager")
    fake_slack.gone["C-GONE"] = "channel_not_found"
    await _queue(slack_deps, [("C-GONE", "Check-in: Acme"), ("C-OK", "fine")])
    await _deliver(slack_deps, FIXED_NOW)

    shown = await slack.command("/partnerbot", "outbox failed", user="U0ADMIN")
    refused = await slack.command("/partnerbot", "outbox failed", user="U0MANAGER")
    helped = await slack.command("/partnerbot", "help", user="U0ADMIN")

    text = shown.block_text()
    assert "Deliveries that failed for good" in text
    assert "C-GONE" in text and "channel_not_found" in text and "Check-in: Acme" in text
    assert "C-OK" not in text
    assert refused.message()["text"] == messages.ADMIN_ONLY
    assert "outbox failed" in helped.block_text()
