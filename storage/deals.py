"""Deal registrations and their audit trail (deal_events).

A registration belongs to one partner. `domain` is the customer's registrable domain
(already normalised by the caller) and `company_prefix` the first characters of the
normalised company key: both are indexed together with `status`, so the conflict
check reads a handful of rows by index and never scans the table.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    bindparam,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload
from sqlalchemy.sql import Select

from storage.base import Base, UTCDateTime, utcnow
from storage.partners import Partner
from storage.people import Person

PENDING = "pending"
INFO_REQUESTED = "info_requested"
APPROVED = "approved"
REJECTED = "rejected"
WON = "won"
LOST = "lost"
EXPIRED = "expired"
#: Taken back by the partner before it was decided (counted as submitted, never as
#: rejected; out of the pipeline).
WITHDRAWN = "withdrawn"
STATUSES = (PENDING, INFO_REQUESTED, APPROVED, REJECTED, WON, LOST, EXPIRED, WITHDRAWN)
#: Registrations that still claim their customer (conflict checks look only at these).
ACTIVE_STATUSES = (PENDING, INFO_REQUESTED, APPROVED)
#: Awaiting a manager's decision.
UNDECIDED_STATUSES = (PENDING, INFO_REQUESTED)
#: A registration in one of these is out of the pipeline for good.
CLOSED_STATUSES = (REJECTED, WON, LOST, EXPIRED, WITHDRAWN)

EXTENSION_REQUESTED = "requested"
EXTENSION_APPROVED = "approved"
EXTENSION_DECLINED = "declined"

#: How many characters of the company key the fuzzy-match candidate index uses.
COMPANY_PREFIX_CHARS = 4


def deal_ref(deal_id: int) -> str:
    """The human-readable id: 123 -> "DR-000123"."""
    return f"DR-{deal_id:06d}"


def parse_deal_ref(text: str) -> int | None:
    """ "DR-000123", "dr-123" or "123" into 123; None when it is not a deal id."""
    raw = text.strip().upper().removeprefix("DR-")
    return int(raw) if raw.isdigit() else None


class Deal(Base):
    """One deal registration.

    Money is stored in hundredths of the currency unit (`*_cents`), whatever the
    currency, so both backends store exact integers.
    """

    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_domain_status", "domain", "status"),
        Index("ix_deals_company_prefix_status", "company_prefix", "status"),
        Index("ix_deals_partner_status", "partner_id", "status"),
        Index("ix_deals_status_protected_until", "status", "protected_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    company: Mapped[str] = mapped_column(String(200))
    company_key: Mapped[str] = mapped_column(String(200))
    company_prefix: Mapped[str] = mapped_column(String(COMPANY_PREFIX_CHARS))
    domain: Mapped[str] = mapped_column(String(253))
    value_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    close_date: Mapped[date] = mapped_column(Date)
    products: Mapped[list[str]] = mapped_column(JSON, default=list)
    stage: Mapped[str] = mapped_column(String(32))
    contact: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    conflict_kind: Mapped[str | None] = mapped_column(String(32))
    conflict_with: Mapped[list[int]] = mapped_column(JSON, default=list)
    origin_platform: Mapped[str | None] = mapped_column(String(16))
    origin_channel_id: Mapped[str | None] = mapped_column(String(512))
    origin_thread_id: Mapped[str | None] = mapped_column(String(255))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str | None] = mapped_column(String(200))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    info_question: Mapped[str | None] = mapped_column(Text)
    protected_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    extension_status: Mapped[str | None] = mapped_column(String(16))
    extension_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    extensions_granted: Mapped[int] = mapped_column(default=0)
    expiry_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    won_amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    lost_reason: Mapped[str | None] = mapped_column(Text)

    partner: Mapped[Partner] = relationship(lazy="raise")

    @property
    def ref(self) -> str:
        return deal_ref(self.id)


_WITH_CHANNELS = selectinload(Deal.partner).selectinload(Partner.channels)


class DealEvent(Base):
    """One state change of a registration: who, when, from -> to, why."""

    __tablename__ = "deal_events"
    #: Covers the KPI lookups "when did this registration close" (storage.kpis).
    __table_args__ = (Index("ix_deal_events_deal_status_at", "deal_id", "to_status", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


@dataclass(frozen=True)
class SubmitContext:
    """What a submission needs before the conflict check, read in one query."""

    partner: Partner
    manager: Person | None
    existing_deal_id: int | None


async def get_submit_context(
    session: AsyncSession, partner_id: int, *, idempotency_key: str
) -> SubmitContext | None:
    """The partner with its channels, its owning manager, and the id of the registration
    already stored under `idempotency_key` (a re-submitted form), in one query."""
    params = {"partner_id": partner_id, "idempotency_key": idempotency_key}
    row = (await session.execute(_submit_context_stmt(), params)).unique().one_or_none()
    return SubmitContext(row[0], row[1], row[2]) if row is not None else None


@functools.cache
def _submit_context_stmt() -> Select[Any]:
    """Built once (on first use: the models must be complete), bound with
    `:partner_id` and `:idempotency_key`; it runs on every registration."""
    existing = (
        select(Deal.id)
        .where(Deal.idempotency_key == bindparam("idempotency_key", type_=String))
        .scalar_subquery()
    )
    return (
        select(Partner, Person, existing)
        .outerjoin(Person, Person.id == Partner.manager_id)
        .where(Partner.id == bindparam("partner_id"))
        .options(joinedload(Partner.channels))
    )


async def add_deal(session: AsyncSession, deal: Deal) -> Deal:
    """Insert `deal` (flush). A repeated `idempotency_key` raises IntegrityError."""
    session.add(deal)
    await session.flush()
    return deal


async def get_deal(session: AsyncSession, deal_id: int, *, for_update: bool = False) -> Deal | None:
    """A registration with its partner and the partner's channels loaded."""
    return (await session.scalars(_deal_stmt(for_update), {"deal_id": deal_id})).one_or_none()


