"""A `Form` in the terminal: one prompt per field; field errors re-prompt those fields."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence

from rich.console import Console
from rich.text import Text

from bot.core import Field, Form, FormSubmit, Reply
from bot.core.errors import InvalidInput
from bot.core.untrusted import strip_marks
from bot.shell.io import Ask

logger = logging.getLogger(__name__)

Value = str | list[str] | None
Submit = Callable[[FormSubmit], Awaitable[list[Reply]]]
#: How many times a form is re-prompted after errors before the shell gives up.
MAX_ATTEMPTS = 5
#: A form with more fields than this ends with a summary and Register / Edit.
CONFIRM_OVER_FIELDS = 5


class Cancelled(Exception):
    """The user ended input in the middle of a form."""


async def complete_form(
    form: Form, *, ask: Ask, console: Console, submit: Submit
) -> list[Reply] | None:
    """Prompt every field, submit, and on `InvalidInput` re-prompt only the fields in
    error (keeping the other answers) and submit again.

    Returns the replies to the accepted submission, or None if the user gave up (end of
    input) or the form kept failing.
    """
    console.print(Text(strip_marks(form.title), style="bold underline"))
    if form.intro:
        console.print(Text(strip_marks(form.intro), style="dim"))
    try:
        values = await prompt_fields(
            form.fields, ask=ask, console=console, values={}, errors=form.errors
        )
        if len(form.fields) > CONFIRM_OVER_FIELDS:
            values = await confirm(form, values, ask=ask, console=console)
        for _attempt in range(MAX_ATTEMPTS):
            try:
                return await submit(FormSubmit(form.form_id, dict(values), form.metadata))
            except InvalidInput as exc:
                if isinstance(exc.form, Form):
                    form = exc.form
                show_errors(console, exc.field_errors, form)
                again = [f for f in form.fields if f.name in exc.field_errors]
                if not again:
                    return None
                values = await prompt_fields(
                    again, ask=ask, console=console, values=values, errors=exc.field_errors
                )
    except Cancelled:
        console.print(Text("Form cancelled.", style="dim"))
        return None
    console.print(Text("Giving up on this form.", style="yellow"))
    return None


async def confirm(
    form: Form, values: Mapping[str, Value], *, ask: Ask, console: Console
) -> dict[str, Value]:
    """The answers side by side, then `1) Register  2) Edit`: nothing is submitted until
    the person picks the first; Edit asks every field again, the answers as defaults.

    Raises:
        Cancelled: input ended before a choice.
    """
    answers = dict(values)
    while True:
        console.print(Text("Please check:", style="bold"))
        for field in form.fields:
            shown = _show_default(answers.get(field.name)).strip(" []") or "—"
            console.print(f"  {field.label}: {shown}", markup=False, highlight=False)
        console.print(f"  1) {form.submit_label}  2) Edit", markup=False, highlight=False)
        raw = await ask(f"> 1) {form.submit_label} or 2) Edit: ")
        if raw is None:
            raise Cancelled
        choice = raw.strip().casefold()
        if choice in ("1", form.submit_label.casefold()):
            return answers
        if choice in ("2", "edit"):
            answers = await prompt_fields(form.fields, ask=ask, console=console, values=answers)
            continue
        console.print(Text(f"  Type 1 to {form.submit_label.lower()} or 2 to edit.", style="red"))


def show_errors(console: Console, errors: Mapping[str, str], form: Form) -> None:
    labels = {f.name: f.label for f in form.fields}
    for name, message in errors.items():
        console.print(Text(strip_marks(f"✗ {labels.get(name, name)}: {message}"), style="red"))


async def prompt_fields(
    fields: Sequence[Field],
    *,
    ask: Ask,
    console: Console,
    values: Mapping[str, Value],
    errors: Mapping[str, str] | None = None,
) -> dict[str, Value]:
    """Ask each of `fields` in turn; previous answers (or `initial`) are the defaults."""
    answers: dict[str, Value] = dict(values)
    for field in fields:
        default = answers.get(field.name, field.initial)
        answers[field.name] = await _prompt_field(
            field, ask=ask, console=console, default=default, error=(errors or {}).get(field.name)
        )
    return answers


def _show_default(default: Value) -> str:
    if default in (None, "", []):
        return ""
    shown = ", ".join(default) if isinstance(default, list) else default
    return f" [{shown}]"


async def _prompt_field(
    field: Field, *, ask: Ask, console: Console, default: Value, error: str | None
) -> Value:
    label = Text(field.label, style="bold")
    if field.required:
        label.append(" *", style="red")
    console.print(label)
    if error:
        console.print(Text(f"  {strip_marks(error)}", style="red"))
    if field.hint or field.placeholder:
        console.print(Text(f"  {field.hint or field.placeholder}", style="dim"))
    for number, option in enumerate(field.options, start=1):
        console.print(f"  {number}) {option.label}", markup=False, highlight=False)
    while True:
        raw = await ask(f"> {field.label}{_show_default(default)}: ")
        if raw is None:
            raise Cancelled
        raw = raw.strip()
        if not raw:
            value = default
        elif field.options:
            value = _pick(field, raw)
            if value is None:
                console.print(Text("  Choose by number or name from the list.", style="red"))
                continue
        else:
            value = raw
        if field.required and value in (None, "", []):
            console.print(Text("  This field is required.", style="red"))
            continue
        if field.max_length and isinstance(value, str) and len(value) > field.max_length:
            console.print(Text(f"  At most {field.max_length} characters.", style="red"))
            continue
        return value


def _pick(field: Field, raw: str) -> Value:
    """Numbers, values or labels -> option value(s); None if any is unknown."""
    picked: list[str] = []
    words = [w.strip() for w in raw.split(",")] if field.kind == "multiselect" else [raw]
    for word in words:
        if not word:
            continue
        match = None
        if word.isdigit() and 1 <= int(word) <= len(field.options):
            match = field.options[int(word) - 1].value
        else:
            for option in field.options:
                if word.casefold() in (option.value.casefold(), option.label.casefold()):
                    match = option.value
        if match is None:
            return None
        picked.append(match)
    if field.kind == "multiselect":
        return picked
    return picked[0] if picked else None
