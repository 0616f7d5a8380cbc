"""The audit trail of a registration: every change of its status or details is an event."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.deps import Deps
from storage import deal_writes
from storage.deals import Deal


async def record_change(
    session: AsyncSession,
    deps: Deps,
    deal: Deal,
    *,
    kind: str,
    actor_id: int | None,
    actor_name: str,
    to: str | None = None,
    reason: str | None = None,
    detail: dict[str, object] | None = None,
    changes: dict[str, object] | None = None,
    messages: deal_writes.Messages | None = None,
) -> None:
    """Move `deal` to status `to` (or keep its status), with `changes` to its other
    columns, and write the `deal_events` row.

    The registration's row is written at once (`deal_writes.change_deal`) when it has
    no other change pending (with its event, in one statement on PostgreSQL);
    set columns through `changes` rather than on `deal`. The outbox rows `messages`
    builds (`handlers.notify.outbox_row`s, from `deal` as changed) are queued with
    the change: in the same statement on PostgreSQL."""
    now = deps.clock()
    before = deal.status
    after = to or before
    values = {**(changes or {}), "status": after, "updated_at": now}
    # The UPDATE and the event's INSERT on the driver, at once (after an autoflush of
    # other pending changes, so events keep their order), in one statement on
    # PostgreSQL: the unit of work cost more than the statements, and so did Core's
    # execution of them; each round trip is made holding the registration's lock.
    queued = await deal_writes.change_deal(
        session,
        deal,
        values,
        messages=messages,
        event={
            "kind": kind,
            "at": now,
            "actor_id": actor_id,
            "actor_name": actor_name,
            "from_status": before,
            "to_status": after,
            "reason": reason,
            "detail": detail or {},
        },
    )
    if queued:
        deps.outbox_wakeup.set()
