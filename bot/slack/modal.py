"""Form -> modal view: built with slack_sdk.models once per form, filled per request.

A form's structure (inputs, labels, options, hints) is the same for every person who
opens it; only its values change: the initial values, the private metadata, the
title (it may name a deal) and the errors shown under the fields. `build_view` builds
the whole view from `slack_sdk.models`, whose validation is why we use them (issue
15: it cost ~0.9 ms per `/register-deal`). `render_form` builds each structure that
way once, keeps it (as JSON, so every use gets its own deep copy) and fills the
per-request values into a copy. A test keeps the two equal for the same values; a
value the models would reject (a badly formed date, over-long metadata) is not
filled in but goes through `build_view`, which raises as before.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import re
from typing import Any

import orjson
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    EmailInputElement,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.model import Field, Form
from bot.slack import ids
from bot.slack.mrkdwn import defang, to_mrkdwn, truncate
from bot.slack.render import CONTEXT_TEXT_CHARS, SECTION_TEXT_CHARS

MAX_MODAL_BLOCKS = 100
VIEW_TITLE_CHARS = 24
LABEL_CHARS = 2000
PLACEHOLDER_CHARS = 150
OPTION_TEXT_CHARS = 75
OPTION_VALUE_CHARS = 150
MAX_OPTIONS = 100
INPUT_MAX_LENGTH = 3000
#: Slack's limit, which View validates.
PRIVATE_METADATA_CHARS = 3000
#: The check slack_sdk's DatePickerElement applies to `initial_date` (a prefix match).
_INITIAL_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")
#: Distinct form structures kept (each a few KB).
TEMPLATES = 128
#: A field's attributes but its initial value: what its part of the view is built from.
_FIELD_STRUCTURE = tuple(f.name for f in dataclasses.fields(Field) if f.name != "initial")
_field_structure = operator.attrgetter(*_FIELD_STRUCTURE)


def render_form(form: Form, *, private_metadata: str) -> dict[str, Any]:
    """Render a Form as a modal view (a new dict the caller may change). Each input's
    block_id and action_id is the field's name, so `response_action: errors` can
    point at it. Equal to `build_view(form, private_metadata=...)`."""
    if len(form.fields) + (1 if form.intro else 0) > MAX_MODAL_BLOCKS:
        return build_view(form, private_metadata=private_metadata)  # cut to fit: rare
    title = truncate(form.title, VIEW_TITLE_CHARS)
    if not title or len(private_metadata) > PRIVATE_METADATA_CHARS:
        return build_view(form, private_metadata=private_metadata)  # raises as it did
    view: dict[str, Any] = orjson.loads(_template(*_structure(form)))  # a deep copy
    view["title"]["text"] = title
    if private_metadata:
        view["private_metadata"] = private_metadata
    blocks: list[dict[str, Any]] = view["blocks"]
    offset = len(blocks) - len(form.fields)
    for i, field in enumerate(form.fields):
        if field.initial is not None and not _fill(blocks[offset + i]["element"], field):
            return build_view(form, private_metadata=private_metadata)
    if form.errors:
        blocks = _with_errors(blocks, form, offset)
        view["blocks"] = blocks[:MAX_MODAL_BLOCKS]
    return view


def _structure(form: Form) -> tuple[str, str, str | None, tuple[tuple[Any, ...], ...]]:
    """What a form's template is built from: the form without its per-request values,
    each field as the tuple of its other attributes (a hashable key, built without
    copying the fields; a Form is not hashable, its errors being a dict)."""
    fields = tuple(map(_field_structure, form.fields))
    return form.form_id, form.submit_label, form.intro, fields


@functools.lru_cache(maxsize=TEMPLATES)
def _template(
    form_id: str, submit_label: str, intro: str | None, fields: tuple[tuple[Any, ...], ...]
) -> bytes:
    """The view of that structure built with the models, as JSON: loading it gives a
    deep copy in ~11 us (pickle.loads took ~17, copy.deepcopy ~60)."""
    structure = Form(
        form_id=form_id,
        title="-",
        fields=tuple(Field(**dict(zip(_FIELD_STRUCTURE, f, strict=True))) for f in fields),
        submit_label=submit_label,
        intro=intro,
    )
    view = build_view(structure, private_metadata="")
    return orjson.dumps(view)


def _fill(element: dict[str, Any], field: Field) -> bool:
    """Put `field.initial` into its element as `_element` would; False when the models
    would reject it (the caller then builds the view with them)."""
    initial = field.initial
    single = initial if isinstance(initial, str) else None
    kind = field.kind
    if kind in ("select", "multiselect"):
        wanted = {initial} if isinstance(initial, str) else set(initial or ())
        chosen = [o for o in element["options"] if o["value"] in wanted]
        if chosen and kind == "select":
            element["initial_option"] = chosen[0]
        elif chosen:
            element["initial_options"] = chosen
    elif not single:
        pass
    elif kind == "date":
        if _INITIAL_DATE.match(single) is None:
            return False
        element["initial_date"] = single
    elif kind in ("number", "email"):
        element["initial_value"] = single
    else:
        element["initial_value"] = single[: element["max_length"]]
    return True


def _with_errors(blocks: list[dict[str, Any]], form: Form, offset: int) -> list[dict[str, Any]]:
    """The blocks with each field's error (built with the models: a rare path) under it."""
    out = blocks[:offset]
    for i, field in enumerate(form.fields):
        out.append(blocks[offset + i])
        error = form.errors.get(field.name)
        if error:
            out.append(_error_block(field.name, error).to_dict())
    return out


