"""Pure rules of deal registration: parsing, normalising, validating, conflicts, approval.

Nothing here touches the database or a clock: callers pass `today`, the existing
registrations and the rules, so every function is unit-tested with plain values.

Registrable domain rule (documented, deliberately small): lower-case, drop the scheme,
user info (an e-mail's local part), port, path, query and a trailing dot, IDNA-encode,
then keep the last two labels, or the last three when the last two are a known
second-level public suffix (`co.uk`, `com.au`, ... see `MULTI_PART_SUFFIXES`). So
`https://www.eu.acme.co.uk:8443/x` and `jane@sales.acme.co.uk` both become `acme.co.uk`.
This is not the full Public Suffix List: rare suffixes (e.g. `blogspot.com`) collapse to
their parent, which can only make the conflict check stricter, never looser.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rapidfuzz import process
from rapidfuzz.fuzz import token_sort_ratio

from bot.core.errors import InvalidInput
from bot.core.untrusted import untrusted
from handlers import fields
from handlers.deals.dates import parse_close_phrase


def _table(words: str) -> frozenset[str]:
    return frozenset(words.split())


# ISO 4217 active codes (fixed table; funds and precious-metal codes left out).
CURRENCIES = _table(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD
    BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW
    ZWL"""
)
CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
MULTI_PART_SUFFIXES = _table(
    """co.uk org.uk ac.uk gov.uk ltd.uk plc.uk me.uk net.uk com.au net.au org.au edu.au
    gov.au co.nz org.nz net.nz co.jp ne.jp or.jp ac.jp co.za org.za com.br net.br org.br
    com.cn net.cn org.cn com.mx com.ar com.tr com.sg com.hk com.tw co.in net.in org.in
    co.kr or.kr co.il org.il com.my co.id co.th com.ph com.vn com.pl com.es com.sa com.eg
    com.ng co.ke"""
)
#: Words dropped from a company name before comparing (legal forms, "the").
LEGAL_WORDS = _table(
    """the inc incorporated corp corporation co company ltd limited llc llp plc gmbh ag sa
    sas sarl srl spa bv nv pty oy ab as kk group holdings"""
)
STAGES = ("prospecting", "qualified", "proposal", "negotiation")
MAX_VALUE_CENTS = 1_000_000_000 * 100  # one billion in any currency
MAX_COMPANY, MAX_CONTACT, MAX_NOTES, MAX_REASON = 200, 254, 2000, 1000
FUZZY_THRESHOLD = 90
#: A possible duplicate names at most this many registrations, the closest first: the
#: manager's card shows them side by side, and a common name must not pull in hundreds.
MAX_FUZZY_MATCHES = 5
COMPANY_PREFIX_CHARS = 4

#: A domain-looking word: labels separated by dots, optionally with scheme/path/e-mail.
_DOMAINISH = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^\s@/]+@)?[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:/\S*)?$", re.I
)
#: An amount: optional symbol, digits with , or . separators, optional k/m suffix.
_AMOUNT = re.compile(r"^([$€£¥₹])?(\d[\d,]*(?:\.\d+)?)([km])?$", re.I)
#: Longer amounts are refused before conversion (a billion with cents and commas fits).
_MAX_AMOUNT_CHARS = 30
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_FILLER = frozenset(
    """close closes closing by on value worth for at about around roughly approx
    approximately circa ~ expected est estimated""".split()  # noqa: SIM905
)
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")

ConflictKind = Literal["none", "duplicate", "horizontal", "channel", "possible_duplicate"]


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


@dataclass(frozen=True)
class ExistingRegistration:
    """An active registration the conflict check compares against."""

    id: int
    partner_id: int
    domain: str
    company: str
    company_key: str
    status: str


@dataclass(frozen=True)
class ConflictResult:
    """The outcome of the conflict check; `matches` are the registrations involved."""

    kind: ConflictKind
    matches: tuple[ExistingRegistration, ...] = ()
    house_account: str | None = None

    @property
    def refused(self) -> bool:
        return self.kind == "duplicate"

    @property
    def held(self) -> bool:
        """A manager must look at it (never auto-approved)."""
        return self.kind in ("horizontal", "channel", "possible_duplicate")


def normalise_domain(raw: str) -> str:
    """A website, URL, host or e-mail address -> its registrable domain.

    Raises:
        ValueError: not a usable domain (the message is safe to show).
    """
    text = raw.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError("that isn't a valid domain") from exc
    labels = text.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ValueError("give the customer's domain, e.g. acme.com")
    for label in labels:
        if label.startswith("xn--"):  # punycode must decode (`xn--zz` does not)
            try:
                label.encode("ascii").decode("idna")
            except UnicodeError as exc:
                raise ValueError("that isn't a valid domain") from exc
    if labels[0] == "www" and len(labels) > 2:
        labels = labels[1:]
    tld = labels[-1]
    if not (tld.isalpha() or tld.startswith("xn--")) or len(tld) < 2:
        raise ValueError("give the customer's domain, e.g. acme.com")
    keep = 3 if ".".join(labels[-2:]) in MULTI_PART_SUFFIXES else 2
    if len(labels) < keep:
        raise ValueError("that is a public suffix, not a company's domain")
    return ".".join(labels[-keep:])


