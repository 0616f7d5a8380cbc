"""A registration written as Core statements: one row per key, a detached object
that renders like a loaded one and updates (never re-inserts) once added, its event."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from storage import deal_writes, outbox
from storage import deals as deal_store
from storage import partners as partner_store
from storage.engine import SessionFactory
from tests.conftest import FIXED_NOW


def _values(partner_id: int, key: str = "k1") -> dict[str, Any]:
    values: dict[str, Any] = {
        "partner_id": partner_id,
        "submitted_by_id": None,
        "idempotency_key": key,
        "company": "Acme",
        "company_key": "acme",
        "company_prefix": "acme",
        "domain": "acme.com",
        "value_cents": 5_000_000,
        "currency": "USD",
        "close_date": date(2027, 3, 31),
        "products": ["Platform"],
        "stage": "qualified",
        "contact": None,
        "notes": "call first",
        "status": deal_store.PENDING,
        "conflict_kind": None,
        "conflict_with": [],
        "origin_platform": "slack",
        "origin_channel_id": "C1",
        "origin_thread_id": None,
        "submitted_at": FIXED_NOW,
        "updated_at": FIXED_NOW,
    }
    return {c: values.get(c) for c in deal_writes.DEAL_COLUMNS} | {"extensions_granted": 0}


async def _stored_deal(sessions: SessionFactory) -> int:
    """A committed registration of a new partner; its id."""
    async with sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme Partners")
        return await deal_writes.insert_deal(session, _values(partner.id))


async def test_a_registration_is_stored_as_given_once_per_key(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme Partners")
        values = _values(partner.id)
        deal_id = await deal_writes.insert_deal(session, values)
    async with sessions() as session:
        stored = await deal_store.get_deal(session, deal_id)
    assert stored is not None
    assert {c: getattr(stored, c) for c in deal_writes.DEAL_COLUMNS} == values
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            await deal_writes.insert_deal(session, _values(partner.id))
    async with sessions() as session:
        assert await deal_store.count_deals(session) == 1


async def test_every_column_must_be_given(sessions: SessionFactory) -> None:
    values = _values(1)
    del values["notes"]
    async with sessions() as session:
        with pytest.raises(ValueError, match="notes"):
            await deal_writes.insert_deal(session, values)


async def test_the_detached_deal_has_no_pending_change_and_updates_once_added(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme Partners")
        values = _values(partner.id)
        deal_id = await deal_writes.insert_deal(session, values)
        deal = deal_writes.detached_deal(deal_id, values, partner=partner)
        state = inspect(deal)
        assert state.detached and not state.expired_attributes
        assert deal.ref == deal_store.deal_ref(deal_id) and deal.partner is partner
        assert deal.protected_until is None and deal.won_amount_cents is None
        session.add(deal)  # persistent: a change is an UPDATE at the next flush
        deal.status = deal_store.APPROVED
    async with sessions() as session:
        stored = await deal_store.get_deal(session, deal_id)
        assert await deal_store.count_deals(session) == 1
    assert stored is not None and stored.status == deal_store.APPROVED


async def test_the_event_row_takes_its_defaults(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme Partners")
        deal_id = await deal_writes.insert_deal(session, _values(partner.id))
        await deal_writes.insert_event(
            session,
            deal_id=deal_id,
            kind="submitted",
            at=FIXED_NOW,
            actor_id=None,
            actor_name="Anna",
            from_status=None,
            to_status=deal_store.PENDING,
        )
    async with sessions() as session:
        [event] = await deal_store.list_events(session, deal_id)
    assert (event.kind, event.actor_name, event.to_status) == ("submitted", "Anna", "pending")
    assert event.at == FIXED_NOW and event.detail == {} and event.reason is None


async def test_outbox_rows_are_queued_in_order_with_their_defaults(
    sessions: SessionFactory,
) -> None:
    rows: list[dict[str, object]] = [
        {
            "platform": "slack",
            "channel_id": channel,
            "thread_id": None,
            "user_id": None,
            "thread_key": "deal:1",
            "payload": {"text": channel},
            "dedupe_key": None,
            "next_attempt_at": FIXED_NOW,
        }
        for channel in ("C1", "C2")
    ]
    async with sessions() as session, session.begin():
        await outbox.insert_rows(session, rows)
        await outbox.insert_rows(session, [])
    async with sessions() as session:
        queued = await outbox.list_outbox(session)
    assert [(m.channel_id, m.payload) for m in queued] == [
        ("C1", {"text": "C1"}),
        ("C2", {"text": "C2"}),
    ]
    assert all(m.status == outbox.PENDING and m.attempts == 0 for m in queued)
    assert all(m.created_at is not None and m.next_attempt_at == FIXED_NOW for m in queued)


async def test_a_change_is_written_at_once_and_leaves_nothing_to_flush(
    sessions: SessionFactory,
) -> None:
    deal_id = await _stored_deal(sessions)
    later = FIXED_NOW.replace(year=2027)
    async with sessions() as session, session.begin():
        deal = await deal_store.get_deal(session, deal_id, for_update=True)
        assert deal is not None
        changes = {"status": deal_store.APPROVED, "decided_by_name": "Mia", "updated_at": later}
        await deal_writes.update_deal(session, deal, changes)
        assert not inspect(deal).modified and deal not in session.dirty
        assert (deal.status, deal.decided_by_name, deal.updated_at) == tuple(changes.values())
    async with sessions() as session:
        stored = await deal_store.get_deal(session, deal_id)
    assert stored is not None
    assert (stored.status, stored.decided_by_name, stored.updated_at) == tuple(changes.values())
    assert stored.notes == "call first"  # columns not given are left alone


async def test_a_change_beside_pending_ones_is_written_with_them(
    sessions: SessionFactory,
) -> None:
    deal_id = await _stored_deal(sessions)
    async with sessions() as session, session.begin():
        deal = await deal_store.get_deal(session, deal_id)
        assert deal is not None
        deal.decision_reason = "no budget"  # pending: the ORM writes both together
        await deal_writes.update_deal(session, deal, {"status": deal_store.REJECTED})
        assert deal.status == deal_store.REJECTED
    async with sessions() as session:
        stored = await deal_store.get_deal(session, deal_id)
    assert stored is not None
    assert (stored.status, stored.decision_reason) == (deal_store.REJECTED, "no budget")


async def test_only_columns_of_a_registration_are_updated(sessions: SessionFactory) -> None:
    deal_id = await _stored_deal(sessions)
    async with sessions() as session, session.begin():
        deal = await deal_store.get_deal(session, deal_id)
        assert deal is not None
        with pytest.raises(ValueError, match="partner"):
            await deal_writes.update_deal(session, deal, {"partner": None})


async def test_an_event_and_messages_come_after_the_sessions_pending_ones(
    sessions: SessionFactory,
) -> None:
    """Written on the driver, they still follow what the session holds unwritten (as
    `session.execute` would, by autoflush): ids in the order they were queued."""
    deal_id = await _stored_deal(sessions)
    async with sessions() as session, session.begin():
        deal = await deal_store.get_deal(session, deal_id)
        assert deal is not None
        await deal_store.add_event(
            session, deal, kind="first", at=FIXED_NOW, actor_id=None, actor_name="",
            from_status=None, to_status=None,
        )  # fmt: skip
        await deal_writes.insert_event(session, deal_id=deal_id, kind="second", at=FIXED_NOW)
        await outbox.enqueue(
            session, platform="slack", channel_id="C1", payload={"text": "first"}, dedupe_key="k"
        )
        row = {"platform": "slack", "channel_id": "C1", "payload": {"text": "second"}}
        await outbox.insert_rows(session, [row])
    async with sessions() as session:
        events = await deal_store.list_events(session, deal_id)
        queued = await outbox.list_outbox(session)
    assert [e.kind for e in events] == ["first", "second"]
    assert events[1].actor_name == "" and events[1].actor_id is None
    assert [m.payload["text"] for m in queued] == ["first", "second"]
    assert queued[1].dedupe_key is None and queued[1].claimed_by is None


async def test_an_unknown_column_is_refused(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(ValueError, match="colour"):
            await deal_writes.insert_event(session, deal_id=1, kind="x", colour="red")
        with pytest.raises(ValueError, match="colour"):
            await outbox.insert_rows(session, [{"platform": "slack", "colour": "red"}])


async def test_a_registration_and_its_event_are_stored_together_or_not_at_all(
    sessions: SessionFactory,
) -> None:
    """One statement on PostgreSQL, two on SQLite: the same rows either way."""
    event = {"kind": "submitted", "at": FIXED_NOW, "actor_name": "Anna", "detail": {"a": [1]}}
    async with sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme Partners")
        first = await deal_writes.insert_deal(session, _values(partner.id, "k1"), event=event)
        second = await deal_writes.insert_deal(session, _values(partner.id, "k2"), event=event)
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            await deal_writes.insert_deal(session, _values(partner.id, "k2"), event=event)
    async with sessions() as session:
        assert await deal_store.count_deals(session) == 2
        stored = [await deal_store.list_events(session, d) for d in (first, second)]
    assert second == first + 1
    for [row], deal_id in zip(stored, (first, second), strict=True):
        assert (row.deal_id, row.kind, row.at, row.actor_name) == (
            deal_id,
            "submitted",
            FIXED_NOW,
            "Anna",
        )
        assert (row.actor_id, row.from_status, row.reason, row.detail) == (
            None,
            None,
            None,
            {"a": [1]},
        )
    async with sessions() as session:
        with pytest.raises(ValueError, match="takes its id"):
            await deal_writes.insert_deal(session, _values(1, "k3"), event={**event, "deal_id": 1})


def test_a_detached_deal_refuses_what_is_not_its_attribute() -> None:
    with pytest.raises(TypeError, match="colour"):
        deal_writes.detached_deal(1, {**_values(1), "colour": "red"})


async def test_a_change_and_its_event_are_written_together(sessions: SessionFactory) -> None:
    """One statement on PostgreSQL, two on SQLite: the same row and event either way,
    nothing left to flush, and a change beside pending ones still written before its
    event (the ORM's UPDATE, then the INSERT)."""
    deal_id = await _stored_deal(sessions)
    later = FIXED_NOW.replace(year=2027)
    event = {"kind": "approved", "at": later, "actor_name": "Mia", "detail": {"days": 90}}
    async with sessions() as session, session.begin():
        deal = await deal_store.get_deal(session, deal_id, for_update=True)
        assert deal is not None
        changes = {"status": deal_store.APPROVED, "protected_until": later, "updated_at": later}
        await deal_writes.change_deal(
            session,
            deal,
            changes,
            event={**event, "from_status": "pending", "to_status": "approved"},
        )
        assert not inspect(deal).modified and deal not in session.dirty
        assert (deal.status, deal.protected_until) == (deal_store.APPROVED, later)
    async with sessions() as session, session.begin():
        deal = await deal_store.get_deal(session, deal_id, for_update=True)
        assert deal is not None
        assert (deal.status, deal.protected_until, deal.notes) == ("approved", later, "call first")
        deal.decision_reason = "too late"  # pending: the ORM writes it with the change
        await deal_writes.change_deal(
            session, deal, {"status": deal_store.WITHDRAWN}, event={"kind": "withdrawn"}
        )
    async with sessions() as session:
        stored = await deal_store.get_deal(session, deal_id)
        events = await deal_store.list_events(session, deal_id)
    assert stored is not None
    assert (stored.status, stored.decision_reason) == (deal_store.WITHDRAWN, "too late")
    first, second = events
    assert (first.deal_id, first.kind, first.at, first.actor_name, first.detail) == (
        deal_id, "approved", later, "Mia", {"days": 90},
    )  # fmt: skip
    assert (first.from_status, first.to_status, first.reason) == ("pending", "approved", None)
    assert (second.kind, second.actor_name, second.detail) == ("withdrawn", "", {})
    async with sessions() as session:
        with pytest.raises(ValueError, match="the registration's"):
            await deal_writes.change_deal(session, stored, {}, event={"deal_id": 1})
