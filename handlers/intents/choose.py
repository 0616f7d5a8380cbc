"""The intent of a sentence: the chat model's pick through tool calling when an LLM is
configured, else (and on any API error) the offline matcher.

The model sees one tool per intent, built from the same table the matcher answers
with (`TOOLS`), and must call exactly one; its arguments are checked (a ref is
normalised, an unknown status or stage dropped) before anything runs.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import openai

from handlers.deps import Deps
from handlers.intents.matcher import IntentMatch, match_intent, normalise_ref

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionToolParam

logger = logging.getLogger(__name__)

_REF = {"ref": {"type": "string", "description": "the registration id, e.g. DR-000042"}}
#: intent -> (what it does, its arguments). The command table the model chooses from.
TOOLS: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {
    "register_deal": (
        "Register a new deal (opens the registration form, prefilled).",
        {"company": {"type": "string"}, "domain": {"type": "string"}},
    ),
    "list_deals": (
        "List the caller's deal registrations, optionally by status.",
        {
            "status": {
                "type": "string",
                "enum": ["open", "pending", "approved", "rejected", "won", "lost", "expired"],
            }
        },
    ),
    "pending_approvals": ("Registrations waiting for the (manager) caller's approval.", {}),
    "extend_deal": ("Ask to extend the protection of one registration.", _REF),
    "update_deal": (
        "Change the stage of one registration.",
        {
            **_REF,
            "stage": {
                "type": "string",
                "enum": ["prospecting", "qualified", "proposal", "negotiation"],
            },
        },
    ),
    "mark_won": ("Mark one registration as won.", _REF),
    "mark_lost": ("Mark one registration as lost.", {**_REF, "reason": {"type": "string"}}),
    "checkins": ("The caller's check-ins with their channel manager.", {}),
    "survey": ("Take the partner survey.", {}),
    "digest": ("The weekly digest.", {}),
    "scorecard": ("The partner's scorecard.", {}),
    "help": ("What the bot can do.", {}),
    "ask": (
        "Search the documentation: any question about the product, the partner program "
        "or how deal registration, protection, surveys or check-ins work.",
        {},
    ),
}
#: One try, this long at most (the person is waiting); then the offline matcher.
TIMEOUT_SECONDS = 8.0
_SYSTEM = (
    "You route messages sent to PartnerBot, a partner-program assistant. Call exactly one "
    "tool. A request to do something calls that action; a question about how something "
    "works, what it means, or the rules calls `ask`."
)


def tool_params() -> list[ChatCompletionToolParam]:
    return [
        {
            "type": "function",
            "function": {
                "name": name,
                "description": description,
                "parameters": {"type": "object", "properties": properties},
            },
        }
        for name, (description, properties) in TOOLS.items()
    ]


def _checked(name: str, raw: str) -> IntentMatch | None:
    if name not in TOOLS:
        return None
    try:
        args = json.loads(raw or "{}")
    except ValueError:
        args = {}
    if not isinstance(args, dict):
        args = {}
    properties = TOOLS[name][1]
    slots: dict[str, str] = {}
    for key, spec in properties.items():
        value = args.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        if key == "ref":
            ref = normalise_ref(value) or normalise_ref(f"DR-{value.strip().lstrip('#')}")
            if ref:
                slots["ref"] = ref
        elif "enum" not in spec or value in spec["enum"]:
            slots[key] = value.strip()
    return IntentMatch(name, 0.9, slots)


async def choose_intent(text: str, deps: Deps) -> IntentMatch:
    """The intent of `text` (never raises: the offline matcher answers on any failure)."""
    if deps.llm is None:
        return match_intent(text)
    try:
        client = deps.llm.with_options(timeout=TIMEOUT_SECONDS, max_retries=0)
        response = await client.chat.completions.create(
            model=deps.settings.openai_model,
            messages=[{"role": "system", "content": _SYSTEM}, {"role": "user", "content": text}],
            tools=tool_params(),
            tool_choice="required",
            temperature=0,
        )
        calls = response.choices[0].message.tool_calls or []
        call = calls[0] if calls else None
        function = getattr(call, "function", None)
        chosen = _checked(function.name, function.arguments) if function is not None else None
    except (openai.OpenAIError, IndexError, AttributeError):  # APITimeoutError too
        logger.warning("intent choice by the LLM failed; using the offline matcher", exc_info=True)
        chosen = None
    return chosen or match_intent(text)
