"""A submission's two reads in one statement (issue 15): its context
(`deal_reads.get_submit_context`) and its conflict candidates
(`deal_conflicts.lookup_conflicts`). Both depend only on what the form says, so they
are one UNION ALL: on PostgreSQL one round trip instead of two inside the
transaction that stores the registration.

The context's rows carry its columns and NULL in the candidate's; the candidates'
rows the reverse (the partner's id, never NULL in a context row, tells them apart).
A test compares the result with the two reads apart on both databases.

On PostgreSQL the statement may also take the id of the registration to store
(`allocate`: the `deals` sequence's next value, unless the form was used already), so
that its messages can name it and go in the one statement that stores it
(`deal_writes.insert_deal`). Like any rolled-back insert, a submission that stores
nothing after that (a refused duplicate, a failure) leaves a gap in the ids.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Integer, case, cast, func, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import CompoundSelect

from storage import deal_conflicts, deal_reads
from storage import deals as deal_store
from storage.lean import LeanQuery, Row

_CANDIDATE_WIDTH = len(deal_conflicts.Candidate._fields)


class SubmitReads(NamedTuple):
    context: deal_store.SubmitContext | None
    lookup: deal_conflicts.ConflictLookup
    #: The id the registration is to be stored under (`allocate`), else None.
    next_id: int | None = None


def _next_id(context: Any) -> Any:
    """The `deals` sequence's next value, taken only when no registration has the
    form's idempotency key (the context's last column); once per statement (an
    uncorrelated subquery is evaluated once, when first needed)."""
    sequence = func.pg_get_serial_sequence("deals", "id")
    taken = select(func.nextval(sequence)).scalar_subquery()
    used = list(context.selected_columns)[-1]
    return case((used.is_(None), taken), else_=null()).label("next_id")


@functools.lru_cache(maxsize=4)
def _submit_reads_stmt(limit: int, allocate: bool = False) -> CompoundSelect[Any]:
    """The context's SELECT with the candidates' columns (NULL) after its own (and,
    `allocate`, the next id after those), then each of the candidates' SELECTs with the
    context's columns (NULL) before theirs (and NULL after)."""
    context = deal_reads.submit_context_stmt(ordered=False)
    candidates = deal_conflicts.candidates_stmt(limit)
    kinds = [c.type for c in candidates.selected_columns]
    first = context.add_columns(*(cast(null(), kind) for kind in kinds))
    if allocate:
        first = first.add_columns(_next_id(context))
    blank = [null()] * len(context.selected_columns)
    after = [cast(null(), Integer)] if allocate else []
    rest = []
    for branch in candidates.selects:
        inner = branch.subquery()
        rest.append(select(*blank, *inner.c, *after))
    return union_all(first, *rest)


@functools.lru_cache(maxsize=4)
def _lean(limit: int, allocate: bool = False) -> LeanQuery:
    return LeanQuery(lambda: _submit_reads_stmt(limit, allocate))


async def get_submit_reads(
    session: AsyncSession,
    partner_id: int,
    *,
    idempotency_key: str,
    domain: str,
    prefix: str,
    limit: int = 200,
    allocate: bool = False,
) -> SubmitReads:
    """`get_submit_context(partner_id, idempotency_key)` and
    `lookup_conflicts(domain, prefix, limit)`, in one statement when the session holds
    no object yet (else the two reads, as `get_submit_context` does then); with
    `allocate`, on PostgreSQL, the id to store the registration under too (see above;
    None elsewhere, when the form was used or the partner is not found)."""
    postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
    allocate = allocate and postgres and not session.identity_map
    if session.identity_map:
        found = await deal_reads.get_submit_context(
            session, partner_id, idempotency_key=idempotency_key
        )
        lookup = await deal_conflicts.lookup_conflicts(
            session, domain=domain, prefix=prefix, limit=limit
        )
        return SubmitReads(found, lookup)
    params = {
        "partner_id": partner_id,
        "idempotency_key": idempotency_key,
        "domain": domain,
        "prefix": prefix,
    }
    raw, processors = await _lean(limit, allocate).raw_rows(session, params)
    width = deal_reads.SUBMIT_CONTEXT_WIDTH
    end = width + _CANDIDATE_WIDTH
    own, theirs = processors[:width], processors[width:end]
    context: list[Row] = []
    candidates: list[Row] = []
    next_id = None
    for row in raw:
        if row[0] is None:
            candidates.append(_processed(theirs, row[width:end]))
        else:
            context.append(_processed(own, row[:width]))
            next_id = row[end] if allocate else None
    lookup = deal_conflicts.candidates_of(candidates)
    if not context:
        return SubmitReads(None, lookup)
    at = deal_reads.SUBMIT_CHANNEL_ID_AT
    context.sort(key=lambda row: -1 if row[at] is None else int(row[at]))
    found = deal_reads.submit_context_of(session, context)
    return SubmitReads(found, lookup, None if next_id is None else int(next_id))


def _processed(processors: Sequence[Any], values: Sequence[Any]) -> Row:
    if not any(processors):
        return tuple(values)
    return tuple(p(v) if p is not None else v for p, v in zip(processors, values, strict=True))
