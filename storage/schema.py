"""Imports every model module so `Base.metadata` is complete (migrations, tests)."""

from __future__ import annotations

from storage import audit, conversations, events, outbox, partners, people
from storage.base import Base

metadata = Base.metadata

__all__ = ["audit", "conversations", "events", "metadata", "outbox", "partners", "people"]
