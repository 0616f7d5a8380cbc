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
) -> None:
    """Move `deal` to status `to` (or keep its status), with `changes` to its other
    columns, and write the `deal_events` row.

    The registration's row is written as one Core UPDATE now (`update_deal`) when it has
    no other change pending; set columns through `changes` rather than on `deal`."""
    now = deps.clock()
    before = deal.status
    values = {**(changes or {}), "status": to or deal.status, "updated_at": now}
    await deal_writes.update_deal(session, deal, values)
    # One INSERT on the driver, at once (after an autoflush of other pending changes, so
    # events keep their order): the unit of work for the event cost more than the
    # statement, and so did Core's execution of it.
    await deal_writes.insert_event(
        session,
        deal_id=deal.id,
        kind=kind,
        at=now,
        actor_id=actor_id,
        actor_name=actor_name,
        from_status=before,
        to_status=deal.status,
        reason=reason,
        detail=detail or {},
    )