def company_key(name: str) -> str:
    """Case, punctuation and legal-form insensitive key, tokens sorted:
    "The Acme Corp." -> "acme"."""
    tokens = re.sub(r"[^\w\s]", " ", name.casefold()).split()
    kept = [token for token in tokens if token not in LEGAL_WORDS] or tokens
    # Case folding can triple a name ("ﬃ" -> "ffi", "ß" -> "ss"): the key is cut to
    # the width it is stored in, which only makes names that long compare alike.
    return " ".join(sorted(kept))[:MAX_COMPANY]


def company_prefix(key: str) -> str:
    """The indexed candidate key for fuzzy matching (first characters of the sorted key).
    Names whose sorted keys differ in these characters are not compared."""
    return key[:COMPANY_PREFIX_CHARS]


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
        if len(digits) > _MAX_AMOUNT_CHARS:  # float() of 400 digits is inf
            raise ValueError("that amount is far too large; give the deal's estimated value")
        amount = float(digits.replace(",", ""))
        amount *= {"k": 1_000, "m": 1_000_000}.get((suffix or "").lower(), 1)
        cents = round(amount * 100)
    if cents is None:
        raise ValueError("give an amount and a currency, e.g. 50,000 USD or 50k EUR")
    return cents, currency


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
        elif "value" not in found and _looks_like_amount(bare):
            try:
                cents, symbol_currency = parse_amount(bare)
            except ValueError:  # far too long: the form's field says so at submit
                found["value"] = bare[: _MAX_AMOUNT_CHARS + 6]
                continue
            found["value"] = _format_amount(cents)
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


def _looks_like_amount(word: str) -> bool:
    """50k, $50,000, 1.5m, 50000: yes; 42 or 2027-like short numbers alone: no."""
    match = _AMOUNT.match(word)
    if match is None:
        return False
    symbol, digits, suffix = match.groups()
    return bool(symbol or suffix or "," in digits or len(digits) >= 3)


def _format_amount(cents: int) -> str:
    whole, rest = divmod(cents, 100)
    return f"{whole}" if rest == 0 else f"{whole}.{rest:02d}"


def format_money(cents: int, currency: str) -> str:
    """12345600, "USD" -> "123,456 USD" (cents shown only when there are any)."""
    whole, rest = divmod(cents, 100)
    return f"{whole:,} {currency}" if rest == 0 else f"{whole:,}.{rest:02d} {currency}"


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


def detect_conflict(
    *,
    partner_id: int,
    domain: str,
    key: str,
    existing: Sequence[ExistingRegistration],
    house_account: str | None = None,
) -> ConflictResult:
    """Classify a new registration against active ones (fetched by indexed queries).

    Order: a duplicate of the partner's own registration (refused) wins; then a house
    account (channel conflict); then another partner's registration of the same domain
    (horizontal); then a company name fuzzy-matching (token_sort_ratio >= 90) an active
    registration under another domain (possible duplicate, naming the
    `MAX_FUZZY_MATCHES` closest).
    """
    same_domain = [e for e in existing if e.domain == domain]
    own = [e for e in same_domain if e.partner_id == partner_id]
    if own:
        return ConflictResult("duplicate", tuple(own))
    others = tuple(e for e in same_domain if e.partner_id != partner_id)
    if house_account is not None:
        return ConflictResult("channel", others, house_account=house_account)
    if others:
        return ConflictResult("horizontal", others)
    elsewhere = [e for e in existing if e.domain != domain]
    scored = [
        (score, elsewhere[index])
        for index, score in fuzzy_matches(key, [e.company_key for e in elsewhere])
    ]
    if scored:
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        closest = tuple(e for _, e in scored[:MAX_FUZZY_MATCHES])
        return ConflictResult("possible_duplicate", closest)
    return ConflictResult("none")


def fuzzy_matches(key: str, keys: Sequence[str]) -> list[tuple[int, float]]:
    """(index, score) of each of `keys` whose company key fuzzy-matches `key`
    (token_sort_ratio >= FUZZY_THRESHOLD), in no particular order. One call into
    rapidfuzz for all of them: a submission compares against up to 201 candidates."""
    if not keys:
        return []
    found = process.extract(
        key, keys, scorer=token_sort_ratio, score_cutoff=FUZZY_THRESHOLD, limit=None
    )
    return [(index, score) for _, score, index in found]


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


def protection_days(tier: str | None, *, default: int, by_tier: Mapping[str, int]) -> int:
    """How many days an approved registration of a partner of `tier` is protected."""
    if tier is not None:
        for name, days in by_tier.items():
            if name.casefold() == tier.casefold():
                return days
    return default
