"""Whether a sentence states the count or the limit a question asks for, of the thing
it asks it of (issue 13, round 10). Generic English, nothing about any vendor. Pure
functions; handlers.knowledge.figure_quotes applies them to a question asking for a
count (handlers.knowledge.figures).

A near miss asks a documented feature for a figure the pages do not give ("max
projects per organization?", "max steps in a ramp schedule?", "how many custom roles
can an enterprise org make? is there a limit"), and the page about the feature states
numbers of other things: "create two projects" in an example, "1%, 5%, 10%" steps of
a ramp, "starts at 1M requests" in a CDN limit that mentions enterprise
organizations. Any number with a word of the subject somewhere in the sentence let
all three through. So a count is stated of the thing counted (`counted_words`: the
words after "how many" or "max", before "limit"): a number followed within
COUNTED_WITHIN words by one of them ("at least 100 users per variation", "the latest
100 feature evaluation events") or labelled by one (a table row "Number of Variations ;
Best for 2-4", round 13: explore answerable declined 45 -> 44 of 1172, nothing else
changes on either half); and a question asking for a bound ("max", "limit",
"minimum") needs a bound of it: a sentence naming the counted thing with a number and
a word that bounds it ("maximum of 5", "up to 1 million CDN requests", "a per-key cap
(60 requests/minute)"), or none ("unlimited", "no limit"). A percentage
counts nothing. A question naming nothing counted ("how much traffic gain") keeps the
plainer check of handlers.knowledge.figure_quotes.

Measured (round 10): unanswerable declined on dev7's confirm half (odd positions,
aggregates only) 12 -> 15 of 19, its near misses 6 -> 9 of 13, answerable declined
unchanged (5 of 94); explore half of dev7 11 -> 15 of 19 (near misses 6 -> 10 of 14),
answerable declined 5 -> 6 of 95 (its answer quoted no fact: the page stating "100
users per variation" ranks third). The older rounds are unchanged: explore half 8 of
434 and 84 of 87, confirm half 6 of 180 and 35 of 39.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from handlers.knowledge.coverage import names_any
from handlers.knowledge.figures import NUMBER_START
from handlers.knowledge.sentences import TABLE_CELL
from handlers.knowledge.terms import Query, Vocabulary, content_words, fixed_words, tokens

#: What a question counts: the words after "how many" / "max" / "minimum number of",
#: or before "limit" ("rate limit"), or after "limit on" / "limits per".
_COUNTED = (
    re.compile(r"\bhow many\s+((?:[\w-]+\s*){1,3})", re.IGNORECASE),
    re.compile(
        r"\b(?:max|maximum|min|minimum)\b(?![-_])(?:\s+(?:number|amount|count)\s+of)?"
        r"\s+((?:[\w-]+\s*){1,3})",
        re.IGNORECASE,
    ),
    re.compile(r"((?:[\w-]+\s+){1,2})limits?\b", re.IGNORECASE),
    re.compile(
        r"\blimits?\s+(?:on|of|for|per|to)\s+(?:the\s+)?(?:(?:number|amount|count)\s+of\s+)?"
        r"((?:[\w-]+\s*){1,3})",
        re.IGNORECASE,
    ),
)
#: Asking for a bound rather than a count.
ASKS_BOUND = re.compile(
    r"\b(?:max|maximum|min|minimum|limits?|cap|capped)\b(?![-_])|\bup to how\b|\bat most\b",
    re.IGNORECASE,
)
#: A word that bounds a number ("maximum of 5", "up to", "a cap of"), or no bound.
BOUND = re.compile(
    r"\b(?:limits?|limited|max(?![-_])|maximum|minimum|up to|at most|at least|no more than"
    r"|caps?|capped|ceiling)\b",
    re.IGNORECASE,
)
UNBOUNDED = re.compile(r"\bunlimited\b|\bany number\b|\bno (?:\w+ )?limits?\b", re.IGNORECASE)
#: Number words that count (not "several", "multiple": they state no count asked).
_COUNT_TEXT = """one two three four five six seven eight nine ten eleven twelve fifteen
    twenty thirty fifty hundred thousand million billion dozen"""
COUNT_WORDS = frozenset(_COUNT_TEXT.split())
#: A percentage: a share of something, not a count of it.
PERCENTAGE = re.compile(rf"{NUMBER_START}\d[\d.,]*\s?(?:%|percent)", re.IGNORECASE)
#: An amount of data: a number in a unit of size ("8 MB", "512KB", "1 GiB", "100 bytes").
SIZE = re.compile(r"\d\s?(?:[kmgtp]i?b|bytes?)\b", re.IGNORECASE)
#: Counted words that ask for an amount of data.
SIZE_ASKED = frozenset({"size", "sizes"})
#: A number a word labels: "Seats: 5", a table row's "Seats ; 5".
LABELLED = re.compile(r"([A-Za-z][A-Za-z-]*)\s*[:=;|]\s*(?:up to\s+)?\d")
#: A table row (its cells joined by handlers.knowledge.sentences.TABLE_CELL) whose
#: first cell names the counted thing and a later one holds a number states it.
DIGIT = re.compile(r"\d")
#: A number counts a thing named this many words after it at most ("2GB of RAM").
COUNTED_WITHIN = 4
#: Words that end what is counted ("how many roles can ...", "max steps in ...").
_STOPS_TEXT = "can could does do did is are will would should in on of for per to"
_STOPS = frozenset(_STOPS_TEXT.split())


def counted_words(question: str, query: Query, vocabulary: Vocabulary | None) -> tuple[str, ...]:
    """The query words naming what the question counts ("how many custom roles can"
    -> custom, roles; "max SDK payload size" -> sdk, payload, size); () when it says
    not."""
    out: list[str] = []
    for pattern in _COUNTED:
        for match in pattern.finditer(question):
            for raw in _leading(match.group(1).split(), backwards=pattern is _COUNTED[2]):
                for word in fixed_words(raw.lower(), vocabulary):
                    if word in query.core and word not in out:
                        out.append(word)
    return tuple(out)


#: A stop word that ends a compound with the word before it ("built in tasks": the
#: built-in ones) ends no counted phrase.
_COMPOUNDS = frozenset({("built", "in")})


def _leading(raws: Sequence[str], *, backwards: bool) -> Iterable[str]:
    """The words of `raws` up to the first that ends a counted phrase."""
    ordered = list(reversed(raws)) if backwards else list(raws)
    before = ""
    for raw in ordered:
        if (before, raw.lower()) in _COMPOUNDS:
            continue
        words = content_words(raw)
        if not words or words[0] in _STOPS:
            return
        before = raw.lower()
        yield words[0]


def states_count(
    text: str, heading: str, counted: Sequence[str], query: Query, *, bound: bool
) -> bool:
    """Whether `text` (under `heading`) states a count of the `counted` words: a
    number, a word that bounds it (or "unlimited"), and one of them in the sentence or
    its heading; or, unless the question asks for a `bound`, a number followed within
    COUNTED_WITHIN words by one of them, or labelled by one ("Seats: 5", a table's
    "Seats ; 5")."""
    text = PERCENTAGE.sub(" ", text)
    if SIZE_ASKED.intersection(counted) and SIZE.search(text):
        return True  # "max image size": "up to 8 MB" states it in its unit
    sequence = tokens(text)
    numbers = [
        i
        for i, t in enumerate(sequence)
        if t.isdigit() or (t in COUNT_WORDS and not _pronoun(sequence, i))
    ]
    if (UNBOUNDED.search(text) or (numbers and BOUND.search(text))) and names_any(
        set(tokens(f"{heading} {text}")), counted, query
    ):
        return True
    if bound:
        return False
    labels = {label.lower() for label in LABELLED.findall(text)}
    cells = text.split(TABLE_CELL)
    if len(cells) > 1 and any(DIGIT.search(cell) for cell in cells[1:]):
        labels.update(tokens(cells[0]))  # a table row: "Number of Variations ; Best for 2-4"
    return names_any(labels, counted, query) or any(
        names_any(set(sequence[i + 1 : i + 1 + COUNTED_WITHIN]), counted, query) for i in numbers
    )


#: "one" after these words, before these or ending the text is a pronoun or a bare
#: existence ("no one is left out", "add one from the editor", "at least one surface",
#: "one of them"), not a count.
_AFTER_TEXT = "no any some every each least the this that which"
_PRONOUN_AFTER = frozenset(_AFTER_TEXT.split())
_BEFORE_TEXT = "of from or another by at"
_PRONOUN_BEFORE = frozenset(_BEFORE_TEXT.split())


def _pronoun(sequence: Sequence[str], i: int) -> bool:
    if sequence[i] != "one":
        return False
    before = sequence[i - 1] if i else ""
    after = sequence[i + 1] if i + 1 < len(sequence) else ""
    return before in _PRONOUN_AFTER or after in _PRONOUN_BEFORE or not after
