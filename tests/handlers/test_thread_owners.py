"""A reply in a thread: the delivery's once-only record, the thread's keys and a
`ThreadStep`'s work in one transaction (handlers/thread_owners.py), on both databases."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Place, Reply, Request
from bot.core.delivery import Destination
from bot.core.errors import NotAllowed
from handlers.caller import Caller
from handlers.deals import approval
from handlers.deps import Deps
from handlers.notify import outbox_row, queue_new_rows
from handlers.router import dispatch
from handlers.routes import ThreadKey
from storage import deals as deal_store
from storage import events, outbox
from storage import threads as thread_store
from tests.handlers.deal_world import (
    MANAGER,
    MANAGER_DM,
    REP_A,
    RecordingSender,
    build_world,
    button,
    click,
    deliver,
    register,
    submit,
)
from tests.routing import add_routes

THANKS = "Thanks, I've passed your answer to your channel manager."


@pytest.fixture
async def sender(deps: Deps) -> RecordingSender:
    return await build_world(deps)


async def _asked(deps: Deps, sender: RecordingSender) -> Place:
    """A registration whose manager asked for information: its thread's place."""
    await register(deps)
    await deliver(deps)
    [card] = sender.to_user("U-MIA")
    root = sender.to_channel("C-ACME")[0]
    [ask] = await click(deps, MANAGER, MANAGER_DM, button(card.reply, "Ask for info"))
    await submit(deps, MANAGER, MANAGER_DM, ask.form, {"reason": "Who signs?"})
    await deliver(deps)
    return Place(platform="slack", channel_id="C-ACME", thread_id=root.message_id)


async def _state(deps: Deps) -> dict[str, Any]:
    """What a thread answer writes: the event records, the registration's status and
    events, and the outbox."""
    async with deps.sessions() as session:
        recorded = (await session.scalars(select(events.ProcessedEvent.event_id))).all()
        deal = await deal_store.get_deal(session, 1)
        kinds = [e.kind for e in await deal_store.list_events(session, 1)]
        queued = await session.scalar(select(func.count()).select_from(outbox.OutboxMessage))
    return {
        "recorded": sorted(recorded),
        "status": deal.status if deal else None,
        "answered": kinds.count("info_answered"),
        "queued": queued,
    }


def _answer(place: Place, text: str = "The CFO, Jane Roe.") -> Request:
    return Request(actor=REP_A, place=place, text=text)


async def test_the_answer_and_its_event_record_commit_together_once(
    deps: Deps, sender: RecordingSender
) -> None:
    place = await _asked(deps, sender)
    before = await _state(deps)
    [thanks] = await dispatch(_answer(place), deps, event_id="Ev-1")
    assert thanks.text == THANKS
    after = await _state(deps)
    assert after["recorded"] == ["Ev-1"]
    assert (after["status"], after["answered"]) == ("pending", 1)
    assert after["queued"] == before["queued"] + 1  # the manager's card
    assert await dispatch(_answer(place), deps, event_id="Ev-1") == []  # Slack's retry
    assert await _state(deps) == after


