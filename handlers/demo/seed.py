"""`partnerbot demo seed`: sample partners in three tiers, registrations over the last
two quarters, check-ins and their answers, and knowledge gaps, so a first
`digest preview` or `scorecard` shows a realistic picture.

Deterministic (a seeded random generator) and relative to the clock. The sample
partners belong to the shell's local manager (`shell:you`), so `partnerbot shell`
then `digest now` or `scorecard Northwind Traders` shows them at once.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import NotAllowed
from handlers.demo.samples import ANSWERS, COMPANIES, GAPS, LOST_REASONS, PARTNERS
from handlers.deps import Deps
from storage import checkins as checkin_store
from storage import deals as deal_store
from storage import demo as demo_store
from storage import kb_questions
from storage import partners as partner_store
from storage import people as people_store
from storage.deals import Deal
from storage.quarters import Quarter
from storage.targets import set_target

MANAGER_USER_ID = "you"
STAGES = ("qualified", "proposal", "negotiation")


@dataclass(frozen=True)
class SeedReport:
    partners: int
    deals: int
    answers: int
    questions: int


def _slug(name: str) -> str:
    return "shell-" + re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


async def seed_demo(deps: Deps, *, force: bool = False) -> SeedReport:
    """Fill the database with the sample program.

    Raises:
        NotAllowed: the database already has partners of its own (without `force`), or
            the sample is already there.
    """
    now = deps.clock()
    rng = random.Random(7)
    names = [p[0] for p in PARTNERS]
    async with deps.sessions() as session, session.begin():
        existing = await partner_store.list_partners(session)
        known = {p.name_key for p in existing}
        if all(partner_store.name_key(n) in known for n in names):
            raise NotAllowed("The demo data is already there.")
        real = [p for p in existing if p.name not in names]
        if real and not force:
            raise NotAllowed(
                f"This database already has {len(real)} partner(s) of its own; the demo "
                "data would mix with them. Use --force to add it anyway."
            )
        manager = await people_store.get_person(session, "shell", MANAGER_USER_ID)
        if manager is None or not manager.is_staff:
            manager = await people_store.upsert_person(
                session, "shell", MANAGER_USER_ID, name="You", role="manager"
            )
        quarter = Quarter.of(now)
        deals = answers = 0
        for index, (name, tier, target, behaviour) in enumerate(PARTNERS):
            if partner_store.name_key(name) in known:
                continue
            partner = await partner_store.add_partner(
                session,
                name,
                tier=tier,
                region=("EMEA", "AMER", "APAC")[index % 3],
                manager_id=manager.id,
            )
            await partner_store.link_channel(
                session, partner, platform="shell", channel_id=_slug(name)
            )
            rep = await people_store.upsert_person(
                session,
                "shell",
                f"rep-{index + 1}",
                name=f"{name.split()[0]} rep",
                partner_id=partner.id,
            )
            if target is not None:
                await set_target(
                    session,
                    partner.id,
                    quarter.label,
                    amount_cents=target * 100_000,
                    currency=deps.settings.deal_default_currency,
                    now=now,
                )
            deals += await _deals(session, deps, partner.id, rep.id, behaviour, rng, now)
            answers += await _checkins(session, partner.id, rep.id, behaviour, rng, now)
        asked = 0
        partners = {p.name: p for p in await partner_store.list_partners(session)}
        for n, text in enumerate(GAPS):
            partner = partners[names[n % len(names)]]
            await kb_questions.add_question(
                session,
                text,
                person_id=None,
                partner_id=partner.id,
                answer="",
                grounded=False,
                sources=[],
                platform="shell",
                channel_id=_slug(partner.name),
                thread_id=None,
                now=now - timedelta(days=n + 1),
            )
            asked += 1
    added = sum(partner_store.name_key(n) not in known for n in names)
    return SeedReport(added, deals, answers, asked)


async def _deals(
    session: AsyncSession,
    deps: Deps,
    partner_id: int,
    rep_id: int,
    behaviour: str,
    rng: random.Random,
    now: datetime,
) -> int:
    """Registrations over the previous and the current quarter."""
    start = Quarter.of(now).previous().start
    span = (now - start).days
    count = {"strong": 14, "idle": 5, "pipeline_drop": 10}.get(behaviour, 9)
    made = 0
    for n in range(count):
        if behaviour == "idle":
            submitted = start + timedelta(days=rng.randint(0, max(1, span - 45)))
        elif behaviour == "pipeline_drop":
            submitted = start + timedelta(days=rng.randint(0, max(1, span // 2)))
        else:
            submitted = start + timedelta(days=rng.randint(0, max(1, span - 1)))
        submitted = submitted.replace(hour=rng.randint(8, 17))
        company = f"{rng.choice(COMPANIES)} {n + 1}"
        value = rng.choice((8, 12, 20, 25, 40, 60, 90)) * 1000
        currency = "EUR" if n % 6 == 5 else deps.settings.deal_default_currency
        deal = await deal_store.add_deal(
            session,
            Deal(
                partner_id=partner_id,
                submitted_by_id=rep_id,
                idempotency_key=f"demo-{partner_id}-{n}",
                company=company,
                company_key=company.casefold(),
                company_prefix=company.casefold()[:4],
                domain=re.sub(r"[^a-z0-9]+", "", company.casefold()) + ".example",
                value_cents=value * 100,
                currency=currency,
                close_date=date(now.year + 1, 3, 31),
                products=["Platform"],
                stage=rng.choice(STAGES),
                status=deal_store.PENDING,
                conflict_with=[],
                origin_platform="shell",
                submitted_at=submitted,
                updated_at=submitted,
            ),
        )
        await _event(session, deal, "submitted", submitted, None, deal_store.PENDING)
        made += 1
        age = (now - submitted).days
        roll = rng.random()
        if age < 3 or (behaviour != "pipeline_drop" and roll < 0.12):
            continue  # still pending
        decided = submitted + timedelta(hours=rng.randint(2, 60))
        if roll < 0.22:
            deal.decided_at, deal.decision_reason = decided, "Outside the partner's territory"
            await _event(
                session, deal, "rejected", decided, deal_store.PENDING, deal_store.REJECTED
            )
            continue
        if roll < 0.27:
            await _event(
                session, deal, "withdrawn", decided, deal_store.PENDING, deal_store.WITHDRAWN
            )
            continue
        deal.decided_at, deal.decided_by_name = decided, "You"
        deal.protected_until = decided + timedelta(days=deps.settings.deal_protection_days)
        await _event(session, deal, "approved", decided, deal_store.PENDING, deal_store.APPROVED)
        closing = (
            behaviour == "pipeline_drop" or (behaviour == "strong" and roll < 0.8) or roll < 0.6
        )
        closed = decided + timedelta(days=rng.randint(10, 50))
        if not closing or closed >= now:
            continue
        if rng.random() < (0.7 if behaviour == "strong" else 0.45):
            deal.won_amount_cents = value * 100
            await _event(session, deal, "won", closed, deal_store.APPROVED, deal_store.WON)
        else:
            deal.lost_reason = rng.choice(LOST_REASONS)
            await _event(session, deal, "lost", closed, deal_store.APPROVED, deal_store.LOST)
    return made


async def _event(
    session: AsyncSession, deal: Deal, kind: str, at: datetime, before: str | None, after: str
) -> None:
    deal.status, deal.updated_at = after, at
    await deal_store.add_event(
        session,
        deal,
        kind=kind,
        at=at,
        actor_id=None,
        actor_name="demo",
        from_status=before,
        to_status=after,
    )


async def _checkins(
    session: AsyncSession,
    partner_id: int,
    rep_id: int,
    behaviour: str,
    rng: random.Random,
    now: datetime,
) -> int:
    """Weekly check-ins over the last eight weeks, most of them answered."""
    answered = 0
    for weeks in range(8, 0, -1):
        posted = (now - timedelta(weeks=weeks, days=-1)).replace(hour=9, minute=0, second=0)
        checkin_id = await demo_store.add_checkin(
            session, partner_id, local_date=posted.date(), posted_at=posted
        )
        if behaviour == "idle" or (behaviour == "missed_checkins" and weeks <= 2):
            continue
        if rng.random() < 0.25:
            continue
        await checkin_store.add_answer(
            session,
            checkin_id,
            rep_id,
            rng.choice(ANSWERS),
            now=posted + timedelta(hours=rng.randint(1, 30)),
        )
        answered += 1
    return answered
