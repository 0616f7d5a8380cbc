"""A message in a thread the bot knows, offered to the capabilities that own the thread
in one transaction with the delivery's once-only record (issue 15).

A reply in a registration's thread used to take three sessions and transactions before
its answer: the event id's record (committed first), the read of the thread's keys,
and the owner's write. Here one transaction holds all three when the owner is a
`ThreadStep`: the record, the keys and the owner's work commit together, so

- a retried event (same id, on any replica) waits for that commit and then finds the
  id recorded: it writes nothing and answers nothing;
- a crash or an error before the commit leaves nothing behind: neither the record
  (the event is not lost: a retry of it does the work) nor half of the work;
- an expected refusal (`PartnerBotError`, answered to the person) rolls back the
  work and records the id alone, so a retry is not answered twice.

An owner that is a `ThreadHandler` (slow work: a model, the knowledge base) runs after
that transaction committed the record and the keys, as every request's work did.
"""

from __future__ import annotations

from bot.core import Reply, Request
from bot.core.errors import PartnerBotError
from handlers.caller import Caller
from handlers.deliveries import Once
from handlers.deps import Deps
from handlers.routes import QUIET, Routes, ThreadKey


def _spoken(replies: list[Reply]) -> list[Reply]:
    return [reply for reply in replies if reply != QUIET]


async def answer(
    routes: Routes, request: Request, caller: Caller, deps: Deps, once: Once
) -> list[Reply] | None:
    """The answer of the first owner of the thread at `request`'s place that takes the
    message (oldest key first: the capability that started the thread); None when no
    owner takes it (the delivery is recorded by then); [] for a retried delivery."""
    place = request.place
    assert place.thread_id is not None
    later: list[ThreadKey] = []
    try:
        async with deps.sessions() as session, session.begin():
            # The once-only record and the thread's keys: one round trip on PostgreSQL.
            found = await once.within_thread_keys(
                session, channel_id=place.channel_id, thread_id=place.thread_id
            )
            if found is None:
                return []
            keys = [ThreadKey.parse(key) for key in found]
            for n, key in enumerate(keys):
                step = routes.thread_steps.get(key.owner)
                if step is None:
                    if key.owner in routes.threads:  # its work is not for this transaction
                        later = keys[n:]
                        break
                    continue
                replies = await step(session, request, key, caller, deps)
                if replies:
                    return _spoken(replies)
    except PartnerBotError:
        once.rolled_back()
        if not await once.alone():
            return []
        raise
    except BaseException:
        once.rolled_back()
        raise
    for key in later:
        replies = await _offer(routes, request, key, caller, deps)
        if replies:
            return _spoken(replies)
    return None


async def _offer(
    routes: Routes, request: Request, key: ThreadKey, caller: Caller, deps: Deps
) -> list[Reply]:
    """`key`'s owner's answer, in a transaction of its own for a `ThreadStep`."""
    step = routes.thread_steps.get(key.owner)
    if step is not None:
        async with deps.sessions() as session, session.begin():
            return await step(session, request, key, caller, deps)
    owner = routes.threads.get(key.owner)
    return await owner(request, key, caller, deps) if owner is not None else []
