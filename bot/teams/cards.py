"""Adaptive Cards 1.5 for Teams, built by pure functions from neutral `Reply`/`Form`.

Every function returns a plain dict (the card's JSON); `render.py` wraps it with
`CardFactory.adaptive_card` at the edge. Cards stay under the Teams message size limit
(`teams.bot_message.recommended_max_kb` in LIMITS.json): long text is cut to fit.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from bot.core import Button, Citation, Field, Form, Reply
from bot.core.untrusted import strip_marks
from bot.teams import inbound
from bot.teams.markdown import cut, literal, to_teams

SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
#: Stay under the recommended 80 KB (UTF-16) for a whole message, with room to spare
#: for the activity envelope.
MAX_CARD_BYTES = 76 * 1024
MAX_TEXT_CHARS = 20_000
MAX_FACT_CHARS = 500
MAX_TITLE_CHARS = 200
MAX_CITATIONS = 10
MAX_CITATION_TITLE_CHARS = 120
SOURCES_LABEL = "Sources"
_BUTTON_STYLES = {"primary": "positive", "danger": "destructive"}
_FORM = TypeAdapter(Form)

Card = dict[str, Any]


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> Card:
    card: Card = {"type": "AdaptiveCard", "$schema": SCHEMA_URL, "version": VERSION, "body": body}
    if actions:
        card["actions"] = actions
    return _fit(card)


def _text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def needs_card(reply: Reply) -> bool:
    """Plain text suffices unless the reply has structure a message cannot show."""
    return bool(
        reply.title
        or reply.facts
        or reply.buttons
        or reply.citations
        or reply.context
        or reply.warning
        or reply.form
    )


def _button(button: Button) -> dict[str, Any]:
    title = cut(button.label, 60)
    if button.url:
        return {"type": "Action.OpenUrl", "title": title, "url": button.url}
    action: dict[str, Any] = {
        "type": "Action.Submit",
        "title": title,
        "data": {inbound.ACTION_KEY: button.action_id, inbound.VALUE_KEY: button.value},
    }
    if button.style in _BUTTON_STYLES:
        action["style"] = _BUTTON_STYLES[button.style]
    return action


def _citation_line(citation: Citation) -> str:
    title = cut(citation.title, MAX_CITATION_TITLE_CHARS)
    if citation.section:
        title = f"{title} ({cut(citation.section, 60)})"
    if citation.url:  # a bracket would end the link's label early
        title = title.replace("[", "(").replace("]", ")")
    label = f"[{literal(title)}]({citation.url})" if citation.url else literal(title)
    return f"[{citation.n}] {label}"


def sources_blocks(citations: tuple[Citation, ...]) -> list[dict[str, Any]]:
    """The "Sources" list, numbered like the answer's `[n]` markers; at most
    `MAX_CITATIONS` lines, then one "…and N more" line."""
    if not citations:
        return []
    shown = citations[:MAX_CITATIONS]
    blocks = [_text_block(SOURCES_LABEL, weight="Bolder", size="Small", separator=True)]
    blocks.extend(_text_block(_citation_line(c), size="Small", spacing="None") for c in shown)
    hidden = len(citations) - len(shown)
    if hidden > 0:
        blocks.append(_text_block(f"…and {hidden} more", size="Small", isSubtle=True))
    return blocks


def reply_card(reply: Reply) -> Card:
    """A `Reply` as an Adaptive Card: title, text, facts, warning, sources, small print,
    and buttons (Action.Submit carrying our action data, or Action.OpenUrl)."""
    body: list[dict[str, Any]] = []
    if reply.title:
        body.append(
            _text_block(literal(cut(reply.title, MAX_TITLE_CHARS)), weight="Bolder", size="Medium")
        )
    if reply.text:
        body.append(_text_block(cut(to_teams(reply.text), MAX_TEXT_CHARS)))
    if reply.facts:
        facts = [
            {"title": literal(cut(f.label, 100)), "value": literal(cut(f.value, MAX_FACT_CHARS))}
            for f in reply.facts
        ]
        body.append({"type": "FactSet", "facts": facts})
    if reply.warning:
        body.append(_text_block(f"⚠ {literal(reply.warning)}", color="Warning"))
    body.extend(sources_blocks(reply.citations))
    body.extend(
        _text_block(to_teams(line), size="Small", isSubtle=True, spacing="Small")
        for line in reply.context
    )
    return _card(body, [_button(b) for b in reply.buttons])


def _input(field: Field, value: str | list[str] | None) -> dict[str, Any]:
    label = strip_marks(field.label)
    element: dict[str, Any] = {"id": field.name, "label": label}
    if field.required:
        element["isRequired"] = True
        element["errorMessage"] = f"{label} is required"
    if field.placeholder:
        element["placeholder"] = strip_marks(field.placeholder)
    if field.kind in ("select", "multiselect"):
        element["type"] = "Input.ChoiceSet"
        element["choices"] = [
            {"title": strip_marks(o.label), "value": o.value} for o in field.options
        ]
        element["style"] = "compact" if field.kind == "select" else "expanded"
        if field.kind == "multiselect":
            element["isMultiSelect"] = True
        if value:
            element["value"] = ",".join(value) if isinstance(value, list) else value
        return element
    if field.kind == "number":
        element["type"] = "Input.Number"
        number = _as_number(value)
        if number is not None:
            element["value"] = number
        return element
    if field.kind == "date":
        element["type"] = "Input.Date"
    else:
        element["type"] = "Input.Text"
        if field.kind == "multiline":
            element["isMultiline"] = True
        if field.kind == "email":
            element["style"] = "Email"
        if field.max_length:
            element["maxLength"] = field.max_length
    if value:
        element["value"] = ",".join(value) if isinstance(value, list) else value
    return element


def _as_number(value: str | list[str] | None) -> int | float | None:
    if value is None or isinstance(value, list):
        return None
    try:
        number = float(value.replace(",", "").strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def form_card(form: Form, *, values: dict[str, str | list[str] | None] | None = None) -> Card:
    """A `Form` as an Adaptive Card with inputs and one Action.Submit.

    Field errors (`form.errors`) show as red lines under their fields; errors for names
    that are not fields show at the top. `values` (the user's last submission) win over
    the fields' initial values, so nothing typed is lost when the card is re-sent.
    The submit data carries the form id, its metadata, which inputs are multiselects,
    and the form's definition (so the card can be re-sent with errors).
    """
    values = values or {}
    names = {f.name for f in form.fields}
    body: list[dict[str, Any]] = [
        _text_block(literal(cut(form.title, MAX_TITLE_CHARS)), weight="Bolder", size="Medium")
    ]
    if form.intro:
        body.append(_text_block(cut(to_teams(form.intro), MAX_TEXT_CHARS)))
    for name, message in form.errors.items():
        if name not in names:
            body.append(_text_block(literal(message), color="Attention"))
    for field in form.fields:
        body.append(_input(field, values.get(field.name, field.initial)))
        if field.hint:
            body.append(
                _text_block(literal(field.hint), size="Small", isSubtle=True, spacing="None")
            )
        if field.name in form.errors:
            body.append(
                _text_block(literal(form.errors[field.name]), color="Attention", spacing="None")
            )
    definition = _FORM.dump_python(
        Form(
            form_id=form.form_id,
            title=form.title,
            fields=form.fields,
            submit_label=form.submit_label,
            intro=form.intro,
        ),
        mode="json",
        exclude_defaults=True,
    )
    data = {
        inbound.FORM_KEY: form.form_id,
        inbound.META_KEY: form.metadata,
        inbound.MULTI_KEY: [f.name for f in form.fields if f.kind == "multiselect"],
        inbound.DEFINITION_KEY: definition,
    }
    submit = {
        "type": "Action.Submit",
        "title": cut(form.submit_label, 60),
        "style": "positive",
        "data": data,
    }
    return _card(body, [submit])


def form_from_definition(definition: object) -> Form | None:
    """The `Form` a card's submit data describes, or None when it is not one."""
    if not isinstance(definition, dict):
        return None
    try:
        return _FORM.validate_python(definition)
    except ValueError:
        return None


def card_size(card: Card) -> int:
    """Bytes as Teams counts them (UTF-16)."""
    return len(json.dumps(card, ensure_ascii=False).encode("utf-16-le"))


def _fit(card: Card) -> Card:
    """Halve the longest TextBlock until the card fits `MAX_CARD_BYTES`."""
    while card_size(card) > MAX_CARD_BYTES:
        blocks = [b for b in card["body"] if b.get("type") == "TextBlock"]
        longest = max(blocks, key=lambda b: len(b["text"]), default=None)
        if longest is None or len(longest["text"]) < 200:
            break
        longest["text"] = cut(longest["text"], len(longest["text"]) // 2)
    return card
