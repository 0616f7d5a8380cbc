"""What a value a person typed (or a platform sent about them) may be before it is
stored: one function per kind of value, used by every use case that stores one.

The limits are the database columns' own, so SQLite (which stores anything) and
PostgreSQL (which refuses U+0000 and text longer than its column) see the same values.
Characters nobody means to type are dropped everywhere: control characters, lone
surrogates, and the bidirectional overrides and isolates that make a name read
differently from what it is (U+202E "RIGHT-TO-LEFT OVERRIDE"). A value a person can
fix is refused with an `InvalidInput` field error (one line each on the command line);
a display name, which nobody can fix from the chat, is cut to fit instead.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import InvalidInput
from storage.deals import Deal
from storage.house_accounts import HouseAccount
from storage.partners import Partner, PartnerChannel
from storage.people import Person


def _width(table: Any, column: str) -> int:
    """The declared length of a String column (the limit PostgreSQL enforces)."""
    length = table.c[column].type.length
    assert isinstance(length, int), f"{table.name}.{column} has no length"
    return length


PARTNER_NAME_MAX = _width(Partner.__table__, "name")
TIER_MAX = _width(Partner.__table__, "tier")
REGION_MAX = _width(Partner.__table__, "region")
CHANNEL_ID_MAX = _width(PartnerChannel.__table__, "channel_id")
PERSON_NAME_MAX = _width(Person.__table__, "name")
USER_ID_MAX = _width(Person.__table__, "user_id")
COMPANY_MAX = _width(Deal.__table__, "company")
HOUSE_TEXT_MAX = _width(HouseAccount.__table__, "company")
#: A question longer than this is not a question (Slack caps a message at 40,000).
QUESTION_MAX = 4_000
#: The largest row id (an SQL INTEGER); a larger one in a button is no row of ours.
ROW_ID_MAX = 2**31 - 1

#: C0 and C1 control characters except tab and newline (U+0000 is refused by
#: PostgreSQL; ESC starts terminal escape sequences), DEL, and lone surrogates
#: (not encodable as UTF-8, so no database can store them).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: Bidirectional marks, embeddings, overrides and isolates: they reorder how text is
#: shown ("moc.emca" shown as "acme.com"), so a name could pass for another.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: A tier: words of letters and digits joined by spaces or hyphens ("gold", "tier-1").
#: No `%`, `_` or `,`: the tier is matched with LIKE against a comma-fenced list.
_TIER = re.compile(r"[^\W_]+(?:[ -][^\W_]+)*")
#: Quotes around a whole value (`link "Acme Corp"`) are not part of it.
_QUOTED = re.compile(r"""^(["'“‘])(.*)(["'”’])$""")


def plain(raw: str) -> str:
    """`raw` without control characters, lone surrogates and bidi controls; line
    breaks become `\\n` (and are kept), tabs are kept."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _BIDI.sub("", _CONTROLS.sub("", text))


def one_line(raw: str | None) -> str:
    """`plain(raw)` on one line, runs of white space made one space, trimmed."""
    return " ".join(plain(raw or "").split())


def _too_long(field: str, what: str, limit: int) -> InvalidInput:
    return InvalidInput({field: f"{what} has at most {limit} characters"})


def display_name(raw: str | None) -> str:
    """A person's name as a platform gave it, cut to what the database keeps (Azure AD
    allows 256 characters, we store 200); "" when there is none."""
    return one_line(raw)[:PERSON_NAME_MAX].rstrip()


def person_name(raw: str | None, *, field: str = "name") -> str | None:
    """A display name an operator typed; None when blank.

    Raises:
        InvalidInput: longer than the database keeps.
    """
    name = one_line(raw)
    if len(name) > PERSON_NAME_MAX:
        raise _too_long(field, "a name", PERSON_NAME_MAX)
    return name or None


def user_id(raw: str | None, *, field: str = "user_id") -> str:
    """A platform user id an operator typed (`U…`, `29:…`).

    Raises:
        InvalidInput: blank, with spaces or control characters, or too long.
    """
    value = (raw or "").strip()
    if not value:
        raise InvalidInput({field: "give the person's user id (Slack U…, Teams 29:…)"})
    if plain(value) != value or any(ch.isspace() for ch in value):
        raise InvalidInput({field: "a user id has no spaces or control characters"})
    if len(value) > USER_ID_MAX:
        raise _too_long(field, "a user id", USER_ID_MAX)
    return value


def channel_id(raw: str | None, *, field: str = "channel") -> str:
    """A Slack channel id or Teams conversation id an operator typed.

    Raises:
        InvalidInput: blank, with spaces or control characters, or too long.
    """
    value = (raw or "").strip()
    if not value:
        raise InvalidInput({field: "give the channel or conversation id"})
    if plain(value) != value or any(ch.isspace() for ch in value):
        raise InvalidInput({field: "a channel id has no spaces or control characters"})
    if len(value) > CHANNEL_ID_MAX:
        raise _too_long(field, "a channel id", CHANNEL_ID_MAX)
    return value


def partner_name(raw: str | None, *, field: str = "name") -> str:
    """A partner's name: one line, quotes around it dropped, at least one letter or
    digit (`link ""` names nobody).

    Raises:
        InvalidInput: no name, or longer than the database keeps.
    """
    name = one_line(raw)
    while (quoted := _QUOTED.match(name)) is not None:
        name = quoted.group(2).strip()
    if not any(ch.isalnum() for ch in name):
        raise InvalidInput({field: "give the partner's name, e.g. Acme Corp"})
    if len(name) > PARTNER_NAME_MAX:
        raise _too_long(field, "a partner name", PARTNER_NAME_MAX)
    return name


def tier(raw: str | None, *, field: str = "tier") -> str | None:
    """A partner tier ("gold"); None when blank.

    Raises:
        InvalidInput: not words of letters and digits, or too long.
    """
    value = one_line(raw).strip("\"'")
    if not value:
        return None
    if len(value) > TIER_MAX:
        raise _too_long(field, "a tier", TIER_MAX)
    if not _TIER.fullmatch(value):
        raise InvalidInput({field: "a tier is letters and digits, e.g. gold or tier-1"})
    return value


def region(raw: str | None, *, field: str = "region") -> str | None:
    """A partner region ("EMEA"); None when blank.

    Raises:
        InvalidInput: too long.
    """
    value = one_line(raw).strip("\"'")
    if len(value) > REGION_MAX:
        raise _too_long(field, "a region", REGION_MAX)
    return value or None


def short_text(raw: str | None, *, field: str, what: str, limit: int) -> str:
    """A one-line value (a company, an owner) of at most `limit` characters.

    Raises:
        InvalidInput: longer than `limit`.
    """
    value = one_line(raw)
    if len(value) > limit:
        raise _too_long(field, what, limit)
    return value


def typed_text(raw: str | None, *, field: str = "text", limit: int | None = None) -> str:
    """Free text a person typed (a question, notes, a reason): `plain`, trimmed.

    Raises:
        InvalidInput: longer than `limit`.
    """
    value = plain(raw or "").strip()
    if limit is not None and len(value) > limit:
        raise InvalidInput({field: f"keep it under {limit:,} characters"})
    return value


def question(raw: str | None) -> str:
    """A question for the knowledge base.

    Raises:
        InvalidInput: longer than QUESTION_MAX.
    """
    return typed_text(raw, field="question", limit=QUESTION_MAX)


def row_id(raw: str | None) -> int | None:
    """A row id carried by a button or a thread key (`"42"` -> 42); None when it is not
    one: not ASCII digits ("²" is a digit to `str.isdigit`), or past an INTEGER, which
    PostgreSQL would refuse to compare."""
    value = (raw or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(ROW_ID_MAX)):
        return None
    number = int(value)
    return number if 0 < number <= ROW_ID_MAX else None


def time_zone(raw: str | None, *, field: str = "timezone") -> ZoneInfo:
    """An IANA time zone typed by a person ("Europe/Berlin")."""
    name = (raw or "").strip()
    try:
        if not name:
            raise ValueError("empty")
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        shown = one_line(raw)[:80]
        raise InvalidInput({field: f"unknown time zone {shown!r} (e.g. Europe/Berlin)"}) from exc


def zone_or_utc(name: str | None) -> ZoneInfo:
    """A stored time zone, or UTC when it is unset or no longer known to this machine."""
    try:
        return time_zone(name)
    except InvalidInput:
        return ZoneInfo("UTC")
