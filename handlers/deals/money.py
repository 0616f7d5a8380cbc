"""Money in a deal registration: amounts in words and figures, ISO 4217 currencies.

"50k USD", "USD 1,250.50", "$2m" and "50000 eur" all parse; amounts are kept in cents.
"""

from __future__ import annotations

import re

from handlers.deals.tables import CURRENCIES

CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
MAX_VALUE_CENTS = 1_000_000_000 * 100  # one billion in any currency

#: An amount: optional symbol, digits with , or . separators, optional k/m suffix.
_AMOUNT = re.compile(r"^([$€£¥₹])?(\d[\d,]*(?:\.\d+)?)([km])?$", re.I)
#: Longer amounts are refused before conversion (a billion with cents and commas fits).
MAX_AMOUNT_CHARS = 30


def parse_amount(text: str) -> tuple[int, str | None]:
    """ "50k USD", "USD 1,250.50", "$2m", "50000 eur" -> (cents, currency or None).

    Raises:
        ValueError: no amount, or more than one currency.
    """
    cents: int | None = None
    currency: str | None = None
    for word in text.replace("\u00a0", " ").split():
        upper = word.upper()
        if upper in CURRENCIES:
            currency = upper
            continue
        match = _AMOUNT.match(word)
        if match is None or cents is not None:
            raise ValueError("give an amount and a currency, e.g. 50,000 USD or 50k EUR")
        symbol, digits, suffix = match.groups()
        if symbol:
            currency = currency or CURRENCY_SYMBOLS[symbol]
        if len(digits) > MAX_AMOUNT_CHARS:  # float() of 400 digits is inf
            raise ValueError("that amount is far too large; give the deal's estimated value")
        amount = float(digits.replace(",", ""))
        amount *= {"k": 1_000, "m": 1_000_000}.get((suffix or "").lower(), 1)
        cents = round(amount * 100)
    if cents is None:
        raise ValueError("give an amount and a currency, e.g. 50,000 USD or 50k EUR")
    return cents, currency


def looks_like_amount(word: str) -> bool:
    """50k, $50,000, 1.5m, 50000: yes; 42 or 2027-like short numbers alone: no."""
    match = _AMOUNT.match(word)
    if match is None:
        return False
    symbol, digits, suffix = match.groups()
    return bool(symbol or suffix or "," in digits or len(digits) >= 3)


def format_amount(cents: int) -> str:
    whole, rest = divmod(cents, 100)
    return f"{whole}" if rest == 0 else f"{whole}.{rest:02d}"


def format_money(cents: int, currency: str) -> str:
    """12345600, "USD" -> "123,456 USD" (cents shown only when there are any)."""
    whole, rest = divmod(cents, 100)
    return f"{whole:,} {currency}" if rest == 0 else f"{whole:,}.{rest:02d} {currency}"
