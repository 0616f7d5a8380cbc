"""A modal filled into a pre-built template equals the one the models build whole."""

from __future__ import annotations

from dataclasses import replace

import pytest
from slack_sdk.errors import SlackObjectFormationError

from bot.core import ids
from bot.core.model import Field, Form, Option
from bot.slack.modal import build_view, render_form
from handlers.deals.forms import reason_form, registration_form, stage_form, with_values, won_form
from handlers.deals.rules import parse_free_text

PRODUCTS = ("Platform", "Analytics", "Integrations", "Support plan", "Training")

EVERY_KIND = Form(
    form_id="every-kind",
    title="Every kind of input there is",
    intro="Fill in **what you know**; <!channel> stays harmless.",
    fields=(
        Field("name", "Name", required=True, max_length=10, placeholder="Ada"),
        Field("email", "E-mail", kind="email"),
        Field("amount", "Amount", kind="number"),
        Field("when", "When", kind="date", hint="YYYY-MM-DD"),
        Field("notes", "Notes", kind="multiline"),
        Field("tier", "Tier", kind="select", options=(Option("gold", "Gold"), Option("s", "S"))),
        Field(
            "tags",
            "Tags",
            kind="multiselect",
            options=tuple(Option(f"t{i}", f"Tag {i}") for i in range(5)),
        ),
    ),
    submit_label="Save",
)

VALUES: list[dict[str, str | list[str] | None]] = [
    {},
    {
        "name": "Ada Lovelace, far longer than ten",
        "email": "ada@example.com",
        "amount": "12.5",
        "when": "2027-03-31",
        "notes": "line one\nline two",
        "tier": "gold",
        "tags": ["t3", "t1", "unknown"],
    },
    {"tier": "not-an-option", "tags": [], "name": "", "when": None},
    {"tier": ["s"], "tags": "t4", "name": ["a", "list"]},
]

ERRORS: list[dict[str, str]] = [
    {},
    {"name": "Too long <@U0EVIL>", "tags": "Pick one", "nowhere": "a field the form lacks"},
    {"when": "x" * 3000, "notes": ""},
]


def _filled(form: Form, values: dict[str, str | list[str] | None]) -> Form:
    fields = tuple(
        replace(f, initial=values[f.name]) if f.name in values else f for f in form.fields
    )
    return replace(form, fields=fields)


def _same(form: Form, metadata: str) -> None:
    assert render_form(form, private_metadata=metadata) == build_view(
        form, private_metadata=metadata
    )


@pytest.mark.parametrize("values", VALUES)
@pytest.mark.parametrize("errors", ERRORS)
@pytest.mark.parametrize("metadata", ["", '{"m":"{\\"nonce\\":\\"abc\\"}","c":"C1"}'])
def test_filled_view_equals_the_models_view(
    values: dict[str, str | list[str] | None], errors: dict[str, str], metadata: str
) -> None:
    form = replace(_filled(EVERY_KIND, values), errors=errors)
    _same(form, metadata)
    _same(replace(form, intro=None, title="Short"), metadata)


@pytest.mark.parametrize(
    "text",
    ["", "Acme acme.com 50k USD close 2027-03-31", "Globex 1.2m EUR", "x" * 500 + " 2026-02-30"],
)
def test_registration_form_as_opened_and_as_sent_back_with_errors(text: str) -> None:
    form = registration_form(products=PRODUCTS, prefill=parse_free_text(text), nonce="n1")
    _same(form, form.metadata)
    values: dict[str, str | list[str] | None] = {
        "company": "Acme",
        "products": ["Analytics", "Training"],
        "stage": "proposal",
        "close_date": "2027-01-15",
        "notes": None,
    }
    errors = {"domain": "That is not a domain.", "products": "Pick at least one product."}
    _same(with_values(form, values, errors), form.metadata)


def test_the_other_deal_forms() -> None:
    for form in (
        reason_form(ids.FORM_DEAL_REJECT, deal_id=7),
        reason_form(ids.FORM_DEAL_INFO, deal_id=8),
        stage_form(deal_id=9, current="proposal"),
        stage_form(deal_id=9, current="no-such-stage"),
        won_form(deal_id=10, initial="48,000 USD"),
        won_form(deal_id=10, initial=None),
    ):
        _same(form, form.metadata)
        _same(with_values(form, {}, {form.fields[0].name: "Needed."}), form.metadata)


def test_each_view_is_a_copy_of_its_own() -> None:
    form = _filled(EVERY_KIND, VALUES[1])
    first = render_form(form, private_metadata="a")
    first["blocks"][1]["element"]["initial_value"] = "changed"
    first["blocks"].clear()
    assert render_form(form, private_metadata="a") == build_view(form, private_metadata="a")


@pytest.mark.parametrize(
    ("form", "metadata"),
    [
        (_filled(EVERY_KIND, {"when": "31/03/2027"}), ""),
        (EVERY_KIND, "m" * 3001),
        (replace(EVERY_KIND, title=""), ""),
    ],
)
def test_what_the_models_reject_is_still_rejected(form: Form, metadata: str) -> None:
    with pytest.raises(SlackObjectFormationError):
        build_view(form, private_metadata=metadata)
    with pytest.raises(SlackObjectFormationError):
        render_form(form, private_metadata=metadata)


def test_a_form_longer_than_a_modal_is_cut_the_same_way() -> None:
    fields = tuple(Field(f"f{i}", f"Field {i}", initial=f"v{i}") for i in range(120))
    form = Form(form_id="long", title="Long", fields=fields, errors={"f1": "bad"})
    _same(form, "")
    assert len(render_form(form, private_metadata="")["blocks"]) == 100
