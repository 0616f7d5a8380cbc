"""What one submitted form writes, and that it is one transaction: the registration, its
audit event and its messages are all stored, or none of them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.errors import InvalidInput
from handlers.deps import Deps
from storage import deals as deal_store
from storage import lean, outbox
from tests.handlers.deal_world import (
    CHANNEL_A,
    GOOD,
    REP_A,
    RecordingSender,
    build_world,
    open_form,
    submit,
)


@pytest.fixture
async def sender(deps: Deps) -> RecordingSender:
    return await build_world(deps)


async def _stored(deps: Deps) -> tuple[int, list[str], list[outbox.OutboxMessage]]:
    """How many registrations, the events of all of them, and every queued message."""
    async with deps.sessions() as session:
        deals = await deal_store.list_deals(session)
        events = [e.kind for d in deals for e in await deal_store.list_events(session, d.id)]
        queued = await outbox.list_outbox(session)
    return len(deals), events, queued


@contextmanager
def _failing(engine: AsyncEngine, table: str) -> Iterator[None]:
    """Every INSERT into `table` fails as the database would (an OperationalError),
    whether it runs through Core or on the driver (`storage.lean`)."""

    def fail(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if f"INSERT INTO {table.upper()} " in statement.upper():
            raise OperationalError(statement, params, Exception("injected failure"))

    async def fetched(connection: Any, sql: str, args: Any) -> Any:
        fail(connection, None, sql, args)
        return await driver_fetched(connection, sql, args)

    driver_fetched = lean._fetched
    event.listen(engine.sync_engine, "before_cursor_execute", fail)
    lean._fetched = fetched  # type: ignore[assignment]
    try:
        yield
    finally:
        lean._fetched = driver_fetched  # type: ignore[assignment]
        event.remove(engine.sync_engine, "before_cursor_execute", fail)


async def test_one_submission_writes_one_row_its_event_and_two_messages(
    deps: Deps, sender: RecordingSender
) -> None:
    form = await open_form(deps, REP_A, CHANNEL_A)
    [reply] = await submit(deps, REP_A, CHANNEL_A, form, GOOD)
    assert "DR-000001" in reply.text
    count, events, queued = await _stored(deps)
    assert count == 1 and events == ["submitted"]
    # The partner's thread first, then the manager's card.
    assert [(m.channel_id, m.user_id, m.thread_key) for m in queued] == [
        ("C-ACME", None, "deal:1"),
        (None, "U-MIA", None),
    ]
    assert "DR-000001" in str(queued[0].payload) and "Approve" in str(queued[1].payload)
    assert all(m.status == outbox.PENDING and m.dedupe_key is None for m in queued)
    assert deps.outbox_wakeup.is_set()


@pytest.mark.parametrize("table", ["deals", "deal_events", "outbox"])
async def test_a_failed_write_stores_nothing_and_the_same_form_then_stores_once(
    deps: Deps, engine: AsyncEngine, sender: RecordingSender, table: str
) -> None:
    form = await open_form(deps, REP_A, CHANNEL_A)
    with _failing(engine, table), pytest.raises(InvalidInput) as info:
        await submit(deps, REP_A, CHANNEL_A, form, GOOD)
    assert "Nothing is lost" in info.value.field_errors["company"]
    assert await _stored(deps) == (0, [], [])
    await submit(deps, REP_A, CHANNEL_A, form, GOOD)
    await submit(deps, REP_A, CHANNEL_A, form, GOOD)  # re-submitted: no second row
    count, events, queued = await _stored(deps)
    assert count == 1 and events == ["submitted"] and len(queued) == 2


async def test_an_automatic_approval_queues_the_thread_notice_before_the_card(
    deps: Deps, sender: RecordingSender
) -> None:
    settings = deps.settings.model_copy(update={"deal_auto_approve": {"gold": 60_000.0}})
    auto = dataclasses.replace(deps, settings=settings)
    form = await open_form(auto, REP_A, CHANNEL_A)
    [reply] = await submit(auto, REP_A, CHANNEL_A, form, GOOD)
    assert "approved" in reply.text
    count, events, queued = await _stored(auto)
    assert count == 1 and events == ["submitted", "auto_approved"]
    assert [(m.channel_id, m.user_id) for m in queued] == [("C-ACME", None), (None, "U-MIA")]
    assert "approved automatically" in str(queued[0].payload)
    assert "approved automatically" in str(queued[1].payload)
