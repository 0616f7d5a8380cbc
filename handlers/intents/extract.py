"""The registration details a sentence holds: read by the chat model through a tool call
whose JSON schema is the registration form's own fields, when an LLM is configured;
else (and when the model errors, times out or answers off-schema) by the offline
parser `/register-deal` text uses.

What the model returns is never trusted: a value the sentence does not contain is
dropped as made up (`grounded`), and the rest goes through the form's own validation
(`validate_form`), a value it refuses being dropped with that field's message, so the
person is asked for it again with the reason. Either way the values only prefill: the
person confirms them (summary + Register / Edit, or the form) before anything is stored.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import openai

import prompts
from bot.core import Field
from bot.core.errors import InvalidInput
from handlers import fields as field_rules
from handlers.deals.forms import registration_form
from handlers.deals.identity import normalise_domain
from handlers.deals.rules import parse_free_text, validate_form
from handlers.deps import Deps
from handlers.intents.prefill import registration_text

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionToolParam

logger = logging.getLogger(__name__)

#: The tool the model must call; its parameters are the form's fields.
TOOL = "prefill_registration"
#: One try, this long at most (the person is waiting in the chat); then offline.
TIMEOUT_SECONDS = 8.0
#: Field kinds a model is not asked to fill: free text the person writes themselves.
_NOT_EXTRACTED = frozenset({"multiline"})
#: Words of a sentence, for "does the sentence say this?" (letters and digits).
_WORDS = re.compile(r"[^\W_]+")
#: A sentence that names a time at all (a digit, a month, a quarter, weeks ...).
_DATE_CUE = re.compile(
    r"\d|\b(?:january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug"
    r"|september|sept|sep|october|oct|november|nov|december|dec|q[1-4]|h[12]|quarter|week"
    r"|weeks|month|months|year|spring|summer|autumn|fall|winter|tomorrow|eoy|eoq|eom)\b",
    re.I,
)
#: A sentence that names an amount (a digit, or an amount in words).
_AMOUNT_CUE = re.compile(r"\d|\b(?:hundred|thousand|million|billion|grand|k)\b", re.I)

Values = dict[str, str | list[str]]


@dataclass(frozen=True)
class Extraction:
    """What prefills a registration: field name -> value as the form takes it, and the
    form's message for each value the model gave that the form refused."""

    values: Values = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    source: Literal["offline", "llm"] = "offline"


def form_fields(deps: Deps) -> tuple[Field, ...]:
    """The registration form's fields, as the form is configured (products, currency)."""
    form = registration_form(
        products=deps.settings.deal_products, default_currency=deps.settings.deal_default_currency
    )
    return form.fields


def tool_schema(form: Sequence[Field]) -> dict[str, Any]:
    """The JSON schema of the tool's arguments: one nullable property per field of the
    form (options as enums), so the schema follows the form when the form changes."""
    properties: dict[str, Any] = {}
    for item in form:
        if item.kind in _NOT_EXTRACTED:
            continue
        about = item.label.removesuffix(" (optional)")
        if item.hint:
            about += f". {item.hint}"
        choices = [option.value for option in item.options]
        if item.kind == "multiselect":
            spec: dict[str, Any] = {
                "type": ["array", "null"],
                "items": {"type": "string", "enum": choices},
            }
        elif choices:
            spec = {"type": ["string", "null"], "enum": [*choices, None]}
        elif item.kind == "date":
            spec = {"type": ["string", "null"], "format": "date"}
            about += " (YYYY-MM-DD)"
        else:
            spec = {"type": ["string", "null"]}
        properties[item.name] = {**spec, "description": about}
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def offline(sentence: str, deps: Deps) -> Extraction:
    """The sentence read by the offline parser (the words that ask to register dropped)."""
    today, currency = deps.clock().date(), deps.settings.deal_default_currency
    text = registration_text(sentence, today=today, currency=currency)
    parsed = parse_free_text(text, today=today, default_currency=currency)
    value = " ".join(x for x in (parsed.value, parsed.currency) if x)
    found = {
        "company": parsed.company,
        "domain": parsed.domain,
        "value": value,
        "close_date": parsed.close_date,
    }
    return Extraction(values={name: v for name, v in found.items() if v})


def grounded(item: Field, value: str | list[str], sentence: str) -> bool:
    """Whether `sentence` says `value` (or at least names that kind of thing): a model's
    value that fails this is made up, however valid it looks."""
    folded = sentence.casefold()
    if item.options:
        chosen = value if isinstance(value, list) else [value]
        labels = {o.value: o.label for o in item.options}
        return all(
            word.casefold() in folded or labels.get(word, word).casefold() in folded
            for word in chosen
        )
    assert isinstance(value, str)
    if item.name == "domain":
        return _domain_of(value) in {_domain_of(word.strip(",;()<>\"'")) for word in folded.split()}
    if item.name == "value":
        return bool(_AMOUNT_CUE.search(sentence))
    if item.kind == "date":
        return bool(_DATE_CUE.search(sentence))
    said = set(_WORDS.findall(folded))
    return all(word in said for word in _WORDS.findall(value.casefold()))


