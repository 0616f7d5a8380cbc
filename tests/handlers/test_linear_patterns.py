"""The figure patterns read numbers as a page writes them, and a page with one huge
line of dotted digits (a minified blob, a version matrix) does not stall an answer:
a number starts at its first digit, so a search is linear in the line's length. A
long message with no "or" (a pasted log) does not stall the choice check either: a
choice's first side starts where its clause does, and the intent matcher's web
domain starts where a name does.

The speed check compares two searches in the same process (a run 16 times as long
should take about 16 times as long, not 256), never a fixed time."""

from __future__ import annotations

import re
import time

import pytest

from handlers.intents.matcher import DOMAIN
from handlers.knowledge.choices import CHOICE
from handlers.knowledge.counts import PERCENTAGE
from handlers.knowledge.figures import DURATION, SHARE_OR_TIME


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("events are kept for 30 days", "30 days"),
        ("a 1.5 hours window", "1.5 hours"),
        ("after 10,000 ms", "10,000 ms"),
        ("between 5-10 minutes", "10 minutes"),
        ("(e.g.,30 days)", "30 days"),
        ("v1.2.3 takes 2 days to roll out", "2 days"),
    ],
)
def test_a_duration_is_read_where_it_is_written(text: str, duration: str) -> None:
    match = DURATION.search(text)
    assert match is not None and match.group(0) == duration


@pytest.mark.parametrize(
    ("text", "share"),
    [("99.9% uptime", "99.9%"), ("a,30% cut", "30%"), ("12 percent", "12 percent")],
)
def test_a_percentage_is_read_where_it_is_written(text: str, share: str) -> None:
    match = PERCENTAGE.search(text)
    assert match is not None and match.group(0) == share


def _slowest_growth(pattern: re.Pattern[str], unit: str) -> float:
    """How much longer a search of a run 16 times as long takes (best of 3 each)."""

    def best(count: int) -> float:
        text = "x " + unit.join(["1"] * count)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            pattern.search(text)
            times.append(time.perf_counter() - started)
        return min(times)

    return best(8000) / max(best(500), 1e-6)


@pytest.mark.parametrize(
    "pattern",
    [DURATION, SHARE_OR_TIME, PERCENTAGE, CHOICE, DOMAIN],
    ids=["duration", "share_or_time", "percentage", "choice", "domain"],
)
@pytest.mark.parametrize("unit", [".", ",", "", " ", "-"])
def test_a_long_run_of_digits_is_searched_in_linear_time(
    pattern: re.Pattern[str], unit: str
) -> None:
    # Quadratic: about 256 times as long; linear: about 16 (noise allowed for).
    assert _slowest_growth(pattern, unit) < 80
