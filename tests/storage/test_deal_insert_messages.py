"""A new registration stored in one statement with its event and messages, under the id
its submission's reads took (PostgreSQL, issue 15): whole even with no transaction
around it, and nothing of it written when it fails."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from storage import deal_writes, outbox, submit_reads
from storage import partners as partner_store
from storage.deals import Deal, DealEvent
from storage.engine import SessionFactory, statements_alone
from storage.outbox import OutboxMessage
from tests.conftest import FIXED_NOW as NOW
from tests.storage.test_deal_reads import submit_context_columns
from tests.storage.test_deal_writes import _values


async def _partner_with_a_deal(sessions: SessionFactory) -> tuple[int, int]:
    async with sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme Partners")
        deal_id = await deal_writes.insert_deal(session, _values(partner.id, "k1"))
    return partner.id, deal_id


async def _reads(sessions: SessionFactory, partner_id: int, key: str, *, allocate: bool) -> tuple:
    async with sessions() as session, session.begin():
        if allocate:
            await statements_alone(session)
        found, lookup, next_id = await submit_reads.get_submit_reads(
            session, partner_id, idempotency_key=key, domain="acme.com", prefix="acme",
            allocate=allocate,
        )  # fmt: skip
    return submit_context_columns(found), lookup, next_id


async def test_the_reads_take_an_id_on_postgresql_unless_the_form_was_used(
    backend: str, sessions: SessionFactory
) -> None:
    partner_id, stored = await _partner_with_a_deal(sessions)
    fresh = await _reads(sessions, partner_id, "k2", allocate=True)
    assert fresh[:2] == (await _reads(sessions, partner_id, "k2", allocate=False))[:2]
    used = await _reads(sessions, partner_id, "k1", allocate=True)
    assert used[2] is None  # the form was used: no id taken
    if backend == "postgresql":
        assert fresh[2] is not None and fresh[2] > stored
        again = await _reads(sessions, partner_id, "k3", allocate=True)
        assert again[2] == fresh[2] + 1  # the used form took none in between
    else:
        assert fresh[2] is None  # SQLite: the database assigns it when stored


def _message(text: str) -> dict[str, object]:
    return {"platform": "slack", "user_id": "U9", "payload": {"text": text}}


async def _counts(sessions: SessionFactory) -> tuple[int, int, int]:
    async with sessions() as session:
        return tuple(  # type: ignore[return-value]
            [
                await session.scalar(select(func.count()).select_from(m))
                for m in (Deal, DealEvent, OutboxMessage)
            ]
        )


async def test_a_registration_goes_with_its_event_and_messages_in_one_statement(
    backend: str, sessions: SessionFactory
) -> None:
    partner_id, _ = await _partner_with_a_deal(sessions)
    if backend != "postgresql":
        async with sessions() as session, session.begin():
            with pytest.raises(ValueError, match="PostgreSQL only"):
                await deal_writes.insert_deal(
                    session, _values(partner_id, "k2"), event={"kind": "submitted", "at": NOW},
                    deal_id=99, messages=[_message("DR-99")],
                )  # fmt: skip
        return
    *_, next_id = await _reads(sessions, partner_id, "k2", allocate=True)
    assert next_id is not None
    event = {"kind": "submitted", "at": NOW, "actor_name": "Ana"}
    async with sessions() as session, session.begin():
        await statements_alone(session)  # no transaction: the statement must be whole
        stored = await deal_writes.insert_deal(
            session, _values(partner_id, "k2"), event=event, deal_id=next_id,
            messages=[_message(f"thread {next_id}"), _message(f"card {next_id}")],
        )  # fmt: skip
        assert stored == next_id
    async with sessions() as session:
        deal = await session.get(Deal, next_id)
        assert deal is not None and deal.idempotency_key == "k2"
        events = (
            await session.scalars(select(DealEvent).where(DealEvent.deal_id == next_id))
        ).all()
        assert [(e.kind, e.actor_name) for e in events] == [("submitted", "Ana")]
        queued = await outbox.list_outbox(session)
        assert [m.payload for m in queued] == [
            {"text": f"thread {next_id}"},
            {"text": f"card {next_id}"},
        ]
    before = await _counts(sessions)
    # A message that cannot be stored (no platform): the registration and its event
    # are not stored either, though no transaction holds them together.
    *_, other = await _reads(sessions, partner_id, "k3", allocate=True)
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            await statements_alone(session)
            await deal_writes.insert_deal(
                session, _values(partner_id, "k3"), event=event, deal_id=other,
                messages=[_message("fine"), {**_message("broken"), "platform": None}],
            )  # fmt: skip
    assert await _counts(sessions) == before
    # The same form again, under another id: refused whole too.
    *_, another = await _reads(sessions, partner_id, "k4", allocate=True)
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            await statements_alone(session)
            await deal_writes.insert_deal(
                session, _values(partner_id, "k2"), event=event, deal_id=another,
                messages=[_message("never")],
            )  # fmt: skip
    assert await _counts(sessions) == before


async def test_statements_alone_commit_each_statement_on_postgresql(
    backend: str, sessions: SessionFactory
) -> None:
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            await statements_alone(session)
            await partner_store.add_partner(session, "Kept Partners")
            await session.flush()
            raise RuntimeError("after the statement")
    async with sessions() as session:
        kept = await partner_store.list_partners(session)
    assert len(kept) == (1 if backend == "postgresql" else 0)  # elsewhere: one transaction
