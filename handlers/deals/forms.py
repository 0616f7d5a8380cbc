"""The forms of deal registration and the small JSON payloads its buttons and forms carry."""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from bot.core import Field, Form, Option, ids
from bot.core.codec import encode
from handlers.deals.identity import MAX_COMPANY
from handlers.deals.rules import MAX_CONTACT, MAX_NOTES, MAX_REASON, STAGES, ParsedText
from storage.deals import deal_ref

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


class RegisterMeta(BaseModel):
    """Carried in the registration form: `nonce` makes a double submission one row."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    nonce: str


class DealRef(BaseModel):
    """Carried by every per-deal button and form."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    deal_id: int


#: The stage select's options (built once: they never change).
STAGE_OPTIONS = tuple(Option(stage, stage.capitalize()) for stage in STAGES)


def registration_form(
    *,
    products: Sequence[str],
    prefill: ParsedText | None = None,
    nonce: str | None = None,
    default_currency: str = "USD",
) -> Form:
    """The registration form (8 fields, 5 required), prefilled from `/register-deal`
    free text; a bare value is in `default_currency`."""
    parsed = prefill or ParsedText()
    value = " ".join(x for x in (parsed.value, parsed.currency) if x) or None
    company, domain, amount, close_date, *rest = _blank_fields(tuple(products), default_currency)
    fields = (
        _prefilled(company, parsed.company),
        _prefilled(domain, parsed.domain),
        _prefilled(amount, value),
        _prefilled(close_date, parsed.close_date),
        *rest,
    )
    meta = RegisterMeta(nonce=nonce or secrets.token_hex(16))  # 32 hex digits, as uuid4().hex
    return Form(
        form_id=ids.FORM_DEAL_REGISTER,
        title="Register a deal",
        fields=fields,
        submit_label="Register",
        metadata=encode(meta),
    )


@functools.lru_cache(maxsize=16)
def _blank_fields(products: tuple[str, ...], default_currency: str) -> tuple[Field, ...]:
    """The registration form's fields before any prefill, built once per settings (a
    /register-deal builds only the fields its text prefills; issue 15)."""
    value_hint = f"e.g. 50k USD, 1.2m EUR; a bare number (50000, 50k) is in {default_currency}"
    return (
        Field("company", "Customer company", required=True,
              max_length=MAX_COMPANY, placeholder="Acme Corp"),
        Field("domain", "Customer website or domain", required=True,
              max_length=253, placeholder="acme.com", hint="A URL or an e-mail address works too."),
        Field("value", "Estimated value and currency", required=True,
              max_length=40, placeholder="50,000 USD", hint=value_hint),
        Field("close_date", "Expected close date", kind="date", required=True),
        Field("products", "Products", kind="multiselect", required=True,
              options=tuple(Option(p, p) for p in products)),
        Field("stage", "Stage", kind="select", initial=STAGES[1],
              options=STAGE_OPTIONS),
        Field("contact", "Primary contact (optional)", max_length=MAX_CONTACT,
              placeholder="Name or e-mail"),
        Field("notes", "Notes (optional)", kind="multiline", max_length=MAX_NOTES),
    )  # fmt: skip


def _prefilled(field: Field, initial: str | None) -> Field:
    return field if initial is None else field.with_initial(initial)


def with_values(
    form: Form, values: Mapping[str, str | list[str] | None], errors: Mapping[str, str]
) -> Form:
    """The same form again with the user's values kept and `errors` next to fields."""
    fields = tuple(
        f.with_initial(values[f.name]) if values.get(f.name) not in (None, "", []) else f
        for f in form.fields
    )
    return replace(form, fields=fields, errors=dict(errors))


#: form id -> (title, label, submit) of the one-field forms that ask for a reason;
#: the same words when the form opens and when it comes back with an error.
_REASON_FORMS = {
    ids.FORM_DEAL_REJECT: ("Reject {ref}", "Reason (shown to the partner)", "Reject"),
    ids.FORM_DEAL_INFO: (
        "Question on {ref}",
        "Your question (posted in the partner's thread)",
        "Ask",
    ),
    ids.FORM_DEAL_LOST: ("{ref} lost", "Why was it lost?", "Mark lost"),
    ids.FORM_DEAL_WITHDRAW: (
        "Withdraw {ref}",
        "Why withdraw it? (shown to your channel manager)",
        "Withdraw",
    ),
}


def reason_form(form_id: str, *, deal_id: int) -> Form:
    """Reject, ask for info, mark lost or withdraw: one multiline field, the deal in
    metadata."""
    title, label, submit = _REASON_FORMS[form_id]
    return Form(
        form_id=form_id,
        title=title.format(ref=deal_ref(deal_id)),
        fields=(Field("reason", label, kind="multiline", required=True, max_length=MAX_REASON),),
        submit_label=submit,
        metadata=encode(DealRef(deal_id=deal_id)),
    )


def stage_form(*, deal_id: int, current: str) -> Form:
    return Form(
        form_id=ids.FORM_DEAL_STAGE,
        title="Update stage",
        fields=(
            Field(
                "stage",
                "Stage",
                kind="select",
                required=True,
                initial=current if current in STAGES else None,
                options=STAGE_OPTIONS,
            ),
        ),
        submit_label="Update",
        metadata=encode(DealRef(deal_id=deal_id)),
    )


def won_form(*, deal_id: int, initial: str | None) -> Form:
    return Form(
        form_id=ids.FORM_DEAL_WON,
        title="Mark as won",
        fields=(
            Field(
                "amount",
                "Won amount and currency",
                required=True,
                initial=initial,
                max_length=40,
                placeholder="48,000 USD",
            ),
        ),
        submit_label="Mark won",
        metadata=encode(DealRef(deal_id=deal_id)),
    )
