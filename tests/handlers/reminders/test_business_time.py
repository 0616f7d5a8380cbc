"""Business time: only Monday-to-Friday hours count, local to a time zone (fixed clocks)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.reminders.business_time import business_cutoff, business_hours_between

UTC_ZONE = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def at(text: str, zone: ZoneInfo = UTC_ZONE) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def test_weekday_hours_count_and_the_weekend_does_not() -> None:
    thursday = at("2026-11-26T09:00")
    assert business_hours_between(thursday, at("2026-11-26T17:00"), UTC_ZONE) == 8
    assert business_hours_between(thursday, at("2026-11-28T20:00"), UTC_ZONE) == 39
    assert business_hours_between(thursday, at("2026-11-30T09:00"), UTC_ZONE) == 48
    assert business_hours_between(at("2026-11-28T10:00"), at("2026-11-29T23:00"), UTC_ZONE) == 0
    assert business_hours_between(thursday, thursday - timedelta(hours=1), UTC_ZONE) == 0


def test_two_business_days_from_thursday_morning_end_monday_morning() -> None:
    assert business_cutoff(at("2026-11-30T09:00"), 48, UTC_ZONE) == at("2026-11-26T09:00")
    assert business_cutoff(at("2026-12-01T23:59"), 48, UTC_ZONE) == at("2026-11-27T23:59")
    # Submitted at the weekend: the wait starts on Monday at midnight.
    assert business_cutoff(at("2026-12-02T00:00"), 48, UTC_ZONE) == at("2026-11-30T00:00")
    assert business_hours_between(at("2026-11-28T12:00"), at("2026-12-02T00:00"), UTC_ZONE) == 48


def test_the_weekend_is_the_local_one() -> None:
    # Friday 18:00 to Monday 08:00 in Los Angeles: Friday's last 6 local hours and
    # Monday's first 8. In UTC the same span is Saturday 02:00 to Monday 16:00: 16.
    friday_evening = at("2026-11-27T18:00", LOS_ANGELES)
    monday_morning = at("2026-11-30T08:00", LOS_ANGELES)
    assert business_hours_between(friday_evening, monday_morning, LOS_ANGELES) == 14
    assert business_hours_between(friday_evening, monday_morning, UTC_ZONE) == 16


def test_a_dst_day_counts_the_hours_it_has() -> None:
    # Berlin falls back on Sunday 2026-10-25 (25 hours) and springs forward on Sunday
    # 2027-03-28: weekends both, so two Mondays-to-Fridays hold 10 x 24 hours.
    assert (
        business_hours_between(
            at("2026-10-19T00:00", BERLIN), at("2026-10-31T00:00", BERLIN), BERLIN
        )
        == 10 * 24
    )
    # Across the spring change, Friday 12:00 to Monday 12:00 is still 24 business hours.
    assert (
        business_hours_between(
            at("2027-03-26T12:00", BERLIN), at("2027-03-29T12:00", BERLIN), BERLIN
        )
        == 24
    )
    # Cairo springs forward at midnight on the last Friday of April: that Friday has 23
    # hours, and Thursday plus Friday hold 47 business hours.
    cairo = ZoneInfo("Africa/Cairo")
    assert (
        business_hours_between(at("2027-04-29T00:00", cairo), at("2027-05-01T00:00", cairo), cairo)
        == 47
    )
    assert business_cutoff(at("2027-05-01T00:00", cairo), 47, cairo) == at(
        "2027-04-29T00:00", cairo
    )


@pytest.mark.parametrize(
    "zone", [UTC_ZONE, BERLIN, LOS_ANGELES, ZoneInfo("Asia/Kolkata"), ZoneInfo("Africa/Cairo")]
)
@pytest.mark.parametrize("hours", [1, 8, 48, 96, 200])
def test_the_cutoff_is_exactly_that_many_business_hours_back(zone: ZoneInfo, hours: int) -> None:
    for start in (at("2026-10-26T07:30", zone), at("2026-11-28T12:00", zone)):
        for step in range(0, 7 * 24, 5):
            now = (start + timedelta(hours=step)).astimezone(UTC)
            cutoff = business_cutoff(now, hours, zone)
            assert business_hours_between(cutoff, now, zone) == pytest.approx(hours)
            # ... and nothing later has waited as long.
            assert business_hours_between(cutoff + timedelta(minutes=1), now, zone) < hours
