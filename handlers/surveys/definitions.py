"""Survey definitions: the built-in ones and custom ones read from YAML.

A YAML file is checked as a whole before anything is stored; the first problem is
reported with its line (from yaml's node marks) and the reason.

    key: onboarding
    title: Onboarding feedback
    questions:
      - scale: How easy was onboarding?
        min: 1
        max: 5
        labels: [Hard, Easy]
      - choice: Which part helped most?
        options: [Docs, Training, Your manager]
        optional: true
      - text: Anything else?
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import InvalidInput
from storage import surveys as store

#: A survey file larger than this is refused before it is parsed.
MAX_FILE_BYTES = 64_000
MAX_QUESTIONS = 20
KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Question:
    kind: str
    prompt: str
    low: int | None = None
    high: int | None = None
    labels: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    optional: bool = False

    def columns(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "prompt": self.prompt,
            "low": self.low,
            "high": self.high,
            "labels": list(self.labels),
            "options": list(self.options),
            "optional": self.optional,
        }


@dataclass(frozen=True)
class Definition:
    key: str
    title: str
    questions: tuple[Question, ...] = field(default_factory=tuple)


def question_of(row: store.SurveyQuestion) -> Question:
    return Question(
        kind=row.kind,
        prompt=row.prompt,
        low=row.low,
        high=row.high,
        labels=tuple(row.labels or ()),
        options=tuple(row.options or ()),
        optional=row.optional,
    )


BUILTIN = (
    Definition(
        "nps",
        "Partner NPS",
        (
            Question(
                "scale",
                "How likely are you to recommend partnering with us?",
                0,
                10,
                ("Not at all likely", "Extremely likely"),
            ),
            Question("text", "What is the main reason for your score?", optional=True),
        ),
    ),
    Definition(
        "satisfaction",
        "Partner satisfaction",
        (
            Question(
                "scale",
                "How satisfied are you with our partner program?",
                1,
                5,
                ("Very dissatisfied", "Very satisfied"),
            ),
        ),
    ),
    Definition(
        "enablement",
        "Enablement feedback",
        (Question("text", "What would help your team sell and deliver our products better?"),),
    ),
)


async def ensure_builtin(session: AsyncSession) -> None:
    """Store the built-in surveys the first time they are needed."""
    for definition in BUILTIN:
        if await store.get_survey(session, definition.key) is None:
            await store.save_survey(
                session,
                definition.key,
                title=definition.title,
                questions=[q.columns() for q in definition.questions],
                builtin=True,
            )


class _Bad(Exception):
    def __init__(self, node: yaml.Node | None, reason: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        super().__init__(f"line {line}: {reason}")


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise _Bad(node, "expected a mapping (key: value lines)")
    found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise _Bad(key, "a key must be a word")
        if key.value in found:
            raise _Bad(key, f"{key.value!r} is given twice")
        found[key.value] = (key, value)
    return found


def _text(node: yaml.Node, what: str, *, limit: int = 500) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise _Bad(node, f"{what} must be non-empty text")
    text = str(node.value).strip()
    if len(text) > limit:
        raise _Bad(node, f"{what} is longer than {limit} characters")
    return text


def _int(node: yaml.Node, what: str) -> int:
    if not isinstance(node, yaml.ScalarNode) or not re.fullmatch(r"-?\d{1,3}", str(node.value)):
        raise _Bad(node, f"{what} must be a whole number")
    return int(node.value)


def _texts(node: yaml.Node, what: str) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode):
        raise _Bad(node, f"{what} must be a list, like [One, Two]")
    return tuple(_text(item, f"each of {what}", limit=75) for item in node.value)


def _question(node: yaml.Node) -> Question:
    fields = _mapping(node)
    kinds = [k for k in ("scale", "choice", "text") if k in fields]
    if len(kinds) != 1:
        raise _Bad(node, "each question needs exactly one of scale:, choice: or text:")
    kind = kinds[0]
    allowed = {kind, "optional"} | (
        {"min", "max", "labels"} if kind == "scale" else {"options"} if kind == "choice" else set()
    )
    for name, (key, _) in fields.items():
        if name not in allowed:
            raise _Bad(key, f"{name!r} does not belong to a {kind} question")
    prompt = _text(fields[kind][1], "the question")
    optional = False
    if "optional" in fields:
        flag = fields["optional"][1]
        if not isinstance(flag, yaml.ScalarNode) or flag.value not in ("true", "false"):
            raise _Bad(flag, "optional must be true or false")
        optional = flag.value == "true"
    if kind == "scale":
        low = _int(fields["min"][1], "min") if "min" in fields else 1
        high = _int(fields["max"][1], "max") if "max" in fields else 5
        if not 0 <= low < high <= 10:
            raise _Bad(
                fields.get("max", fields[kind])[1], "a scale runs from min to max within 0..10"
            )
        labels = _texts(fields["labels"][1], "labels") if "labels" in fields else ()
        if len(labels) not in (0, 2):
            raise _Bad(fields["labels"][1], "labels are two: the low end and the high end")
        return Question(kind, prompt, low, high, labels, optional=optional)
    if kind == "choice":
        if "options" not in fields:
            raise _Bad(node, "a choice question needs options: [...]")
        options = _texts(fields["options"][1], "options")
        if not 2 <= len(options) <= 10:
            raise _Bad(fields["options"][1], "a choice question has 2 to 10 options")
        if len({o.lower() for o in options}) != len(options):
            raise _Bad(fields["options"][1], "options must differ")
        return Question(kind, prompt, options=options, optional=optional)
    return Question(kind, prompt, optional=optional)


def parse_definition(source: str | bytes) -> Definition:
    """A survey definition from YAML text.

    Raises:
        InvalidInput: `{"file": "line N: reason"}` for the first problem found.
    """
    raw = source.encode() if isinstance(source, str) else source
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInput({"file": f"line 1: the file is larger than {MAX_FILE_BYTES} bytes"})
    try:
        text = raw.decode("utf-8")
        yaml.safe_load(text)  # rejects anything but plain data (no tags, no objects)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError as exc:
        raise InvalidInput({"file": "line 1: the file is not UTF-8 text"}) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise InvalidInput({"file": f"line {line}: not valid YAML ({exc.problem})"}) from exc
    except yaml.YAMLError as exc:
        raise InvalidInput({"file": f"line 1: not valid YAML ({exc})"}) from exc
    try:
        if root is None:
            raise _Bad(None, "the file is empty")
        fields = _mapping(root)
        for name, (key, _) in fields.items():
            if name not in ("key", "title", "questions"):
                raise _Bad(key, f"unknown field {name!r} (key, title, questions)")
        for name in ("key", "title", "questions"):
            if name not in fields:
                raise _Bad(root, f"{name}: is missing")
        key_node = fields["key"][1]
        key = _text(key_node, "key", limit=64)
        if not KEY_RE.match(key):
            raise _Bad(key_node, "key is lower-case letters, digits, - or _ (like onboarding)")
        if key in {d.key for d in BUILTIN}:
            raise _Bad(key_node, f"{key!r} is a built-in survey; choose another key")
        title = _text(fields["title"][1], "title", limit=200)
        items = fields["questions"][1]
        if not isinstance(items, yaml.SequenceNode) or not items.value:
            raise _Bad(items, "questions must be a non-empty list")
        if len(items.value) > MAX_QUESTIONS:
            raise _Bad(items, f"at most {MAX_QUESTIONS} questions")
        questions = tuple(_question(item) for item in items.value)
    except _Bad as exc:
        raise InvalidInput({"file": str(exc)}) from exc
    if all(q.optional for q in questions):
        raise InvalidInput(
            {
                "file": f"line {items.start_mark.line + 1}: "
                "at least one question must not be optional"
            }
        )
    return Definition(key, title, questions)


async def import_definition(session: AsyncSession, definition: Definition) -> store.Survey:
    return await store.save_survey(
        session,
        definition.key,
        title=definition.title,
        questions=[q.columns() for q in definition.questions],
    )