def _error_block(name: str, error: str) -> ContextBlock:
    text = truncate(f":warning: {defang(error)}", CONTEXT_TEXT_CHARS)
    return ContextBlock(block_id=f"{name}-error", elements=[MarkdownTextObject(text=text)])


def build_view(form: Form, *, private_metadata: str) -> dict[str, Any]:
    """The modal view built entirely from slack_sdk.models (validated as a whole)."""
    blocks: list[Block] = []
    if form.intro:
        blocks.append(
            SectionBlock(
                block_id=ids.BLOCK_INTRO,
                text=MarkdownTextObject(text=truncate(to_mrkdwn(form.intro), SECTION_TEXT_CHARS)),
            )
        )
    for field in form.fields:
        blocks.append(_input(field))
        error = form.errors.get(field.name)
        if error:
            blocks.append(_error_block(field.name, error))
    view = View(
        type="modal",
        callback_id=form.form_id,
        title=PlainTextObject(text=truncate(form.title, VIEW_TITLE_CHARS)),
        submit=PlainTextObject(text=truncate(form.submit_label, VIEW_TITLE_CHARS)),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks[:MAX_MODAL_BLOCKS],
        private_metadata=private_metadata,
    )
    rendered: dict[str, Any] = view.to_dict()
    return rendered


def _option(value: str, label: str) -> Option:
    return Option(
        value=value[:OPTION_VALUE_CHARS],
        text=PlainTextObject(text=truncate(label, OPTION_TEXT_CHARS)),
    )


def _element(field: Field) -> InputInteractiveElement:
    placeholder = truncate(field.placeholder, PLACEHOLDER_CHARS) if field.placeholder else None
    initial = field.initial
    single = initial if isinstance(initial, str) else None
    if field.kind in ("select", "multiselect"):
        options = [_option(o.value, o.label) for o in field.options[:MAX_OPTIONS]]
        wanted = {initial} if isinstance(initial, str) else set(initial or ())
        chosen = [o for o in options if o.value in wanted]
        if field.kind == "select":
            return StaticSelectElement(
                action_id=field.name,
                options=options,
                placeholder=placeholder,
                initial_option=chosen[0] if chosen else None,
            )
        return StaticMultiSelectElement(
            action_id=field.name,
            options=options,
            placeholder=placeholder,
            initial_options=chosen or None,
        )
    if field.kind == "number":
        return NumberInputElement(
            action_id=field.name,
            is_decimal_allowed=True,
            initial_value=single or None,
            placeholder=placeholder,
        )
    if field.kind == "date":
        return DatePickerElement(
            action_id=field.name, initial_date=single or None, placeholder=placeholder
        )
    if field.kind == "email":
        return EmailInputElement(
            action_id=field.name, initial_value=single or None, placeholder=placeholder
        )
    max_length = min(field.max_length or INPUT_MAX_LENGTH, INPUT_MAX_LENGTH)
    return PlainTextInputElement(
        action_id=field.name,
        multiline=field.kind == "multiline",
        initial_value=single[:max_length] if single else None,
        placeholder=placeholder,
        max_length=max_length,
    )


def _input(field: Field) -> InputBlock:
    return InputBlock(
        block_id=field.name,
        label=PlainTextObject(text=truncate(field.label, LABEL_CHARS)),
        element=_element(field),
        hint=PlainTextObject(text=truncate(field.hint, LABEL_CHARS)) if field.hint else None,
        optional=not field.required,
    )
