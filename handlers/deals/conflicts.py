"""The conflict check: a new registration against the active ones.

Pure: callers fetch the candidates (by indexed queries) and the house account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import process
from rapidfuzz.fuzz import token_sort_ratio

FUZZY_THRESHOLD = 90
#: A possible duplicate names at most this many registrations, the closest first: the
#: manager's card shows them side by side, and a common name must not pull in hundreds.
MAX_FUZZY_MATCHES = 5

ConflictKind = Literal["none", "duplicate", "horizontal", "channel", "possible_duplicate"]


@dataclass(frozen=True)
class ExistingRegistration:
    """An active registration the conflict check compares against."""

    id: int
    partner_id: int
    domain: str
    company: str
    company_key: str
    status: str


@dataclass(frozen=True)
class ConflictResult:
    """The outcome of the conflict check; `matches` are the registrations involved."""

    kind: ConflictKind
    matches: tuple[ExistingRegistration, ...] = ()
    house_account: str | None = None

    @property
    def refused(self) -> bool:
        return self.kind == "duplicate"

    @property
    def held(self) -> bool:
        """A manager must look at it (never auto-approved)."""
        return self.kind in ("horizontal", "channel", "possible_duplicate")


def detect_conflict(
    *,
    partner_id: int,
    domain: str,
    key: str,
    existing: Sequence[ExistingRegistration],
    house_account: str | None = None,
) -> ConflictResult:
    """Classify a new registration against active ones (fetched by indexed queries).

    Order: a duplicate of the partner's own registration (refused) wins; then a house
    account (channel conflict); then another partner's registration of the same domain
    (horizontal); then a company name fuzzy-matching (token_sort_ratio >= 90) an active
    registration under another domain (possible duplicate, naming the
    `MAX_FUZZY_MATCHES` closest).
    """
    same_domain = [e for e in existing if e.domain == domain]
    own = [e for e in same_domain if e.partner_id == partner_id]
    if own:
        return ConflictResult("duplicate", tuple(own))
    others = tuple(e for e in same_domain if e.partner_id != partner_id)
    if house_account is not None:
        return ConflictResult("channel", others, house_account=house_account)
    if others:
        return ConflictResult("horizontal", others)
    elsewhere = [e for e in existing if e.domain != domain]
    scored = [
        (score, elsewhere[index])
        for index, score in fuzzy_matches(key, [e.company_key for e in elsewhere])
    ]
    if scored:
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        closest = tuple(e for _, e in scored[:MAX_FUZZY_MATCHES])
        return ConflictResult("possible_duplicate", closest)
    return ConflictResult("none")


def fuzzy_matches(key: str, keys: Sequence[str]) -> list[tuple[int, float]]:
    """(index, score) of each of `keys` whose company key fuzzy-matches `key`
    (token_sort_ratio >= FUZZY_THRESHOLD), in no particular order. One call into
    rapidfuzz for all of them: a submission compares against up to 201 candidates."""
    if not keys:
        return []
    found = process.extract(
        key, keys, scorer=token_sort_ratio, score_cutoff=FUZZY_THRESHOLD, limit=None
    )
    return [(index, score) for _, score, index in found]
