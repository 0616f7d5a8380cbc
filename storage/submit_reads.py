"""A submission's two reads in one statement (issue 15): its context
(`deal_reads.get_submit_context`) and its conflict candidates
(`deal_conflicts.lookup_conflicts`). Both depend only on what the form says, so they
are one UNION ALL: on PostgreSQL one round trip instead of two inside the
transaction that stores the registration.

The context's rows carry its columns and NULL in the candidate's; the candidates'
rows the reverse (the partner's id, never NULL in a context row, tells them apart).
A test compares the result with the two reads apart on both databases.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import cast, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import CompoundSelect

from storage import deal_conflicts, deal_reads
from storage import deals as deal_store
from storage.lean import LeanQuery, Row

_CANDIDATE_WIDTH = len(deal_conflicts.Candidate._fields)


@functools.lru_cache(maxsize=4)
def _submit_reads_stmt(limit: int) -> CompoundSelect[Any]:
    """The context's SELECT with the candidates' columns (NULL) after its own, then
    each of the candidates' SELECTs with the context's columns (NULL) before theirs."""
    context = deal_reads.submit_context_stmt(ordered=False)
    candidates = deal_conflicts.candidates_stmt(limit)
    kinds = [c.type for c in candidates.selected_columns]
    first = context.add_columns(*(cast(null(), kind) for kind in kinds))
    blank = [null()] * len(context.selected_columns)
    rest = []
    for branch in candidates.selects:
        inner = branch.subquery()
        rest.append(select(*blank, *inner.c))
    return union_all(first, *rest)


@functools.lru_cache(maxsize=4)
def _lean(limit: int) -> LeanQuery:
    return LeanQuery(lambda: _submit_reads_stmt(limit))


async def get_submit_reads(
    session: AsyncSession,
    partner_id: int,
    *,
    idempotency_key: str,
    domain: str,
    prefix: str,
    limit: int = 200,
) -> tuple[deal_store.SubmitContext | None, deal_conflicts.ConflictLookup]:
    """`get_submit_context(partner_id, idempotency_key)` and
    `lookup_conflicts(domain, prefix, limit)`, in one statement when the session holds
    no object yet (else the two reads, as `get_submit_context` does then)."""
    if session.identity_map:
        found = await deal_reads.get_submit_context(
            session, partner_id, idempotency_key=idempotency_key
        )
        lookup = await deal_conflicts.lookup_conflicts(
            session, domain=domain, prefix=prefix, limit=limit
        )
        return found, lookup
    params = {
        "partner_id": partner_id,
        "idempotency_key": idempotency_key,
        "domain": domain,
        "prefix": prefix,
    }
    raw, processors = await _lean(limit).raw_rows(session, params)
    width = deal_reads.SUBMIT_CONTEXT_WIDTH
    own, theirs = processors[:width], processors[width:]
    context: list[Row] = []
    candidates: list[Row] = []
    for row in raw:
        if row[0] is None:
            candidates.append(_processed(theirs, row[width:]))
        else:
            context.append(_processed(own, row[:width]))
    lookup = deal_conflicts.candidates_of(candidates)
    if not context:
        return None, lookup
    at = deal_reads.SUBMIT_CHANNEL_ID_AT
    context.sort(key=lambda row: -1 if row[at] is None else int(row[at]))
    return deal_reads.submit_context_of(session, context), lookup


def _processed(processors: Sequence[Any], values: Sequence[Any]) -> Row:
    if not any(processors):
        return tuple(values)
    return tuple(p(v) if p is not None else v for p, v in zip(processors, values, strict=True))
