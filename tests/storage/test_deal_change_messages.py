"""A registration's change queues its messages with it: on PostgreSQL in the change's
own statement, with the rows (registration, event, outbox) the separate statements
write; elsewhere, and beside pending changes, as those statements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from sqlalchemy import select

from storage import deal_writes, outbox
from storage import deals as deal_store
from storage import partners as partner_store
from storage.deals import Deal, DealEvent
from storage.engine import SessionFactory
from tests.conftest import FIXED_NOW
from tests.storage.test_deal_writes import _values

LATER = FIXED_NOW.replace(year=2027)


async def _two_deals(sessions: SessionFactory) -> tuple[int, int]:
    async with sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme Partners")
        first = await deal_writes.insert_deal(session, _values(partner.id, "k1"))
        second = await deal_writes.insert_deal(session, _values(partner.id, "k2"))
    return first, second


async def _change(sessions: SessionFactory, deal_id: int) -> list[str]:
    """Approve the registration with two messages built from it as changed; the
    statuses the builder saw."""
    seen: list[str] = []
    async with sessions() as session, session.begin():
        deal = await deal_store.get_deal(session, deal_id, for_update=True)
        assert deal is not None

        async def messages() -> Sequence[Mapping[str, object]]:
            seen.append(deal.status)
            return [
                {"platform": "slack", "channel_id": "C1", "thread_key": "deal:x",
                 "payload": {"text": f"{deal.status} until {deal.protected_until}"},
                 "next_attempt_at": LATER, "created_at": LATER},
                {"platform": "slack", "user_id": "U9", "payload": {"text": "card"},
                 "next_attempt_at": LATER, "created_at": LATER},
            ]  # fmt: skip

        queued = await deal_writes.change_deal(
            session,
            deal,
            {"status": deal_store.APPROVED, "protected_until": LATER, "updated_at": LATER},
            event={"kind": "approved", "at": LATER, "actor_name": "Mia", "detail": {"d": 1}},
            messages=messages,
        )
        assert queued == 2
    return seen


def _columns(row: Any, skip: set[str]) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}


async def test_messages_of_a_change_are_the_rows_the_separate_statements_write(
    sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    fused, apart = await _two_deals(sessions)
    assert await _change(sessions, fused) == [deal_store.APPROVED]
    monkeypatch.setattr(deal_writes, "_fuses", lambda *_: False)  # three statements
    assert await _change(sessions, apart) == [deal_store.APPROVED]
    async with sessions() as session:
        deals = {d.id: d for d in (await session.scalars(select(Deal))).all()}
        events = (await session.scalars(select(DealEvent).order_by(DealEvent.id))).all()
        queued = await outbox.list_outbox(session)
    skip = {"id", "idempotency_key"}
    assert _columns(deals[fused], skip) == _columns(deals[apart], skip)
    assert deals[fused].status == deal_store.APPROVED
    assert [e.deal_id for e in events] == [fused, apart]
    assert _columns(events[0], {"id", "deal_id"}) == _columns(events[1], {"id", "deal_id"})
    assert len(queued) == 4
    first, second = ([_columns(m, {"id"}) for m in queued[i : i + 2]] for i in (0, 2))
    assert first == second
    assert [m["channel_id"] or m["user_id"] for m in first] == ["C1", "U9"]  # in order
    assert first[0]["payload"] == {"text": f"approved until {LATER}"}
    assert (first[0]["status"], first[0]["attempts"]) == (outbox.PENDING, 0)


async def test_a_failed_builder_writes_nothing_and_leaves_the_object_as_it_was(
    sessions: SessionFactory,
) -> None:
    deal_id, _ = await _two_deals(sessions)

    async def broken() -> Sequence[Mapping[str, object]]:
        raise RuntimeError("no card")

    with pytest.raises(RuntimeError, match="no card"):
        async with sessions() as session, session.begin():
            deal = await deal_store.get_deal(session, deal_id, for_update=True)
            assert deal is not None
            try:
                await deal_writes.change_deal(
                    session, deal, {"status": deal_store.REJECTED},
                    event={"kind": "rejected"}, messages=broken,
                )  # fmt: skip
            finally:
                if session.bind.dialect.name == "postgresql":  # nothing was written
                    assert deal.status == deal_store.PENDING
    async with sessions() as session:
        stored = await deal_store.get_deal(session, deal_id)
        assert stored is not None and stored.status == deal_store.PENDING
        assert await deal_store.list_events(session, deal_id) == []
        assert await outbox.list_outbox(session) == []
