"""New outbox rows written on the driver: however many are queued at once (one
statement of VALUES, or an `executemany` past `lean.VALUES_ROWS`), every one is stored
with its values and defaults, in the order given."""

from __future__ import annotations

import pytest

from storage import lean, outbox
from storage.engine import SessionFactory
from tests.conftest import FIXED_NOW


@pytest.mark.parametrize("count", [1, 3, lean.VALUES_ROWS, lean.VALUES_ROWS + 2])
async def test_rows_queued_at_once_are_stored_in_order(
    sessions: SessionFactory, count: int
) -> None:
    rows: list[dict[str, object]] = [
        {
            "platform": "slack",
            "channel_id": f"C{n}",
            "payload": {"n": n},
            "next_attempt_at": FIXED_NOW,
        }
        for n in range(count)
    ]
    rows[0] |= {"user_id": "U1", "thread_key": "deal:1"}
    async with sessions() as session, session.begin():
        await outbox.insert_rows(session, rows)
        await outbox.insert_rows(session, rows[:1])
    async with sessions() as session:
        queued = await outbox.list_outbox(session)
    assert [(m.channel_id, m.payload) for m in queued] == [
        *((f"C{n}", {"n": n}) for n in range(count)),
        ("C0", {"n": 0}),
    ]
    assert [(m.user_id, m.thread_key) for m in queued[:2]] == [
        ("U1", "deal:1"),
        *([(None, None)] if count > 1 else [("U1", "deal:1")]),
    ]
    assert all(m.status == outbox.PENDING and m.attempts == 0 for m in queued)
    assert all(m.next_attempt_at == FIXED_NOW and m.created_at is not None for m in queued)
    assert all(m.dedupe_key is None and m.sent_at is None for m in queued)
