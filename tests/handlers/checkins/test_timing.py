"""When check-ins are due: local wall-clock time across DST, cadences, pauses, lateness."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.errors import InvalidInput
from handlers.checkins.timing import (
    Rule,
    is_too_late,
    next_due,
    parse_time,
    parse_weekday,
    parse_zone,
)

BERLIN = ZoneInfo("Europe/Berlin")


def _rule(cadence: str = "weekly", weekday: int = 0, **kwargs: object) -> Rule:
    return Rule(cadence=cadence, weekday=weekday, at=time(9, 0), zone=BERLIN, **kwargs)  # type: ignore[arg-type]


def test_nine_in_berlin_stays_nine_across_the_dst_change() -> None:
    rule = _rule()
    # Monday 2027-03-22 is CET (UTC+1); Monday 2027-03-29 is CEST (UTC+2).
    before = next_due(rule, after=datetime(2027, 3, 21, 12, 0, tzinfo=UTC))
    assert before == datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
    after = next_due(rule, after=before)
    assert after == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    assert after is not None and after.astimezone(BERLIN).hour == 9


def test_weekly_is_strictly_after_the_given_moment() -> None:
    monday_nine = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
    assert next_due(_rule(), after=monday_nine - timedelta(seconds=1)) == monday_nine
    assert next_due(_rule(), after=monday_nine) == monday_nine + timedelta(weeks=1)


def test_biweekly_counts_from_the_previous_check_in() -> None:
    previous = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # Monday 09:00 CET
    upcoming = next_due(_rule("biweekly"), after=previous, previous=previous)
    assert upcoming == datetime(2027, 1, 18, 8, 0, tzinfo=UTC)


def test_monthly_is_the_first_weekday_of_each_month() -> None:
    upcoming = next_due(_rule("monthly", weekday=2), after=datetime(2027, 1, 7, tzinfo=UTC))
    assert upcoming == datetime(2027, 2, 3, 8, 0, tzinfo=UTC)  # Wed 3 February
    following = next_due(_rule("monthly", weekday=2), after=upcoming)
    assert following == datetime(2027, 3, 3, 8, 0, tzinfo=UTC)


def test_a_pause_holds_every_check_in_before_its_date() -> None:
    paused = _rule(paused_until=date(2027, 1, 10))
    upcoming = next_due(paused, after=datetime(2026, 12, 1, tzinfo=UTC))
    assert upcoming == datetime(2027, 1, 11, 8, 0, tzinfo=UTC)  # the first Monday from then


def test_off_is_never_due() -> None:
    assert next_due(_rule("off"), after=datetime(2027, 1, 1, tzinfo=UTC)) is None


def test_a_day_late_is_too_late() -> None:
    due = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
    assert not is_too_late(due, due + timedelta(hours=23))
    assert is_too_late(due, due + timedelta(hours=25))


@pytest.mark.parametrize(
    ("parse", "text"),
    [(parse_weekday, "someday"), (parse_time, "9am"), (parse_zone, "Mars/Olympus")],
)
def test_unreadable_input_is_invalid(parse: object, text: str) -> None:
    with pytest.raises(InvalidInput):
        parse(text)  # type: ignore[operator]