def _domain_of(text: str) -> str | None:
    try:
        return normalise_domain(text)
    except ValueError:
        return None


def checked(arguments: object, sentence: str, deps: Deps) -> Extraction:
    """The model's arguments as form values: unknown names and non-text dropped, made-up
    values dropped, and values the form refuses dropped with the form's message."""
    if not isinstance(arguments, Mapping):
        return Extraction(source="llm")
    values: Values = {}
    by_name = {item.name: item for item in form_fields(deps) if item.kind not in _NOT_EXTRACTED}
    for name, item in by_name.items():
        value = _as_value(item, arguments.get(name))
        if value is None:
            continue
        if not grounded(item, value, sentence):
            logger.info("extraction: dropped %s, which the sentence does not hold", name)
            continue
        values[name] = value
    errors: dict[str, str] = {}
    try:
        validate_form(
            dict(values),
            today=deps.clock().date(),
            products=deps.settings.deal_products,
            default_currency=deps.settings.deal_default_currency,
        )
    except InvalidInput as exc:
        errors = {name: msg for name, msg in exc.field_errors.items() if name in values}
    for name in errors:
        del values[name]
    if isinstance(values.get("domain"), str):  # shown back as the registration stores it
        values["domain"] = normalise_domain(str(values["domain"]))
    return Extraction(values=values, errors=errors, source="llm")


def _as_value(item: Field, raw: object) -> str | list[str] | None:
    if item.kind == "multiselect":
        chosen = [raw] if isinstance(raw, str) else raw
        if not isinstance(chosen, list):
            return None
        picked = [field_rules.one_line(v) for v in chosen if isinstance(v, str) and v.strip()]
        return list(dict.fromkeys(picked)) or None
    if not isinstance(raw, str):
        return None
    return field_rules.one_line(raw)[: item.max_length or None] or None


def _tool(deps: Deps) -> ChatCompletionToolParam:
    return {
        "type": "function",
        "function": {
            "name": TOOL,
            "description": "Prefill the deal registration form with what the message says.",
            "parameters": tool_schema(form_fields(deps)),
        },
    }


async def extract(
    sentence: str, deps: Deps, *, asker: Hashable = None, use_model: bool = True
) -> Extraction:
    """The registration details in `sentence` (never raises). The model's reading is
    kept a few minutes per `asker` and sentence (`Deps.recent`), so the same sentence
    run again (Slack's form button) opens its form at once, prefilled the same way.

    Args:
        use_model: False where an answer must be quick (a click that opens a form must
            do so within Slack's 3 s trigger), so only the offline parser reads it.
    """
    if deps.llm is None:
        return offline(sentence, deps)
    key = ("registration", asker, sentence, deps.clock().date())
    kept = deps.recent.get(key)
    if isinstance(kept, Extraction):
        return kept
    if not use_model:
        return offline(sentence, deps)
    extraction = await _ask_model(sentence, deps)
    if extraction.source == "llm":
        deps.recent.put(key, extraction)
    return extraction


async def _ask_model(sentence: str, deps: Deps) -> Extraction:
    assert deps.llm is not None
    system = prompts.render(
        "extract_registration",
        tool=TOOL,
        today=deps.clock().date().isoformat(),
        currency=deps.settings.deal_default_currency,
    )
    try:
        client = deps.llm.with_options(timeout=TIMEOUT_SECONDS, max_retries=0)
        response = await client.chat.completions.create(
            model=deps.settings.openai_model,
            messages=[
                {"role": "system", "content": system},
                {"role": "user", "content": field_rules.one_line(sentence)},
            ],
            tools=[_tool(deps)],
            tool_choice={"type": "function", "function": {"name": TOOL}},
            temperature=0,
        )
        calls = response.choices[0].message.tool_calls or []
        function = getattr(calls[0], "function", None) if calls else None
        if function is None or function.name != TOOL:
            raise ValueError("the model did not call the registration tool")
        arguments = json.loads(function.arguments or "{}")
    except openai.APITimeoutError:
        logger.warning("extraction by the LLM timed out; using the offline parser")
        return offline(sentence, deps)
    except (openai.OpenAIError, ValueError, IndexError, AttributeError):
        logger.warning("extraction by the LLM failed; using the offline parser", exc_info=True)
        return offline(sentence, deps)
    return checked(arguments, sentence, deps)
