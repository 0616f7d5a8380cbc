"""Ending a claim and recording a thread with statements built once: each call still
writes its own values, only for the worker that holds the claim; the first thread wins."""

from __future__ import annotations

from datetime import timedelta

from storage import outbox, outbox_claims
from storage import threads as thread_store
from storage.engine import SessionFactory
from tests.conftest import FIXED_NOW

_ROW: dict[str, object] = {
    "platform": "slack",
    "channel_id": "C1",
    "thread_id": None,
    "user_id": None,
    "thread_key": None,
    "payload": {"text": "hi"},
    "dedupe_key": None,
    "next_attempt_at": FIXED_NOW,
}


async def test_each_mark_records_its_own_values_for_the_claims_holder_only(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session, session.begin():
        await outbox.insert_rows(session, [_ROW, _ROW, _ROW])
        claimed = await outbox_claims.claim_due(
            session, now=FIXED_NOW, worker="w1", lease=timedelta(minutes=1), limit=10
        )
    first, second, third = (m.id for m in claimed)
    later = FIXED_NOW + timedelta(minutes=5)
    async with sessions() as session, session.begin():
        await outbox.mark_sent(session, first, worker="w2", now=FIXED_NOW, delivered_id="x")
        await outbox.mark_sent(session, first, worker="w1", now=FIXED_NOW, delivered_id="m1")
        await outbox.mark_sent(session, second, worker="w1", now=later, delivered_id="m2")
        await outbox.mark_retry(session, third, worker="w1", next_attempt_at=later, error="busy")
    async with sessions() as session:
        rows = {m.id: m for m in await outbox.list_outbox(session)}
    assert (rows[first].status, rows[first].message_id, rows[first].sent_at) == (
        outbox.SENT,
        "m1",
        FIXED_NOW,
    )
    assert (rows[second].message_id, rows[second].sent_at) == ("m2", later)
    assert (rows[third].status, rows[third].last_error) == (outbox.PENDING, "busy")
    assert rows[third].next_attempt_at == later
    assert all(m.attempts == 1 and m.claimed_by is None for m in rows.values())


async def test_the_first_record_of_a_thread_wins(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        for thread_id in ("t1", "t2"):
            await thread_store.save_thread(
                session, "deal:1", platform="slack", channel_id="C1", thread_id=thread_id
            )
        await thread_store.save_thread(
            session, "deal:2", platform="slack", channel_id="C1", thread_id="t3"
        )
    async with sessions() as session:
        found = await thread_store.get_threads(session, [("deal:1", "slack"), ("deal:2", "slack")])
    assert {key: t.thread_id for (key, _), t in found.items()} == {"deal:1": "t1", "deal:2": "t3"}


async def test_a_message_that_started_a_thread_is_marked_with_it_in_one_statement(
    backend: str, sessions: SessionFactory
) -> None:
    async with sessions() as session, session.begin():
        await outbox.insert_rows(session, [_ROW, _ROW])
        claimed = await outbox_claims.claim_due(
            session, now=FIXED_NOW, worker="w1", lease=timedelta(minutes=1), limit=10
        )
        await thread_store.save_thread(
            session, "deal:2", platform="slack", channel_id="C1", thread_id="t-old"
        )
    first, second = (m.id for m in claimed)
    engine = sessions.kw["bind"]
    for row_id, key, delivered in ((first, "deal:1", "m1"), (second, "deal:2", "m2")):
        thread = thread_store.save_thread_params(
            key, platform="slack", channel_id="C1", thread_id=f"t-{delivered}"
        )
        sent = {"worker": "w1", "now": FIXED_NOW, "delivered_id": delivered}
        if backend == "postgresql":  # one statement, no transaction around it
            async with engine.connect() as connection:
                alone = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await outbox.mark_sent_starting_thread(alone, row_id, **sent, thread=thread)
        else:  # SQLite: the two statements in one transaction
            async with sessions() as session, session.begin():
                await outbox.mark_sent(session, row_id, **sent)
                await thread_store.save_thread(
                    session, key, platform="slack", channel_id="C1", thread_id=f"t-{delivered}"
                )
    async with sessions() as session:
        rows = {m.id: m for m in await outbox.list_outbox(session)}
        found = await thread_store.get_threads(session, [("deal:1", "slack"), ("deal:2", "slack")])
    assert [(rows[i].status, rows[i].message_id, rows[i].claimed_by) for i in (first, second)] == [
        (outbox.SENT, "m1", None),
        (outbox.SENT, "m2", None),
    ]
    # The thread it started is recorded; a thread recorded before stays as it was.
    assert {key: t.thread_id for (key, _), t in found.items()} == {
        "deal:1": "t-m1",
        "deal:2": "t-old",
    }
