"""Pure rules of deal registration: parsing free text, validating the form, approval.

Nothing here touches the database or a clock: callers pass `today` and the rules, so
every function is unit-tested with plain values. Money is in `money`, the customer's
domain and company key in `identity`, the conflict check in `conflicts`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.core.errors import InvalidInput
from bot.core.untrusted import untrusted
from handlers import fields
from handlers.deals.dates import parse_close_phrase
from handlers.deals.identity import MAX_COMPANY, normalise_domain
from handlers.deals.money import (
    MAX_AMOUNT_CHARS,
    MAX_VALUE_CENTS,
    format_amount,
    looks_like_amount,
    parse_amount,
)
from handlers.deals.tables import CURRENCIES

STAGES = ("prospecting", "qualified", "proposal", "negotiation")
MAX_CONTACT, MAX_NOTES, MAX_REASON = 254, 2000, 1000

#: A domain-looking word: labels separated by dots, optionally with scheme/path/e-mail.
_DOMAINISH = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^\s@/]+@)?[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:/\S*)?$", re.I
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FILLER = frozenset(
    """close closes closing by on value worth for at about around roughly approx
    approximately circa ~ expected est estimated""".split()  # noqa: SIM905
)
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")


@dataclass(frozen=True)
class ParsedText:
    """What free text after `/register-deal` prefilled; None = left for the form."""

    company: str | None = None
    domain: str | None = None
    value: str | None = None
    currency: str | None = None
    close_date: str | None = None


@dataclass(frozen=True)
class DealDraft:
    """A validated registration, ready to store."""

    company: str
    domain: str
    value_cents: int
    currency: str
    close_date: date
    products: tuple[str, ...]
    stage: str
    contact: str | None = None
    notes: str | None = None


def parse_free_text(
    text: str, *, today: date | None = None, default_currency: str | None = None
) -> ParsedText:
    """Prefill from `/register-deal` text: "Acme Corp acme.com 50k USD close 2027-03-31".

    Recognised words: a domain/URL/e-mail, an amount (50k, $2m, 50,000, "about 50k"), an
    ISO 4217 code, an ISO date, and (given `today`) a close date in words ("end of
    March", "Q2", "in 6 weeks"); filler words ("close", "by", "about") are dropped; the
    other words, in order, are the company. An amount without a currency takes
    `default_currency`. Nothing is guessed when a word is ambiguous.
    """
    company: list[str] = []
    found: dict[str, str] = {}
    if today is not None and (phrase := parse_close_phrase(text, today)) is not None:
        found["close_date"] = phrase[0].isoformat()
        text = text.replace(phrase[1], " ")
    for word in text.split():
        bare = word.strip(",;~()[]\"'")
        upper = bare.upper()
        if _ISO_DATE.match(bare) and "close_date" not in found:
            found["close_date"] = bare
        elif upper in CURRENCIES and "currency" not in found:
            found["currency"] = upper
        elif "value" not in found and looks_like_amount(bare):
            try:
                cents, symbol_currency = parse_amount(bare)
            except ValueError:  # far too long: the form's field says so at submit
                found["value"] = bare[: MAX_AMOUNT_CHARS + 6]
                continue
            found["value"] = format_amount(cents)
            if symbol_currency and "currency" not in found:
                found["currency"] = symbol_currency
        elif _DOMAINISH.match(bare) and "domain" not in found:
            try:
                found["domain"] = normalise_domain(bare)
            except ValueError:
                company.append(bare)
        elif bare.lower() not in _FILLER:
            company.append(bare)
    if "value" in found and "currency" not in found and default_currency:
        found["currency"] = default_currency
    return ParsedText(company=" ".join(company).strip(" ,;:-") or None, **found)


def sentence(message: str) -> str:
    """ "give a date" -> "Give a date." (codes such as USD keep their case)."""
    return message[:1].upper() + message[1:].rstrip(".") + "."


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def validate_form(
    values: Mapping[str, str | list[str] | None],
    *,
    today: date,
    products: Sequence[str],
    default_currency: str | None = None,
) -> DealDraft:
    """Check a submitted registration form and return the clean draft. A bare value
    ("50000", "50k") is in `default_currency` when one is given.

    Raises:
        InvalidInput: field name -> message, for every field that needs fixing.
    """
    errors: dict[str, str] = {}

    def text(name: str) -> str:
        raw = values.get(name)
        return fields.one_line(raw) if isinstance(raw, str) else ""

    company = text("company")
    if not company:
        errors["company"] = "Give the customer's company name."
    elif len(company) > MAX_COMPANY:
        errors["company"] = f"Keep the company name under {MAX_COMPANY} characters."
    contact = text("contact") or None
    if contact and len(contact) > MAX_CONTACT:
        errors["contact"] = f"Keep the contact under {MAX_CONTACT} characters."
    domain = ""
    raw_domain = text("domain") or (contact if contact and _EMAIL.match(contact) else "")
    if not raw_domain:
        errors["domain"] = "Give the customer's website or domain, e.g. acme.com."
    else:
        try:
            domain = normalise_domain(raw_domain)
        except ValueError as exc:
            errors["domain"] = sentence(str(exc))
    cents, currency = 0, None
    try:
        cents, currency = parse_amount(text("value"))
        currency = currency or default_currency
        if currency is None:
            errors["value"] = "Add the currency (ISO 4217), e.g. 50,000 USD."
        elif cents <= 0:
            errors["value"] = "The value must be more than zero."
        elif cents >= MAX_VALUE_CENTS:
            errors["value"] = "That value looks too large; give the deal's estimated value."
    except ValueError as exc:
        unknown = [
            w
            for w in text("value").split()
            if w.isalpha() and len(w) == 3 and w.upper() not in CURRENCIES
        ]
        errors["value"] = (
            f"Unknown currency {unknown[0].upper()}; use an ISO 4217 code such as USD or EUR."
            if unknown
            else sentence(str(exc))
        )
    close: date | None = None
    try:
        close = date.fromisoformat(text("close_date"))
    except ValueError:
        errors["close_date"] = "Give the expected close date as YYYY-MM-DD."
    if close is not None and close <= today:
        errors["close_date"] = "The close date must be in the future."
    elif close is not None and close > _add_years(today, 2):
        errors["close_date"] = "The close date must be within two years."
    raw_products = values.get("products") or []
    chosen = [raw_products] if isinstance(raw_products, str) else list(raw_products)
    unknown_products = [p for p in chosen if p not in products]
    if not chosen:
        errors["products"] = "Pick at least one product."
    elif unknown_products:
        errors["products"] = f"Unknown product: {untrusted(', '.join(unknown_products))}."
    stage = text("stage").lower() or STAGES[0]
    if stage not in STAGES:
        errors["stage"] = f"Pick a stage: {', '.join(STAGES)}."
    raw_notes = values.get("notes")
    notes = fields.typed_text(raw_notes) if isinstance(raw_notes, str) else ""
    if len(notes) > MAX_NOTES:
        errors["notes"] = f"Keep the notes under {MAX_NOTES} characters."
    if errors:
        raise InvalidInput(errors)
    assert close is not None and currency is not None
    return DealDraft(
        company=company,
        domain=domain,
        value_cents=cents,
        currency=currency,
        close_date=close,
        products=tuple(dict.fromkeys(chosen)),
        stage=stage,
        contact=contact,
        notes=notes or None,
    )


def auto_approve(
    tier: str | None,
    value_cents: int,
    *,
    currency: str,
    rules: Mapping[str, float],
    rules_currency: str,
) -> bool:
    """True when the partner's tier allows approving this value without a manager.
    Callers apply it only when there is no conflict."""
    if tier is None or currency != rules_currency:
        return False
    limit = rules.get(tier.casefold(), rules.get(tier))
    return limit is not None and value_cents <= round(limit * 100)


def may_auto_approve(
    value_cents: int, *, currency: str, rules: Mapping[str, float], rules_currency: str
) -> bool:
    """Whether `auto_approve` could approve this value for some tier (before the
    partner's tier is known)."""
    return currency == rules_currency and any(
        value_cents <= round(limit * 100) for limit in rules.values()
    )


def protection_days(tier: str | None, *, default: int, by_tier: Mapping[str, int]) -> int:
    """How many days an approved registration of a partner of `tier` is protected."""
    if tier is not None:
        for name, days in by_tier.items():
            if name.casefold() == tier.casefold():
                return days
    return default
