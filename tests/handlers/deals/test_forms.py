"""The registration form: its fields built once per settings, its prefill per request."""

from __future__ import annotations

from handlers.deals.forms import registration_form
from handlers.deals.rules import ParsedText

PRODUCTS = ["Platform", "Analytics"]


def test_each_form_carries_only_its_own_prefill() -> None:
    acme = registration_form(
        products=PRODUCTS,
        prefill=ParsedText(company="Acme", domain="acme.com", value="50000", currency="EUR"),
        nonce="n1",
    )
    blank = registration_form(products=PRODUCTS, nonce="n2")
    dated = registration_form(products=PRODUCTS, prefill=ParsedText(close_date="2027-03-31"))
    initial = {f.name: f.initial for f in acme.fields}
    assert initial == {
        "company": "Acme",
        "domain": "acme.com",
        "value": "50000 EUR",
        "close_date": None,
        "products": None,
        "stage": "qualified",
        "contact": None,
        "notes": None,
    }
    assert {f.name: f.initial for f in blank.fields} == {**initial, "company": None,
                                                         "domain": None, "value": None}  # fmt: skip
    assert [f.initial for f in dated.fields][:4] == [None, None, None, "2027-03-31"]
    # The same structure whatever the prefill: only the initial values differ.
    for a, b in zip(acme.fields, blank.fields, strict=True):
        assert (a.name, a.label, a.kind, a.required, a.options, a.placeholder, a.hint) == (
            b.name, b.label, b.kind, b.required, b.options, b.placeholder, b.hint)  # fmt: skip
    assert acme.metadata != blank.metadata != dated.metadata


def test_the_settings_shape_the_form() -> None:
    usd = registration_form(products=PRODUCTS, default_currency="USD")
    eur = registration_form(products=("Platform", "Edge", "Warehouse"), default_currency="EUR")
    [usd_value] = [f for f in usd.fields if f.name == "value"]
    [eur_value] = [f for f in eur.fields if f.name == "value"]
    assert usd_value.hint is not None and usd_value.hint.endswith("is in USD")
    assert eur_value.hint is not None and eur_value.hint.endswith("is in EUR")
    [products] = [f for f in eur.fields if f.name == "products"]
    assert [(o.value, o.label) for o in products.options] == [
        ("Platform", "Platform"), ("Edge", "Edge"), ("Warehouse", "Warehouse")]  # fmt: skip
