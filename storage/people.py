"""People the bot knows: platform user -> partner or vendor staff, with a role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ForeignKey,
    Select,
    String,
    UniqueConstraint,
    and_,
    bindparam,
    column,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, aliased, mapped_column

from storage.base import Base, UTCDateTime, insert_or_ignore, utcnow
from storage.partners import Partner, PartnerChannel

ROLES = ("partner_rep", "partner_admin", "manager", "admin")
STAFF_ROLES = ("manager", "admin")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="partner_rep")
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL", use_alter=True), index=True
    )
    is_external: Mapped[bool] = mapped_column(default=False)
    dm_channel_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES and not self.is_external


async def get_person(session: AsyncSession, platform: str, user_id: str) -> Person | None:
    stmt = select(Person).where(Person.platform == platform, Person.user_id == user_id)
    return (await session.scalars(stmt)).one_or_none()


@dataclass(frozen=True)
class PersonInPlace:
    """A person as one query reads them: with their partner's name and the partner
    linked to the channel they speak in (None outside a linked channel)."""

    id: int
    role: str
    name: str
    is_external: bool
    partner_id: int | None
    dm_channel_id: str | None
    partner_name: str | None
    channel_partner_id: int | None
    channel_partner_name: str | None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES and not self.is_external


_OWN_PARTNER = aliased(Partner, name="own_partner")
_LINKED_PARTNER = aliased(Partner, name="linked_partner")
_S = TypeVar("_S", bound=Select[*tuple[Any, ...]])
_PERSON_IN_PLACE_COLUMNS = (
    Person.id,
    Person.role,
    Person.name,
    Person.is_external,
    Person.partner_id,
    Person.dm_channel_id,
    _OWN_PARTNER.name,
    PartnerChannel.partner_id,
    _LINKED_PARTNER.name,
)


def _with_place(stmt: _S, *, platform: Any, channel_id: Any) -> _S:
    """`stmt` (selecting from people) joined to the person's partner and to the partner
    linked to the channel (`platform`, `channel_id`)."""
    return (
        stmt.outerjoin(_OWN_PARTNER, _OWN_PARTNER.id == Person.partner_id)
        .outerjoin(
            PartnerChannel,
            and_(PartnerChannel.platform == platform, PartnerChannel.channel_id == channel_id),
        )
        .outerjoin(_LINKED_PARTNER, _LINKED_PARTNER.id == PartnerChannel.partner_id)
    )


#: Built once: building a statement with aliases costs more than running it. Also run
#: by `storage.people_reads`, the per-request read.
PERSON_IN_PLACE = _with_place(
    select(*_PERSON_IN_PLACE_COLUMNS),
    platform=bindparam("platform"),
    channel_id=bindparam("channel_id"),
).where(Person.platform == bindparam("platform"), Person.user_id == bindparam("user_id"))

_ASKED = (
    func.unnest(
        bindparam("platforms", type_=ARRAY(String)),
        bindparam("user_ids", type_=ARRAY(String)),
        bindparam("channel_ids", type_=ARRAY(String)),
    )
    .table_valued(
        column("platform", String),
        column("user_id", String),
        column("channel_id", String),
        with_ordinality="n",
    )
    .render_derived(name="asked")
)
#: PERSON_IN_PLACE for many (platform, user id, channel id) at once, PostgreSQL only:
#: each row is one asked person found, `n` (from 1) says which. Parameters: the arrays
#: `platforms`, `user_ids` and `channel_ids` (a NULL channel: none). Same joins as
#: PERSON_IN_PLACE (`_with_place`); a test keeps the two giving the same rows.
PEOPLE_IN_PLACES = _with_place(
    select(_ASKED.c.n, *_PERSON_IN_PLACE_COLUMNS)
    .select_from(_ASKED)
    .join(Person, and_(Person.platform == _ASKED.c.platform, Person.user_id == _ASKED.c.user_id)),
    platform=_ASKED.c.platform,
    channel_id=_ASKED.c.channel_id,
)


async def read_person_in_place(
    session: AsyncSession, platform: str, user_id: str, *, channel_id: str | None
) -> PersonInPlace | None:
    """The person and their place in one round trip, or None for someone new."""
    params = {"platform": platform, "user_id": user_id, "channel_id": channel_id}
    # Run on the session's connection: this read (on every request) needs none of the
    # ORM's statement handling, which costs more than the statement (~25 us). Pending
    # changes are flushed first, as session.execute would.
    await session.flush()
    connection = await session.connection()
    row = (await connection.execute(PERSON_IN_PLACE, params)).one_or_none()
    return PersonInPlace(*row) if row is not None else None


async def get_person_by_id(session: AsyncSession, person_id: int) -> Person | None:
    return await session.get(Person, person_id)


async def upsert_person(
    session: AsyncSession,
    platform: str,
    user_id: str,
    *,
    name: str | None = None,
    is_external: bool | None = None,
    role: str | None = None,
    partner_id: int | None = None,
    dm_channel_id: str | None = None,
    new_external: bool = False,
) -> Person:
    """Create or update a person; only the given attributes change. This is the
    explicit path (an admin, the CLI); what a request says goes through `record_seen`.

    An external person never keeps a staff role: it is demoted to partner_rep.
    `new_external` is the organisation of a person created here when `is_external`
    is not given.
    """
    person = await get_person(session, platform, user_id)
    if person is None:
        # Two first requests from one person can race here: insert-or-ignore, then read.
        now = utcnow()
        await session.execute(
            insert_or_ignore(session, Person)
            .values(
                platform=platform,
                user_id=user_id,
                name=name or "",
                role="partner_rep",
                is_external=new_external if is_external is None else is_external,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing()
        )
        person = await get_person(session, platform, user_id)
        assert person is not None
    if name:
        person.name = name
    if is_external is not None:
        person.is_external = is_external
    if role is not None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        person.role = role
    if partner_id is not None:
        person.partner_id = partner_id
    if dm_channel_id:
        person.dm_channel_id = dm_channel_id
    if person.is_external and person.role in STAFF_ROLES:
        person.role = "partner_rep"
    await session.flush()
    return person


async def record_seen(
    session: AsyncSession,
    platform: str,
    user_id: str,
    *,
    name: str | None = None,
    seems_external: bool = False,
    dm_channel_id: str | None = None,
) -> Person:
    """Record what a request says about the person behind it: their name and 1:1
    channel. It never changes a role, and never makes anyone internal: a request may
    only add doubt (mark a non-staff person external), because its fields are what
    the platform says about one payload, not who the person is. A new person starts as
    a partner rep, external when the request says so.
    """
    person = await upsert_person(
        session,
        platform,
        user_id,
        name=name,
        dm_channel_id=dm_channel_id,
        new_external=seems_external,
    )
    if seems_external and not person.is_external and person.role not in STAFF_ROLES:
        person.is_external = True
        await session.flush()
    return person


def record_would_change(
    known: PersonInPlace,
    *,
    name: str | None = None,
    seems_external: bool = False,
    dm_channel_id: str | None = None,
) -> bool:
    """Whether `record_seen` with these arguments would change `known`'s row (keep
    the two in step: callers skip the write when this says no)."""
    return (
        (bool(name) and name != known.name)
        or (seems_external and not known.is_external and known.role not in STAFF_ROLES)
        or (bool(dm_channel_id) and dm_channel_id != known.dm_channel_id)
    )


async def list_people(session: AsyncSession, *, role: str | None = None) -> list[Person]:
    stmt = select(Person).order_by(Person.id)
    if role is not None:
        stmt = stmt.where(Person.role == role)
    return list((await session.scalars(stmt)).all())
