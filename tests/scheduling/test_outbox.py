"""Outbox delivery: once, in threads, retried on transient errors, failed on permanent."""

from __future__ import annotations

from datetime import timedelta

from bot.core import Reply
from bot.core.delivery import Delivered, DeliveryError, Destination
from handlers.deps import Deps
from handlers.notify import queue_reply, thread_of
from scheduling.outbox import deliver_due
from storage import outbox, outbox_claims
from tests.conftest import FIXED_NOW


class RecordingSender:
    def __init__(self, failures: list[DeliveryError] | None = None) -> None:
        self.sent: list[tuple[Destination, Reply]] = []
        self.failures = list(failures or [])

    async def send(self, destination: Destination, reply: Reply) -> Delivered:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((destination, reply))
        n = len(self.sent)
        return Delivered(
            message_id=f"m{n}",
            channel_id=destination.channel_id or "D1",
            thread_id=destination.thread_id,
        )


async def _queue(deps: Deps, text: str, **kwargs: object) -> None:
    async with deps.sessions() as session, session.begin():
        await queue_reply(session, deps, reply=Reply(text=text), **kwargs)  # type: ignore[arg-type]


async def test_delivers_once_and_threads_follow_the_first_message(deps: Deps) -> None:
    sender = RecordingSender()
    deps.senders["slack"] = sender
    dest = Destination(platform="slack", channel_id="C1")
    await _queue(deps, "root", destination=dest, thread_key="deal:1")
    await deliver_due(deps, per_channel_interval=0)
    await _queue(deps, "follow-up", destination=dest, thread_key="deal:1")
    report = await deliver_due(deps, per_channel_interval=0)
    again = await deliver_due(deps, per_channel_interval=0)

    assert report.sent == 1 and again.sent == 0
    assert [r.text for _, r in sender.sent] == ["root", "follow-up"]
    assert sender.sent[0][0].thread_id is None
    assert sender.sent[1][0].thread_id == "m1"
    async with deps.sessions() as session:
        assert await thread_of(session, "deal:1", "slack") == Destination(
            platform="slack", channel_id="C1", thread_id="m1"
        )


async def test_a_follow_up_delivered_in_the_same_run_joins_the_new_thread(deps: Deps) -> None:
    sender = RecordingSender()
    deps.senders["slack"] = sender
    dest = Destination(platform="slack", channel_id="C1")
    await _queue(deps, "root", destination=dest, thread_key="deal:7")
    await _queue(deps, "follow-up", destination=dest, thread_key="deal:7")
    report = await deliver_due(deps, per_channel_interval=0)

    assert report.sent == 2
    assert [(d.thread_id, r.text) for d, r in sender.sent] == [(None, "root"), ("m1", "follow-up")]
    async with deps.sessions() as session:
        assert await thread_of(session, "deal:7", "slack") == Destination(
            platform="slack", channel_id="C1", thread_id="m1"
        )


async def test_dedupe_key_queues_once(deps: Deps) -> None:
    dest = Destination(platform="slack", channel_id="C1")
    async with deps.sessions() as session, session.begin():
        first = await queue_reply(
            session, deps, destination=dest, reply=Reply(text="a"), dedupe_key="k"
        )
        second = await queue_reply(
            session, deps, destination=dest, reply=Reply(text="a"), dedupe_key="k"
        )
    assert (first, second) == (True, False)


async def test_transient_error_is_retried_after_retry_after(deps: Deps) -> None:
    sender = RecordingSender([DeliveryError("ratelimited", transient=True, retry_after=30)])
    deps.senders["slack"] = sender
    await _queue(deps, "hello", destination=Destination(platform="slack", channel_id="C1"))

    first = await deliver_due(deps, now=FIXED_NOW, per_channel_interval=0)
    too_early = await deliver_due(
        deps, now=FIXED_NOW + timedelta(seconds=10), per_channel_interval=0
    )
    later = await deliver_due(deps, now=FIXED_NOW + timedelta(seconds=31), per_channel_interval=0)

    assert (first.retried, too_early.sent, later.sent) == (1, 0, 1)
    assert [r.text for _, r in sender.sent] == ["hello"]


async def test_permanent_error_marks_failed_with_reason(deps: Deps) -> None:
    deps.senders["slack"] = RecordingSender([DeliveryError("channel_not_found", transient=False)])
    await _queue(deps, "hello", destination=Destination(platform="slack", channel_id="C9"))
    report = await deliver_due(deps, per_channel_interval=0)
    async with deps.sessions() as session:
        (row,) = await outbox.list_outbox(session)
    assert report.failed == 1
    assert (row.status, row.last_error) == ("failed", "channel_not_found")


async def test_without_a_sender_the_message_stays_queued(deps: Deps) -> None:
    await _queue(deps, "hello", destination=Destination(platform="teams", channel_id="19:x"))
    report = await deliver_due(deps, per_channel_interval=0)
    async with deps.sessions() as session:
        (row,) = await outbox.list_outbox(session)
    assert report.retried == 1 and row.status == "pending"


async def test_a_claimed_row_is_not_claimed_twice(deps: Deps) -> None:
    await _queue(deps, "hello", destination=Destination(platform="slack", channel_id="C1"))
    lease = timedelta(minutes=1)
    async with deps.sessions() as session, session.begin():
        first = await outbox_claims.claim_due(session, now=FIXED_NOW, worker="a", lease=lease)
    async with deps.sessions() as session, session.begin():
        second = await outbox_claims.claim_due(session, now=FIXED_NOW, worker="b", lease=lease)
    later = FIXED_NOW + timedelta(minutes=2)
    async with deps.sessions() as session, session.begin():
        after_lease = await outbox_claims.claim_due(session, now=later, worker="b", lease=lease)
    assert (len(first), len(second), len(after_lease)) == (1, 0, 1)


async def test_messages_of_one_transaction_keep_their_order_and_not_before(deps: Deps) -> None:
    # Keyed messages wait in the session for the flush, the others are INSERTed at
    # once: the row ids still follow the order they were queued in.
    dest = Destination(platform="slack", channel_id="C1")
    later = FIXED_NOW + timedelta(hours=1)
    async with deps.sessions() as session, session.begin():
        for text, key, not_before in [
            ("a", "key-a", None),
            ("b", None, None),
            ("c", "key-c", None),
            ("d", None, later),
        ]:
            await queue_reply(
                session, deps, destination=dest, reply=Reply(text=text), dedupe_key=key,
                not_before=not_before,
            )  # fmt: skip
    async with deps.sessions() as session:
        rows = await outbox.list_outbox(session)
    assert [(m.payload["text"], m.dedupe_key) for m in rows] == [
        ("a", "key-a"),
        ("b", None),
        ("c", "key-c"),
        ("d", None),
    ]
    assert [m.next_attempt_at for m in rows] == [FIXED_NOW, FIXED_NOW, FIXED_NOW, later]
    assert rows[3].created_at == FIXED_NOW
