"""The server's outbox loop: delivers what is queued, and stops without cutting a send."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.core import Reply
from bot.core.delivery import Delivered, Destination
from handlers.deps import Deps, system_clock
from handlers.notify import queue_reply
from scheduling.runner import Runner
from storage import outbox


class SlowSender:
    """Blocks in `send` until released, so the test can stop the runner mid-send."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.sent: list[str] = []

    async def send(self, destination: Destination, reply: Reply) -> Delivered:
        self.entered.set()
        await self.release.wait()
        self.sent.append(reply.text)
        return Delivered(message_id=f"m{len(self.sent)}", channel_id="C1")


async def test_stopping_mid_send_records_the_send_and_leaves_the_rest(deps: Deps) -> None:
    live = replace(deps, clock=system_clock, outbox_wakeup=asyncio.Event())
    sender = SlowSender()
    live.senders["slack"] = sender
    async with live.sessions() as session, session.begin():
        for text in ("first", "second"):
            await queue_reply(
                session,
                live,
                destination=Destination(platform="slack", channel_id=f"C-{text}"),
                reply=Reply(text=text),
            )
    runner = Runner(live)
    runner.start()
    await asyncio.wait_for(sender.entered.wait(), timeout=10)

    stopping = asyncio.create_task(runner.stop())
    await asyncio.sleep(0)
    sender.release.set()
    await asyncio.wait_for(stopping, timeout=10)

    async with live.sessions() as session:
        rows = await outbox.list_outbox(session)
    assert sender.sent == ["first"]
    assert [(row.status, row.attempts) for row in rows] == [("sent", 1), ("pending", 0)]
