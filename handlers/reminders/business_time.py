"""Business time: only Monday-to-Friday hours count, in a given time zone.

Pure functions of plain values (aware datetimes, a zone), tested with fixed clocks.
A business day is a whole local weekday, midnight to midnight, so "2 business days"
is 48 business hours; a DST day counts the hours it really has (23 or 25). Public
holidays are not known here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_TICK = timedelta(microseconds=1)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of local `day`, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def _is_business_day(day: date) -> bool:
    return day.weekday() < 5


def business_hours_between(start: datetime, end: datetime, zone: ZoneInfo) -> float:
    """How many Monday-to-Friday hours (local to `zone`) lie between `start` and `end`
    (0 when `end` is not after `start`)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta()
    cursor = start
    while cursor < end:
        day = cursor.astimezone(zone).date()
        next_midnight = _midnight(day + timedelta(days=1), zone)
        stop = min(end, next_midnight)
        if _is_business_day(day):
            total += stop - cursor
        cursor = stop
    return total.total_seconds() / 3600


def business_cutoff(now: datetime, hours: float, zone: ZoneInfo) -> datetime:
    """The latest moment (UTC) with at least `hours` business hours between it and
    `now`: something submitted at or before it has waited `hours` business hours."""
    remaining = timedelta(hours=hours)
    cursor = now.astimezone(UTC)
    while True:
        day = (cursor - _TICK).astimezone(zone).date()  # the local day that ends at cursor
        midnight = _midnight(day, zone)
        if _is_business_day(day):
            available = cursor - midnight
            if available >= remaining:
                return cursor - remaining
            remaining -= available
        cursor = midnight