async def test_a_failure_before_the_commit_leaves_nothing_and_the_retry_does_the_work(
    deps: Deps, sender: RecordingSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    place = await _asked(deps, sender)
    before = await _state(deps)
    original = approval.record_answer

    async def crash_after_the_work(*args: Any, **kwargs: Any) -> None:
        await original(*args, **kwargs)
        raise RuntimeError("the process died here")

    monkeypatch.setattr(approval, "record_answer", crash_after_the_work)
    with pytest.raises(RuntimeError):
        await dispatch(_answer(place), deps, event_id="Ev-2")
    assert await _state(deps) == before  # neither the record nor half of the work
    monkeypatch.setattr(approval, "record_answer", original)
    [thanks] = await dispatch(_answer(place), deps, event_id="Ev-2")
    assert thanks.text == THANKS
    after = await _state(deps)
    assert (after["recorded"], after["status"], after["answered"]) == (["Ev-2"], "pending", 1)


async def test_concurrent_deliveries_of_one_event_are_processed_once(
    deps: Deps, sender: RecordingSender
) -> None:
    place = await _asked(deps, sender)
    first, second = await asyncio.gather(
        dispatch(_answer(place), deps, event_id="Ev-3"),
        dispatch(_answer(place), deps, event_id="Ev-3"),
    )
    assert sorted([len(first), len(second)]) == [0, 1]
    after = await _state(deps)
    assert (after["recorded"], after["answered"]) == (["Ev-3"], 1)


async def _thread(deps: Deps, *keys: str) -> Place:
    async with deps.sessions() as session, session.begin():
        for key in keys:
            await thread_store.save_thread(
                session, key, platform="slack", channel_id="C-ACME", thread_id="t.9"
            )
    return Place(platform="slack", channel_id="C-ACME", thread_id="t.9")


async def _queue_note(session: AsyncSession, deps: Deps, text: str) -> None:
    destination = Destination(platform="slack", channel_id="C-ACME")
    row = outbox_row(destination, Reply(text=text), now=deps.clock())
    await queue_new_rows(session, deps, [row])


async def test_a_refusal_rolls_the_work_back_and_is_answered_once(
    deps: Deps, sender: RecordingSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(
        session: AsyncSession, request: Request, key: ThreadKey, caller: Caller, deps: Deps
    ) -> list[Reply]:
        await _queue_note(session, deps, "half done")
        raise NotAllowed("Not in this thread.")

    add_routes(monkeypatch, thread_steps={"test": refuse})
    place = await _thread(deps, "test:1")
    before = await _state(deps)
    [refused] = await dispatch(_answer(place, "hello"), deps, event_id="Ev-4")
    assert refused.text == "Not in this thread."
    after = await _state(deps)
    assert after["queued"] == before["queued"]  # the step's write was rolled back
    assert after["recorded"] == ["Ev-4"]  # ... and the delivery recorded alone
    assert await dispatch(_answer(place, "hello"), deps, event_id="Ev-4") == []


async def test_a_thread_handler_runs_after_the_record_is_committed(
    deps: Deps, sender: RecordingSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []

    async def owner(request: Request, key: ThreadKey, caller: Caller, deps: Deps) -> list[Reply]:
        # Its own session (on SQLite the server's one connection: free again by now).
        async with deps.sessions() as session:
            seen.append(list((await session.scalars(select(events.ProcessedEvent.event_id))).all()))
        return [Reply(text="noted", in_thread=True)]

    add_routes(monkeypatch, threads={"test": owner})
    place = await _thread(deps, "test:1")
    [noted] = await dispatch(_answer(place, "hello"), deps, event_id="Ev-5")
    assert noted.text == "noted" and seen == [["Ev-5"]]
    assert await dispatch(_answer(place, "hello"), deps, event_id="Ev-5") == []
    assert len(seen) == 1


async def test_a_step_after_a_thread_handler_commits_in_a_transaction_of_its_own(
    deps: Deps, sender: RecordingSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def not_mine(request: Request, key: ThreadKey, caller: Caller, deps: Deps) -> list[Reply]:
        return []

    async def step(
        session: AsyncSession, request: Request, key: ThreadKey, caller: Caller, deps: Deps
    ) -> list[Reply]:
        await _queue_note(session, deps, "from the step")
        return [Reply(text="stepped", in_thread=True)]

    add_routes(monkeypatch, threads={"a-first": not_mine}, thread_steps={"b-second": step})
    place = await _thread(deps, "a-first:1", "b-second:1")
    before = await _state(deps)
    [stepped] = await dispatch(_answer(place, "hello"), deps, event_id="Ev-6")
    assert stepped.text == "stepped"
    after = await _state(deps)
    assert after["recorded"] == ["Ev-6"] and after["queued"] == before["queued"] + 1
