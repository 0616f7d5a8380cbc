"""Calendar quarters in UTC: `2026Q4` is [2026-10-01 00:00 UTC, 2027-01-01 00:00 UTC)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

_LABEL = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, moment: datetime) -> Quarter:
        utc = moment.astimezone(UTC)
        return cls(utc.year, (utc.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, label: str) -> Quarter:
        """`2026Q4` (also `2026-q4`). Raises ValueError for anything else."""
        found = _LABEL.match(label)
        if found is None:
            raise ValueError(f"{label!r} is not a quarter like 2026Q4")
        return cls(int(found.group(1)), int(found.group(2)))

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> datetime:
        return datetime(self.year, 3 * self.number - 2, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the quarter (exclusive bound)."""
        return self.next().start

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self) -> str:
        return self.label
