"""A person's answer, typed in a registration's thread, as the form's field value, and
the form's own message for it."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core import Field, Request
from bot.core.errors import InvalidInput
from handlers import fields
from handlers.deals.rules import parse_free_text, validate_form
from handlers.deps import Deps

_LIST_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\+)\s*", re.I)


def typed_answer(deps: Deps, request: Request, field: Field) -> object:
    """The typed answer as the form's field value (words for dates and amounts read by
    the same parser as `/register-deal` text)."""
    raw = fields.one_line(request.text)
    if field.name in ("value", "close_date"):
        parsed = parse_free_text(
            raw, today=deps.clock().date(), default_currency=deps.settings.deal_default_currency
        )
        if field.name == "value" and parsed.value:
            return f"{parsed.value} {parsed.currency or ''}".strip()
        if field.name == "close_date" and parsed.close_date:
            return parsed.close_date
        return raw
    if field.options:
        picked = []
        for word in filter(None, _LIST_SPLIT.split(raw)):
            match = word
            for n, option in enumerate(field.options, start=1):
                if word == str(n) or word.casefold() in (
                    option.value.casefold(),
                    option.label.casefold(),
                ):
                    match = option.value
            picked.append(match)
        return picked
    return raw


def field_error(deps: Deps, values: Mapping[str, object], name: str) -> str | None:
    """The form's own message for one field, given the answers so far."""
    try:
        validate_form(
            {k: v for k, v in values.items() if isinstance(v, str | list)},
            today=deps.clock().date(),
            products=deps.settings.deal_products,
            default_currency=deps.settings.deal_default_currency,
        )
    except InvalidInput as exc:
        return exc.field_errors.get(name)
    return None
