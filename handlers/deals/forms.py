"""The forms of deal registration and the small JSON payloads its buttons and forms carry."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.core import Field, Form, Option, ids
from bot.core.errors import NotFound
from handlers.deals.rules import MAX_COMPANY, MAX_CONTACT, MAX_NOTES, MAX_REASON, STAGES, ParsedText

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


def dump(model: BaseModel) -> str:
    return model.model_dump_json()


def load(model: type[M], raw: str) -> M:
    """Parse a button value or form metadata.

    Raises:
        NotFound: it is not what this code wrote (a forged or mangled request: the
            person is told so, and one WARNING line is logged, not a traceback).
    """
    try:
        return model.model_validate_json(raw)
    except (ValidationError, RecursionError) as exc:
        logger.warning("not a %s: %.80r", model.__name__, raw)
        raise NotFound("button or form", model.__name__) from exc


def _stage_options() -> tuple[Option, ...]:
    return tuple(Option(stage, stage.capitalize()) for stage in STAGES)


def registration_form(
    *,
    products: Sequence[str],
    prefill: ParsedText | None = None,
    nonce: str | None = None,
) -> Form:
    """The registration form (8 fields), prefilled from `/register-deal` free text."""
    parsed = prefill or ParsedText()
    value = " ".join(x for x in (parsed.value, parsed.currency) if x) or None
    fields = (
        Field("company", "Customer company", required=True, initial=parsed.company,
              max_length=MAX_COMPANY, placeholder="Acme Corp"),
        Field("domain", "Customer website or domain", required=True, initial=parsed.domain,
              max_length=253, placeholder="acme.com", hint="A URL or an e-mail address works too."),
        Field("value", "Estimated value and currency", required=True, initial=value,
              max_length=40, placeholder="50,000 USD", hint="e.g. 50k USD, 1.2m EUR"),
        Field("close_date", "Expected close date", kind="date", required=True,
              initial=parsed.close_date),
        Field("products", "Products", kind="multiselect", required=True,
              options=tuple(Option(p, p) for p in products)),
        Field("stage", "Stage", kind="select", required=True, initial=STAGES[1],
              options=_stage_options()),
        Field("contact", "Primary contact (optional)", max_length=MAX_CONTACT,
              placeholder="Name or e-mail"),
        Field("notes", "Notes (optional)", kind="multiline", max_length=MAX_NOTES),
    )  # fmt: skip
    meta = RegisterMeta(nonce=nonce or uuid.uuid4().hex)
    return Form(
        form_id=ids.FORM_DEAL_REGISTER,
        title="Register a deal",
        fields=fields,
        submit_label="Register",
        metadata=dump(meta),
    )


def with_values(
    form: Form, values: Mapping[str, str | list[str] | None], errors: Mapping[str, str]
) -> Form:
    """The same form again with the user's values kept and `errors` next to fields."""
    fields = tuple(
        replace(f, initial=values[f.name]) if values.get(f.name) not in (None, "", []) else f
        for f in form.fields
    )
    return replace(form, fields=fields, errors=dict(errors))


def reason_form(form_id: str, *, deal_id: int, title: str, label: str, submit: str) -> Form:
    """A one-field form (reject reason, info question, lost reason)."""
    return Form(
        form_id=form_id,
        title=title,
        fields=(Field("reason", label, kind="multiline", required=True, max_length=MAX_REASON),),
        submit_label=submit,
        metadata=dump(DealRef(deal_id=deal_id)),
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
                options=_stage_options(),
            ),
        ),
        submit_label="Update",
        metadata=dump(DealRef(deal_id=deal_id)),
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
        metadata=dump(DealRef(deal_id=deal_id)),
    )
