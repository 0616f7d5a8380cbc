"""Imports every model module so `Base.metadata` is complete (migrations, tests)."""

from __future__ import annotations

from storage import (
    audit,
    checkins,
    conversations,
    deals,
    drafts,
    events,
    house_accounts,
    kb,
    kb_questions,
    outbox,
    partners,
    people,
)
from storage.base import Base

metadata = Base.metadata

__all__ = [
    "audit",
    "checkins",
    "conversations",
    "deals",
    "drafts",
    "events",
    "house_accounts",
    "kb",
    "kb_questions",
    "metadata",
    "outbox",
    "partners",
    "people",
]
