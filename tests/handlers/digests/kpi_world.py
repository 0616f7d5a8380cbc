"""A fixed dataset whose KPIs were computed by hand (FIXED_NOW = 2026-11-26 09:00 UTC,
quarter 2026Q4 = Oct 1 .. Dec 31; program currency USD, DEAL_FX_RATES = {"EUR": 1.1},
GBP has no rate).

Acme Partners (Mia's, target 100,000 USD):
  A1 Q3 10,000 USD, approved 09-22, won 10-05 for 12,000   -> won in Q4, open at Q4 start
  A2 Q3  5,000 USD, approved 09-26, won 09-30 23:59        -> won in Q3 (boundary)
  A3 10-10 20,000 EUR pending                              -> pipeline 22,000 USD
  A4 10-12  8,000 USD rejected 10-13
  A5 10-15  4,000 USD withdrawn 10-16
  A6 10-20 30,000 USD approved 10-23 (72 h)                -> pipeline
  A7 10-01 00:00 6,000 GBP approved 10-02 (24 h)           -> pipeline, no rate: flagged
  A8 10-05 15,000 USD approved 10-06 (24 h), lost 11-01 "Budget cut"
  => pipeline 52,000 (+6,000 GBP flagged), at Q4 start 10,000; won 12,000 (12 %);
     submitted 6, approved 3, rejected 1, withdrawn 1; median approval 24 h; win rate
     50 %; question asked 11-20 10:00 -> idle 5 days; check-ins posted in Q4: 10-05
     (answered), 11-02 (answered), 11-16, 11-23 (not) -> 50 %, the last two missed;
     one Q3 check-in (09-28, not answered) does not count.
Beta Resellers (Mia's, no target):
  B1 08-01 50,000 USD approved 08-02 (open); B2 07-15 40,000 USD approved 07-16, lost
  10-20 => pipeline 50,000, at Q4 start 90,000 (down 44 %); win rate 0 %; idle since
  08-01 (117 days).
Gamma Distribution (Max's, target 50,000 EUR = 55,000 USD):
  G1 10-01 10:00 10,000 USD approved 10-02, won 11-10 => 18 % of target with 61 % of
  the quarter gone (behind pace).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime

from handlers.deps import Deps
from storage import deals as deal_store
from storage import partners as partner_store
from storage import people as people_store
from storage.checkins import Checkin, CheckinAnswer
from storage.deals import Deal, DealEvent
from storage.kb_questions import Question
from storage.targets import set_target

_COUNTER = itertools.count(1)


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    acme: int
    beta: int
    gamma: int
    rep: int


async def seed_deal(
    session: object,
    partner_id: int,
    company: str,
    *,
    submitted: datetime,
    value: int,
    currency: str = "USD",
    steps: tuple[tuple[datetime, str], ...] = (),
    won_amount: int | None = None,
    lost_reason: str | None = None,
    stage: str = "qualified",
) -> Deal:
    status = deal_store.PENDING
    decided = None
    for moment, to in steps:
        if to in (deal_store.APPROVED, deal_store.REJECTED) and decided is None:
            decided = moment
        status = to
    n = next(_COUNTER)
    deal = Deal(
        partner_id=partner_id,
        idempotency_key=f"kpi-{n}",
        company=company,
        company_key=company.lower(),
        company_prefix=company.lower()[:4],
        domain=f"{company.lower().replace(' ', '')}{n}.example",
        value_cents=value * 100,
        currency=currency,
        close_date=date(2027, 3, 31),
        products=["Platform"],
        stage=stage,
        status=status,
        submitted_at=submitted,
        updated_at=steps[-1][0] if steps else submitted,
        decided_at=decided,
        decided_by_name="Mia" if decided else None,
        decision_reason="Out of territory" if status == deal_store.REJECTED else None,
        won_amount_cents=won_amount * 100 if won_amount is not None else None,
        lost_reason=lost_reason,
        conflict_with=[],
    )
    session.add(deal)  # type: ignore[attr-defined]
    await session.flush()  # type: ignore[attr-defined]
    before = deal_store.PENDING
    session.add(  # type: ignore[attr-defined]
        DealEvent(deal_id=deal.id, at=submitted, kind="submitted", to_status=before, detail={})
    )
    for moment, to in steps:
        session.add(  # type: ignore[attr-defined]
            DealEvent(
                deal_id=deal.id, at=moment, kind=to, from_status=before, to_status=to, detail={}
            )
        )
        before = to
    return deal


async def build_kpi_world(deps: Deps) -> World:
    """Needs `deal_world.build_world` first (Mia, Max, Ada; Acme and Beta)."""
    ap, won, lost = deal_store.APPROVED, deal_store.WON, deal_store.LOST
    async with deps.sessions() as session, session.begin():
        acme = await partner_store.get_partner_by_name(session, "Acme Partners")
        beta = await partner_store.get_partner_by_name(session, "Beta Resellers")
        max_ = await people_store.get_person(session, "slack", "U-MAX")
        rep = await people_store.get_person(session, "slack", "U-ANNA")
        assert acme and beta and max_ and rep
        gamma = await partner_store.add_partner(
            session, "Gamma Distribution", tier="bronze", manager_id=max_.id
        )
        a = acme.id
        await seed_deal(
            session,
            a,
            "Alpha One",
            submitted=at(9, 20),
            value=10_000,
            steps=((at(9, 22), ap), (at(10, 5), won)),
            won_amount=12_000,
        )
        await seed_deal(
            session,
            a,
            "Alpha Two",
            submitted=at(9, 25),
            value=5_000,
            steps=((at(9, 26), ap), (at(9, 30, 23, 59), won)),
        )
        await seed_deal(
            session, a, "Alpha Three", submitted=at(10, 10), value=20_000, currency="EUR"
        )
        await seed_deal(
            session,
            a,
            "Alpha Four",
            submitted=at(10, 12),
            value=8_000,
            steps=((at(10, 13), deal_store.REJECTED),),
        )
        await seed_deal(
            session,
            a,
            "Alpha Five",
            submitted=at(10, 15),
            value=4_000,
            steps=((at(10, 16), deal_store.WITHDRAWN),),
        )
        await seed_deal(
            session,
            a,
            "Alpha Six",
            submitted=at(10, 20),
            value=30_000,
            steps=((at(10, 23), ap),),
            stage="proposal",
        )
        await seed_deal(
            session,
            a,
            "Alpha Seven",
            submitted=at(10, 1),
            value=6_000,
            currency="GBP",
            steps=((at(10, 2), ap),),
        )
        await seed_deal(
            session,
            a,
            "Alpha Eight",
            submitted=at(10, 5),
            value=15_000,
            steps=((at(10, 6), ap), (at(11, 1), lost)),
            lost_reason="Budget cut",
        )
        b = beta.id
        await seed_deal(
            session, b, "Beta One", submitted=at(8, 1), value=50_000, steps=((at(8, 2), ap),)
        )
        await seed_deal(
            session,
            b,
            "Beta Two",
            submitted=at(7, 15),
            value=40_000,
            steps=((at(7, 16), ap), (at(10, 20), lost)),
            lost_reason="Went with a rival",
        )
        await seed_deal(
            session,
            gamma.id,
            "Gamma One",
            submitted=at(10, 1, 10),
            value=10_000,
            steps=((at(10, 2), ap), (at(11, 10), won)),
        )
        now = at(11, 1)
        await set_target(session, a, "2026Q4", amount_cents=10_000_000, currency="USD", now=now)
        await set_target(
            session, gamma.id, "2026Q4", amount_cents=5_000_000, currency="EUR", now=now
        )
        session.add(
            Question(
                text="Does Lumora integrate with SAP?",
                person_id=rep.id,
                partner_id=a,
                answer="",
                grounded=False,
                sources=[],
                platform="slack",
                asked_at=at(11, 20, 10),
            )
        )
        for posted, answer in (
            (at(9, 28, 9), None),
            (at(10, 5, 9), "Two demos booked."),
            (at(11, 2, 9), "Blocked: waiting on the security review from Contoso."),
            (at(11, 16, 9), None),
            (at(11, 23, 9), None),
        ):
            checkin = Checkin(
                partner_id=a, local_date=posted.date(), due_at=posted, posted_at=posted
            )
            session.add(checkin)
            await session.flush()
            if answer is not None:
                session.add(
                    CheckinAnswer(
                        checkin_id=checkin.id,
                        person_id=rep.id,
                        text=answer,
                        created_at=posted.replace(hour=11),
                    )
                )
        return World(acme=a, beta=b, gamma=gamma.id, rep=rep.id)