@functools.cache
def _deal_stmt(for_update: bool) -> Select[Deal]:
    """Built once per lock mode, bound with `:deal_id` (every click on a card reads it)."""
    stmt = select(Deal).where(Deal.id == bindparam("deal_id")).options(_WITH_CHANNELS)
    return stmt.with_for_update() if for_update else stmt


async def get_deal_by_key(session: AsyncSession, idempotency_key: str) -> Deal | None:
    stmt = select(Deal).where(Deal.idempotency_key == idempotency_key).options(_WITH_CHANNELS)
    return (await session.scalars(stmt)).one_or_none()


async def list_deals(
    session: AsyncSession,
    *,
    partner_ids: Sequence[int] | None = None,
    statuses: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[Deal]:
    """Registrations, newest first; `partner_ids=None` means every partner."""
    stmt = select(Deal).options(selectinload(Deal.partner)).order_by(Deal.id.desc())
    if partner_ids is not None:
        stmt = stmt.where(Deal.partner_id.in_(list(partner_ids)))
    if statuses:
        stmt = stmt.where(Deal.status.in_(list(statuses)))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await session.scalars(stmt)).all())


async def get_deals(session: AsyncSession, deal_ids: Sequence[int]) -> list[Deal]:
    if not deal_ids:
        return []
    stmt = (
        select(Deal)
        .where(Deal.id.in_(list(deal_ids)))
        .options(selectinload(Deal.partner))
        .order_by(Deal.id)
    )
    return list((await session.scalars(stmt)).all())


async def add_event(
    session: AsyncSession,
    deal: Deal,
    *,
    kind: str,
    at: datetime,
    actor_id: int | None,
    actor_name: str,
    from_status: str | None,
    to_status: str | None,
    reason: str | None = None,
    detail: dict[str, object] | None = None,
) -> DealEvent:
    event = DealEvent(
        deal_id=deal.id,
        at=at,
        actor_id=actor_id,
        actor_name=actor_name,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        detail=detail or {},
    )
    session.add(event)
    return event


async def list_events(session: AsyncSession, deal_id: int) -> list[DealEvent]:
    stmt = select(DealEvent).where(DealEvent.deal_id == deal_id).order_by(DealEvent.id)
    return list((await session.scalars(stmt)).all())


async def count_deals(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Deal)) or 0)
