"""Declarative base with a naming convention, and column types shared by every model."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, MetaData
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


T = TypeVar("T", bound=Base)


def as_loaded(model: type[T], values: Mapping[str, Any], **related: Any) -> T:
    """A `model` object as the ORM loads one, tracked by no session (detached):
    `values` (column keys) are its loaded columns, `related` its loaded relationships,
    with no history and no backref set (`session.add()` makes it persistent, with
    nothing to write). What `model(**values, **related)` and
    `make_transient_to_detached` leave, without the constructor's attribute events:
    several times cheaper (a submission builds four of them; issue 15)."""
    unknown = (values.keys() | related.keys()) - _attribute_keys(model)
    if unknown:  # as the constructor refuses them
        raise TypeError(f"{sorted(unknown)} are not attributes of {model.__name__}")
    obj: T = model.__mapper__.class_manager.new_instance()
    obj.__dict__.update(values)
    for key, value in related.items():
        set_committed_value(obj, key, value)
    make_transient_to_detached(obj)
    return obj


@functools.cache
def _attribute_keys(model: type[Base]) -> frozenset[str]:
    return frozenset(model.__mapper__.attrs.keys())


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"timestamps must be timezone-aware, got {value!r}")
        moment: datetime = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def insert_or_ignore(session: AsyncSession, model: type[Base]) -> PgInsert | SqliteInsert:
    """An INSERT for `model` in the session's dialect, with `.on_conflict_do_nothing()`
    available: the race-free way to create a row that another request may create too."""
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        return pg_insert(model)
    return sqlite_insert(model)
