"""Background work after the ack: tracked, and bounded where it would swamp the pool."""

from __future__ import annotations

import asyncio

from bot.slack.tasks import Tasks


async def test_bounded_work_runs_at_most_limit_at_once_and_all_of_it_finishes() -> None:
    tasks = Tasks(bounded_limit=2)
    running, most, done = 0, 0, []

    async def work(n: int) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1
        done.append(n)
        return n

    spawned = [tasks.spawn(work(n), bounded=True) for n in range(7)]
    results = await asyncio.gather(*spawned)
    await tasks.idle()
    assert (results, sorted(done), most) == (list(range(7)), list(range(7)), 2)


async def test_work_still_waiting_for_a_slot_at_shutdown_is_cancelled_cleanly() -> None:
    tasks = Tasks(bounded_limit=1)
    started = []

    async def work(n: int) -> None:
        started.append(n)
        await asyncio.sleep(10)

    for n in range(3):
        tasks.spawn(work(n), bounded=True)
    await asyncio.sleep(0)
    await tasks.close(grace=0.05)  # no "coroutine was never awaited" warning (an error here)
    assert started == [0]
