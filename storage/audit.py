"""The audit log: one row per change anyone made through the bot or the CLI."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


async def add_audit(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    subject: str = "",
    detail: dict[str, object] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor, action=action, subject=subject, detail=detail or {}, at=at or utcnow()
    )
    session.add(entry)
    await session.flush()
    return entry


async def list_audit(session: AsyncSession, *, action: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return list((await session.scalars(stmt)).all())
