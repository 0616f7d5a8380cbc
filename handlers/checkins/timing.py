"""When a check-in is due: pure functions of a schedule and a moment (no clock, no I/O).

A check-in is due at a local wall-clock time (09:00) in a time zone; the moment is
computed per occurrence, so 09:00 Europe/Berlin stays 09:00 across a DST change while
its UTC time moves by an hour. Every returned moment is an aware UTC datetime.

Cadences: `weekly` (every <weekday>), `biweekly` (every other <weekday>, counted from
the previous check-in), `monthly` (the first <weekday> of each month), `off`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import InvalidInput
from handlers import fields

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: A check-in found more than this late (the bot was down) is skipped, not posted.
LATE_LIMIT = timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """What a schedule says, already validated."""

    cadence: str
    weekday: int
    at: time
    zone: ZoneInfo
    paused_until: date | None = None


def parse_weekday(text: str) -> int:
    key = text.strip().lower()[:3]
    if key not in WEEKDAYS:
        raise InvalidInput({"day": f"{text!r} is not a weekday (mon … sun)"})
    return WEEKDAYS.index(key)


def parse_time(text: str) -> time:
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise InvalidInput({"time": f"{text!r} is not a time like 09:00"}) from exc


def parse_zone(name: str) -> ZoneInfo:
    return fields.time_zone(name)


def _at(day: date, rule: Rule) -> datetime:
    return datetime.combine(day, rule.at, tzinfo=rule.zone).astimezone(UTC)


def _first_weekday_of_month(year: int, month: int, weekday: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def _candidates(rule: Rule, start: date) -> list[date]:
    """Local dates on or after `start` that the cadence allows (enough to find one
    after any moment in the following week or month)."""
    if rule.cadence == "monthly":
        found = []
        year, month = start.year, start.month
        for _ in range(3):
            found.append(_first_weekday_of_month(year, month, rule.weekday))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return [d for d in found if d >= start]
    first = start + timedelta(days=(rule.weekday - start.weekday()) % 7)
    return [first + timedelta(weeks=n) for n in range(3)]


def next_due(rule: Rule, *, after: datetime, previous: datetime | None = None) -> datetime | None:
    """The first moment strictly after `after` a check-in is due, or None (`off`).

    `previous` is the occurrence just posted (or skipped): a biweekly check-in is due
    no sooner than 13 days after it. A pause holds every occurrence before
    `paused_until` (local date) back.
    """
    if rule.cadence == "off":
        return None
    floor = after
    if rule.cadence == "biweekly" and previous is not None:
        floor = max(floor, previous + timedelta(days=13))
    start = floor.astimezone(rule.zone).date() - timedelta(days=1)
    if rule.paused_until is not None and rule.paused_until > start:
        start = rule.paused_until
    while True:
        for day in _candidates(rule, start):
            moment = _at(day, rule)
            if moment > floor:
                return moment
        start += timedelta(days=21)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The local date of `moment` in `zone` (the dedupe key's date)."""
    return moment.astimezone(zone).date()


def is_too_late(due_at: datetime, now: datetime) -> bool:
    return now - due_at > LATE_LIMIT
