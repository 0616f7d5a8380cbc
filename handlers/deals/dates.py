"""Close dates said in words: "end of March", "Q2", "in 6 weeks", "end of the quarter"."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
#: "end of March", "Q2", "in 6 weeks", "end of the quarter": a close date said in words.
#: Every alternative starts with one of the letters in the lookahead, which lets the
#: search skip every other position at once (~9 -> ~2 us for a /register-deal's text).
_CLOSE_PHRASE = re.compile(
    r"\b(?=[abeiqt])"
    r"(?:(?:by |at |before )?(?:the )?end of (?:the |this )?(?P<this>month|quarter|year)"
    r"|(?:by |at |before )?(?:the )?end of (?P<month>[a-z]{3,9})(?: (?P<year>\d{4}))?"
    r"|(?:in |by |end of |before )?q(?P<quarter>[1-4])(?: (?P<qyear>\d{4}))?"
    r"|in (?P<n>\d{1,3}|a|one|two|three|four|six) (?P<unit>days?|weeks?|months?))\b",
    re.I,
)
_SMALL_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_close_phrase(text: str, today: date) -> tuple[date, str] | None:
    """A close date said in words, and the words: "closing end of March" -> the last
    day of the next March; "Q2" -> 30 June (this year's, or next when it has passed);
    "in 6 weeks" -> today + 42 days; "end of the quarter" / "end of month"."""
    found = _CLOSE_PHRASE.search(text)
    if found is None:
        return None
    groups = found.groupdict()
    if groups["month"]:
        month = _MONTHS.get(groups["month"].lower())
        if month is None:
            return None
        year = int(groups["year"] or today.year)
        day = _month_end(year, month)
        if day <= today and not groups["year"]:
            day = _month_end(year + 1, month)
    elif groups["quarter"]:
        year = int(groups["qyear"] or today.year)
        day = _month_end(year, int(groups["quarter"]) * 3)
        if day <= today and not groups["qyear"]:
            day = _month_end(year + 1, int(groups["quarter"]) * 3)
    elif groups["n"]:
        raw = groups["n"].lower()
        count = int(raw) if raw.isdigit() else _SMALL_NUMBERS[raw]
        unit = groups["unit"].lower().rstrip("s")
        if unit == "month":
            months = today.month - 1 + count
            year, month = today.year + months // 12, months % 12 + 1
            day = date(year, month, min(today.day, _month_end(year, month).day))
        else:
            day = today + timedelta(days=count * (7 if unit == "week" else 1))
    else:
        this = groups["this"].lower()
        month = {"month": today.month, "quarter": -(-today.month // 3) * 3, "year": 12}[this]
        day = _month_end(today.year, month)
    return day, found.group(0)
