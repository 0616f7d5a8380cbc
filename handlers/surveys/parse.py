"""Read an answer written in plain words: "9", "9/10", "nine", "9 - support is great",
"5 stars", "4 out of 5", an option's name or number, or free text. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.surveys.definitions import Question

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_WORD = "|".join(NUMBER_WORDS)
#: A score at the start: a number or a number word, then optionally "/10", "out of 10",
#: "of 10", "stars"/"points"; what follows after a separator is a comment.
SCORE_RE = re.compile(
    r"^\s*(?:i(?:['’]d| would)?\s+(?:say|give(?: it| you)?)\s+|score:?\s*|maybe\s+)?"
    rf"(?P<n>\d{{1,3}}|{_WORD})(?!\.\d|[\d,.]\d)"
    r"(?:\s*(?:/|out of|of)\s*(?P<of>\d{1,3}|" + _WORD + r"))?"
    r"(?:\s*(?:stars?|points?|pts)\b)?"
    r"(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
#: Separators between a score and its comment ("9 - great", "9, great", "9: great").
COMMENT_LEAD = re.compile(r"^[\s\-–—,:;.!)(]*(?:because\s+|as\s+)?", re.IGNORECASE)
SKIP_WORDS = frozenset({"skip", "pass", "n/a", "na", "-", "no comment"})
MAX_COMMENT = 3000


@dataclass(frozen=True)
class Answer:
    """What a message answers: a score, a choice, and/or a comment (free text)."""

    score: int | None = None
    choice: str | None = None
    comment: str | None = None
    skipped: bool = False


@dataclass(frozen=True)
class Unreadable:
    """A message that does not answer the question; `hint` says what would."""

    hint: str


def hint_for(question: Question) -> str:
    if question.kind == "scale":
        return (
            f"Reply with a number from {question.low} to {question.high}, like "
            f"“{question.high}” or “{question.high} - because …”, or use the buttons."
        )
    if question.kind == "choice":
        return "Reply with one of: " + ", ".join(question.options) + "."
    return "Reply with a few words."


def _number(token: str) -> int:
    token = token.lower()
    return NUMBER_WORDS[token] if token in NUMBER_WORDS else int(token)


def _comment(rest: str) -> str | None:
    text = COMMENT_LEAD.sub("", rest, count=1).strip()
    return text[:MAX_COMMENT] or None


def parse_answer(text: str, question: Question) -> Answer | Unreadable:
    """What `text` answers to `question`, or a hint when it does not.

    Scale: a number (digits or a word) at the start, in range; "9/10" and "4 out of 5"
    must name the scale's own top; the rest of the message is the comment.
    Choice: an option (case-insensitive) or its number. Text: anything non-empty.
    An optional question is skipped with "skip".
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        return Unreadable(hint_for(question))
    if question.optional and cleaned.lower().strip(".!") in SKIP_WORDS:
        return Answer(skipped=True)
    if question.kind == "text":
        return Answer(comment=text.strip()[:MAX_COMMENT])
    if question.kind == "choice":
        return _parse_choice(cleaned, question)
    return _parse_scale(cleaned, question)


def _parse_scale(text: str, question: Question) -> Answer | Unreadable:
    low, high = question.low or 0, question.high if question.high is not None else 10
    match = SCORE_RE.match(text)
    if match is None:
        return Unreadable(hint_for(question))
    score = _number(match["n"])
    if match["of"] is not None and _number(match["of"]) != high:
        return Unreadable(f"This one is out of {high}. " + hint_for(question))
    if not low <= score <= high:
        return Unreadable(f"{score} is outside {low}–{high}. " + hint_for(question))
    rest = match["rest"]
    if rest and rest[0].isalnum() and not rest[0].isspace():
        return Unreadable(hint_for(question))  # "9am", "2nd": not a score
    return Answer(score=score, comment=_comment(rest))


def _parse_choice(text: str, question: Question) -> Answer | Unreadable:
    lowered = text.lower().strip(" .!")
    for option in question.options:
        if lowered == option.lower():
            return Answer(choice=option)
    head = re.match(r"^(\d{1,2})\b(.*)$", lowered)
    if head and 1 <= int(head[1]) <= len(question.options):
        return Answer(
            choice=question.options[int(head[1]) - 1], comment=_comment(text[len(head[1]) :])
        )
    for option in question.options:
        if lowered.startswith(option.lower()):
            return Answer(choice=option, comment=_comment(text[len(option) :]))
    return Unreadable(hint_for(question))
