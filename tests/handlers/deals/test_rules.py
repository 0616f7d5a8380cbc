"""Pure rules of deal registration: free text, domains, validation, conflicts, approval."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.errors import InvalidInput
from handlers.deals.conflicts import MAX_FUZZY_MATCHES, ExistingRegistration, detect_conflict
from handlers.deals.identity import company_key, normalise_domain
from handlers.deals.money import parse_amount
from handlers.deals.rules import (
    ParsedText,
    auto_approve,
    may_auto_approve,
    parse_free_text,
    protection_days,
    validate_form,
)

TODAY = date(2026, 11, 26)
PRODUCTS = ("Platform", "Analytics")


def test_free_text_prefills_every_field_it_recognises() -> None:
    assert parse_free_text("Acme Corp acme.com 50k USD close 2027-03-31") == ParsedText(
        company="Acme Corp",
        domain="acme.com",
        value="50000",
        currency="USD",
        close_date="2027-03-31",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ParsedText()),
        ("Globex", ParsedText(company="Globex")),
        (
            "https://www.globex.co.uk/about $1.5m",
            ParsedText(domain="globex.co.uk", value="1500000", currency="USD"),
        ),
        (
            "Initech jane@initech.com 250,000 eur by 2027-01-15",
            ParsedText(
                company="Initech",
                domain="initech.com",
                value="250000",
                currency="EUR",
                close_date="2027-01-15",
            ),
        ),
        ("Acme 2027-13-45", ParsedText(company="Acme", close_date="2027-13-45")),
    ],
)
def test_free_text_leaves_what_does_not_parse_for_the_form(text: str, expected: ParsedText) -> None:
    assert parse_free_text(text) == expected


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("acme.com", "acme.com"),
        ("ACME.COM", "acme.com"),
        ("https://www.acme.com/pricing?x=1", "acme.com"),
        ("http://acme.com:8080", "acme.com"),
        ("eu.sales.acme.com", "acme.com"),
        ("www.acme.co.uk", "acme.co.uk"),
        ("shop.acme.co.uk", "acme.co.uk"),
        ("acme.com.au", "acme.com.au"),
        ("jane.doe@mail.acme.de", "acme.de"),
        ("acme.com.", "acme.com"),
        ("münchen.de", "xn--mnchen-3ya.de"),
    ],
)
def test_domains_normalise_to_the_registrable_domain(raw: str, domain: str) -> None:
    assert normalise_domain(raw) == domain


@pytest.mark.parametrize(
    "raw", ["", "acme", "localhost", "co.uk", "acme..com", "acme.123", "-a.com"]
)
def test_invalid_domains_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        normalise_domain(raw)


def test_company_key_ignores_case_punctuation_and_legal_forms() -> None:
    assert company_key("The Acme Corp.") == company_key("ACME corporation") == "acme"
    assert company_key("Widgets Acme GmbH") == company_key("Acme Widgets") == "acme widgets"


@pytest.mark.parametrize(
    ("text", "cents", "currency"),
    [
        ("50k USD", 5_000_000, "USD"),
        ("USD 1,250.50", 125_050, "USD"),
        ("$2m", 200_000_000, "USD"),
        ("50000 eur", 5_000_000, "EUR"),
        ("75000", 7_500_000, None),
    ],
)
def test_amounts(text: str, cents: int, currency: str | None) -> None:
    assert parse_amount(text) == (cents, currency)


def _values(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "company": " Acme  Corp ",
        "domain": "https://www.acme.com/",
        "value": "50k USD",
        "close_date": "2027-03-31",
        "products": ["Platform"],
        "stage": "qualified",
        "contact": "",
        "notes": "",
    }
    values.update(overrides)
    return values


def _errors(**overrides: object) -> dict[str, str]:
    with pytest.raises(InvalidInput) as info:
        validate_form(_values(**overrides), today=TODAY, products=PRODUCTS)  # type: ignore[arg-type]
    return info.value.field_errors


def test_a_good_form_validates_to_a_clean_draft() -> None:
    draft = validate_form(_values(), today=TODAY, products=PRODUCTS)  # type: ignore[arg-type]
    assert (draft.company, draft.domain, draft.value_cents, draft.currency) == (
        "Acme Corp",
        "acme.com",
        5_000_000,
        "USD",
    )
    assert draft.close_date == date(2027, 3, 31) and draft.products == ("Platform",)


def test_the_domain_can_come_from_the_contacts_email() -> None:
    draft = validate_form(
        _values(domain="", contact="jane@sales.acme.co.uk"),
        today=TODAY,
        products=PRODUCTS,  # type: ignore[arg-type]
    )
    assert draft.domain == "acme.co.uk"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"close_date": "2026-11-26"}, "close_date", "future"),
        ({"close_date": "2025-01-01"}, "close_date", "future"),
        ({"close_date": "2028-11-27"}, "close_date", "two years"),
        ({"close_date": "31/03/2027"}, "close_date", "YYYY-MM-DD"),
        ({"value": "0 USD"}, "value", "more than zero"),
        ({"value": "-5 USD"}, "value", "amount"),
        ({"value": "5000000000 USD"}, "value", "too large"),
        ({"value": "50k"}, "value", "currency"),
        ({"value": "50k XYZ"}, "value", "Unknown currency XYZ"),
        ({"domain": "not a domain"}, "domain", "domain"),
        ({"company": ""}, "company", "company"),
        ({"company": "x" * 201}, "company", "200"),
        ({"products": []}, "products", "at least one"),
        ({"products": ["Teleporter"]}, "products", "Teleporter"),
        ({"stage": "won"}, "stage", "stage"),
        ({"notes": "n" * 2001}, "notes", "2000"),
    ],
)
def test_each_bad_field_gets_its_own_error(
    overrides: dict[str, object], field: str, words: str
) -> None:
    errors = _errors(**overrides)
    assert list(errors) == [field]
    assert words in errors[field]


def test_several_bad_fields_are_reported_together() -> None:
    assert set(_errors(company="", close_date="2020-01-01", value="abc")) == {
        "company",
        "close_date",
        "value",
    }


def _existing(id: int, partner_id: int, domain: str, company: str) -> ExistingRegistration:
    return ExistingRegistration(id, partner_id, domain, company, company_key(company), "approved")


def test_conflict_kinds() -> None:
    mine = _existing(1, partner_id=1, domain="acme.com", company="Acme")
    theirs = _existing(2, partner_id=2, domain="acme.com", company="Acme")
    similar = _existing(3, partner_id=2, domain="acme-group.com", company="The Acme Corporation")
    key = company_key("Acme Corp")

    def check(existing: list[ExistingRegistration], house: str | None = None) -> str:
        return detect_conflict(
            partner_id=1, domain="acme.com", key=key, existing=existing, house_account=house
        ).kind

    assert check([]) == "none"
    assert check([mine, theirs]) == "duplicate"
    assert check([theirs]) == "horizontal"
    assert check([theirs], house="Acme (direct)") == "channel"
    assert check([similar]) == "possible_duplicate"
    assert check([_existing(4, 2, "other.com", "Globex")]) == "none"


def test_subdomains_conflict_because_both_sides_are_normalised() -> None:
    theirs = _existing(2, 2, normalise_domain("eu.acme.com"), "Acme Europe")
    result = detect_conflict(
        partner_id=1,
        domain=normalise_domain("https://us.acme.com/x"),
        key="acme",
        existing=[theirs],
    )
    assert result.kind == "horizontal" and result.held and result.matches == (theirs,)


def test_fuzzy_names_below_the_threshold_do_not_match() -> None:
    other = _existing(5, 2, "acmetools.com", "Acme Tools International")
    result = detect_conflict(
        partner_id=1, domain="acme.com", key=company_key("Acme"), existing=[other]
    )
    assert result.kind == "none"


def test_a_possible_duplicate_names_only_the_closest_registrations() -> None:
    exact = _existing(1, 2, "northwind.co.uk", "Northwind Traders Ltd")
    near = [_existing(10 + n, 2, f"nw{n}.com", f"Northwind Traders {n}") for n in range(8)]
    result = detect_conflict(
        partner_id=1,
        domain="northwind.com",
        key=company_key("Northwind Traders"),
        existing=[*near, exact],
    )
    assert result.kind == "possible_duplicate"
    assert len(result.matches) == MAX_FUZZY_MATCHES
    assert result.matches[0] == exact


def test_auto_approval_by_tier_value_and_currency() -> None:
    rules = {"gold": 25_000.0}
    assert auto_approve("Gold", 2_500_000, currency="USD", rules=rules, rules_currency="USD")
    assert not auto_approve("gold", 2_500_001, currency="USD", rules=rules, rules_currency="USD")
    assert not auto_approve("gold", 100, currency="EUR", rules=rules, rules_currency="USD")
    assert not auto_approve("silver", 100, currency="USD", rules=rules, rules_currency="USD")
    assert not auto_approve(None, 100, currency="USD", rules=rules, rules_currency="USD")


def test_whether_some_tier_may_approve_a_value_at_once() -> None:
    rules = {"gold": 25_000.0, "silver": 5_000.0}
    assert may_auto_approve(2_500_000, currency="USD", rules=rules, rules_currency="USD")
    assert not may_auto_approve(2_500_001, currency="USD", rules=rules, rules_currency="USD")
    assert not may_auto_approve(100, currency="EUR", rules=rules, rules_currency="USD")
    assert not may_auto_approve(100, currency="USD", rules={}, rules_currency="USD")


def test_protection_days_per_tier() -> None:
    assert protection_days("Gold", default=90, by_tier={"gold": 120}) == 120
    assert protection_days("silver", default=90, by_tier={"gold": 120}) == 90
    assert protection_days(None, default=90, by_tier={}) == 90
