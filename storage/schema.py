"""Imports every model module so `Base.metadata` is complete (migrations, tests)."""

from __future__ import annotations

from storage import (
    audit,
    checkins,
    conversations,
    deals,
    digests,
    drafts,
    events,
    house_accounts,
    kb,
    kb_glossary,
    kb_questions,
    outbox,
    partners,
    people,
    survey_results,
    surveys,
    targets,
    threads,
)
from storage.base import Base

metadata = Base.metadata

__all__ = [
    "audit",
    "checkins",
    "conversations",
    "deals",
    "digests",
    "drafts",
    "events",
    "house_accounts",
    "kb",
    "kb_glossary",
    "kb_questions",
    "metadata",
    "outbox",
    "partners",
    "people",
    "survey_results",
    "surveys",
    "targets",
    "threads",
]
