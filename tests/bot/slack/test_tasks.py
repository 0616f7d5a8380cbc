"""Background work after the ack: tracked, and bounded where it would swamp the pool."""

from __future__ import annotations

import asyncio

from bot.slack.tasks import Tasks, done_within


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


async def test_done_within_says_whether_work_ended_in_time_and_never_stops_it() -> None:
    loop = asyncio.get_running_loop()

    async def work(seconds: float) -> str:
        await asyncio.sleep(seconds)
        return "done"

    quick = loop.create_task(work(0))
    assert await done_within(quick, 5) is True
    assert quick.result() == "done"
    assert await done_within(quick, 0) is True  # already done: no waiting at all

    slow = loop.create_task(work(0.2))
    started = loop.time()
    assert await done_within(slow, 0.02) is False
    assert loop.time() - started < 0.15 and not slow.done()
    assert await slow == "done"  # it went on after the wait gave up

    cancelled = loop.create_task(work(1))
    cancelled.cancel()
    assert await done_within(cancelled, 5) is True and cancelled.cancelled()


async def test_a_cancelled_wait_leaves_the_work_running() -> None:
    loop = asyncio.get_running_loop()
    work = loop.create_task(asyncio.sleep(0.05, result=7))
    waiting = loop.create_task(done_within(work, 5))
    await asyncio.sleep(0.01)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    assert waiting.cancelled() and not work.done()
    assert await work == 7
