"""Prompt templates for LLM calls: one Markdown file per prompt, named placeholders.

`render("answer_question", question=..., passages=...)` reads `answer_question.md`
and fills its `{placeholders}`. A placeholder without a value raises `PromptError`
(so a renamed field never sends a half-filled prompt); an unknown field does too.
Literal braces are written `{{` and `}}`.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).parent


class PromptError(KeyError):
    """A template and its fields do not match (missing or unexpected field)."""


@cache
def load(name: str) -> str:
    """The raw template `name` (file `prompts/<name>.md`)."""
    path = FOLDER / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"no prompt named {name!r}")
    return path.read_text(encoding="utf-8")


def fields(template: str) -> set[str]:
    """The placeholder names a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def render(name: str, **values: object) -> str:
    """Fill template `name` with `values`.

    Raises:
        PromptError: a placeholder has no value, or a value has no placeholder.
    """
    template = load(name)
    wanted = fields(template)
    missing = sorted(wanted - values.keys())
    extra = sorted(values.keys() - wanted)
    if missing or extra:
        raise PromptError(f"prompt {name!r}: missing {missing}, unexpected {extra}")
    return template.format(**{key: str(value) for key, value in values.items()})
