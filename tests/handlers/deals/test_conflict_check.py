"""The conflict check finds exactly the conflicts of the per-candidate rule: the
candidates narrowed to the ones involved and scored in one rapidfuzz call (issue 15)
decide as comparing every candidate one by one did."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from rapidfuzz.fuzz import token_sort_ratio

from handlers.deals.conflicts import (
    FUZZY_THRESHOLD,
    MAX_FUZZY_MATCHES,
    ConflictResult,
    ExistingRegistration,
    detect_conflict,
)
from handlers.deals.identity import company_key, company_prefix
from handlers.deals.submission import check_conflict
from storage import deal_conflicts
from storage import deals as deal_store
from storage import partners as partner_store
from storage.engine import SessionFactory
from storage.house_accounts import upsert_house_accounts
from tests.conftest import FIXED_NOW

_WORDS = ["Acme", "Acne", "Acmee", "Globex", "Globe", "Initech", "Initek", "Umbrella"]
_MORE = ["Systems", "System", "Labs", "Lab", "Corp", "Holdings", "Partners", "Group"]


def _reference(
    *,
    partner_id: int,
    domain: str,
    key: str,
    existing: Sequence[ExistingRegistration],
    house_account: str | None = None,
) -> ConflictResult:
    """The rule as it was written first: every candidate scored on its own."""
    same_domain = [e for e in existing if e.domain == domain]
    own = [e for e in same_domain if e.partner_id == partner_id]
    if own:
        return ConflictResult("duplicate", tuple(own))
    others = tuple(e for e in same_domain if e.partner_id != partner_id)
    if house_account is not None:
        return ConflictResult("channel", others, house_account=house_account)
    if others:
        return ConflictResult("horizontal", others)
    scored = [
        (score, e)
        for e in existing
        if e.domain != domain
        and (score := token_sort_ratio(key, e.company_key, score_cutoff=FUZZY_THRESHOLD))
    ]
    if scored:
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        return ConflictResult("possible_duplicate", tuple(e for _, e in scored[:MAX_FUZZY_MATCHES]))
    return ConflictResult("none")


def _name(rng: random.Random) -> str:
    words = [rng.choice(_WORDS), rng.choice(_MORE)]
    if rng.random() < 0.3:
        words.append(rng.choice(["Inc", "Ltd", "The", "North", "Nord", str(rng.randint(1, 3))]))
    rng.shuffle(words)
    return " ".join(words)


def _registrations(rng: random.Random, count: int) -> list[ExistingRegistration]:
    made = []
    for i in range(count):
        name = _name(rng)
        made.append(
            ExistingRegistration(
                id=i + 1,
                partner_id=rng.randint(1, 4),
                domain=f"d{rng.randint(1, max(1, count // 3))}.com",
                company=name,
                company_key=company_key(name),
                status=rng.choice(["pending", "approved"]),
            )
        )
    return made


def test_detect_conflict_decides_as_the_per_candidate_rule() -> None:
    rng = random.Random(15)
    kinds = set()
    for _ in range(400):
        existing = _registrations(rng, rng.randint(0, 40))
        name = _name(rng)
        case = {
            "partner_id": rng.randint(1, 4),
            "domain": f"d{rng.randint(1, 20)}.com",
            "key": company_key(name),
            "existing": existing,
            "house_account": "House" if rng.random() < 0.1 else None,
        }
        expected = _reference(**case)  # type: ignore[arg-type]
        assert detect_conflict(**case) == expected  # type: ignore[arg-type]
        kinds.add(expected.kind)
    assert kinds == {"none", "duplicate", "horizontal", "channel", "possible_duplicate"}


async def test_check_conflict_finds_what_comparing_every_candidate_finds(
    sessions: SessionFactory,
) -> None:
    rng = random.Random(8)
    async with sessions() as session, session.begin():
        partners = [(await partner_store.add_partner(session, f"P{i}")).id for i in range(3)]
        for i, made in enumerate(_registrations(rng, 150)):
            key = company_key(made.company)
            await deal_store.add_deal(
                session,
                deal_store.Deal(
                    partner_id=partners[made.partner_id % 3],
                    idempotency_key=f"k{i}",
                    company=made.company,
                    company_key=key,
                    company_prefix=company_prefix(key),
                    domain=made.domain,
                    value_cents=100,
                    currency="USD",
                    close_date=date(2027, 1, 1),
                    products=["Platform"],
                    stage="qualified",
                    status=rng.choice(["pending", "approved", "rejected"]),
                    conflict_with=[],
                    submitted_at=FIXED_NOW,
                    updated_at=FIXED_NOW,
                    extensions_granted=0,
                ),
            )
        await upsert_house_accounts(session, [("d7.com", "House Seven", "Sam")], now=FIXED_NOW)
    kinds = set()
    async with sessions() as session:
        for _ in range(80):
            key = company_key(_name(rng))
            partner_id, domain = rng.choice(partners), f"d{rng.randint(1, 60)}.com"
            got = await check_conflict(session, partner_id=partner_id, domain=domain, key=key)
            found = await deal_conflicts.lookup_conflicts(
                session, domain=domain, prefix=company_prefix(key)
            )
            every = [ExistingRegistration(*row) for row in found.candidates]
            expected = _reference(
                partner_id=partner_id,
                domain=domain,
                key=key,
                existing=every,
                house_account=found.house_account,
            )
            assert got == expected
            kinds.add(got.kind)
    assert {"none", "duplicate", "horizontal", "possible_duplicate"} <= kinds
