"""The audit trail: every change is one event, in the order the changes were made."""

from __future__ import annotations

from datetime import date

from handlers.deals.history import record_change
from handlers.deps import Deps
from storage import deals as deal_store
from storage import partners
from storage.deals import Deal
from tests.conftest import FIXED_NOW


async def test_changes_and_events_are_written_in_their_order(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        acme = await partners.add_partner(session, "Acme")
        deal = Deal(
            partner_id=acme.id, idempotency_key="k", company="Acme", company_key="acme",
            company_prefix="acme", domain="acme.com", value_cents=100, currency="USD",
            close_date=date(2027, 1, 1), products=[], stage="qualified", submitted_at=FIXED_NOW,
            updated_at=FIXED_NOW, status=deal_store.PENDING,
        )  # fmt: skip
        await deal_store.add_deal(session, deal)
    async with deps.sessions() as session, session.begin():
        loaded = await deal_store.get_deal(session, deal.id, for_update=True)
        assert loaded is not None
        await record_change(
            session, deps, loaded, kind="info_requested", actor_id=None, actor_name="Mo",
            to=deal_store.INFO_REQUESTED, reason="Who signs?",
        )  # fmt: skip
        await deal_store.add_event(
            session, loaded, kind="note", at=FIXED_NOW, actor_id=None, actor_name="Mo",
            from_status=loaded.status, to_status=loaded.status,
        )  # fmt: skip
        await record_change(
            session, deps, loaded, kind="info_answered", actor_id=None, actor_name="Ana",
            to=deal_store.PENDING, detail={"via": "thread"},
        )  # fmt: skip
    async with deps.sessions() as session:
        stored = await deal_store.get_deal(session, deal.id)
        events = await deal_store.list_events(session, deal.id)
    assert stored is not None and stored.status == deal_store.PENDING
    assert [(e.kind, e.from_status, e.to_status, e.reason, e.detail) for e in events] == [
        ("info_requested", "pending", "info_requested", "Who signs?", {}),
        ("note", "info_requested", "info_requested", None, {}),
        ("info_answered", "info_requested", "pending", None, {"via": "thread"}),
    ]
    assert {e.at for e in events} == {FIXED_NOW}
