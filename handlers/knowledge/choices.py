"""A question that offers a choice ("X or Y?") and how a quote names one (issue 13).
Generic English, nothing about any vendor. Pure functions.

"Does the Jira app work with Jira Data Center, or only Jira Cloud?" is about the Jira
page (it covers the words) and asks which of two things; the extractive answer
quotes the page's nearest sentences ("only supports cloud-hosted accounts"), which
name neither. A quote answers the choice only when it names one of the alternatives
as asked: all its words in one quoted sentence or one quote's heading ("cloud-hosted
accounts" under "Jira Integration" names no "Jira Cloud"). The alternatives are the
words after "or" to the clause's end (at most ALTERNATIVE_WORDS, no stop word: "edit
or delete entries in it" offers verbs, not things) and as many before it.

Explore half (dev4, dev5a, dev2, dev3a, blind3, blind4, tune): unanswerable declined
85 -> 86 of 87, answerable declined 8 -> 8 of 434; dev7 even unanswerable 16 -> 17 of
19 (near misses 11 -> 12 of 14), answerable 4 -> 4 of 95; confirm half (dev, dev3b,
dev5b, blind5) and dev7 odd unchanged (36/39 and 5/180; 14/19 and 3/94); fact coverage
unchanged everywhere. Requiring the words in a row declined one more answerable
question of dev5b (4 -> 5 of 65); alternatives running past a stop word ("edit or
delete entries in it") one of dev3a (3 -> 4 of 65).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.knowledge.asking import asked_part
from handlers.knowledge.terms import tokens
from handlers.knowledge.words import STOP_WORDS, stem

#: "X or Y", "X, or only Y": the text before and after "or" inside one clause (not
#: "and/or", "or not", "or so", "or something"). X starts where its clause does: a
#: search from every word of a long clause with no "or" (a pasted log) took seconds.
CHOICE = re.compile(
    r"(?<![^,;:.?!()—–])([^,;:.?!()—–]+?),?\s+\bor\b\s+"
    r"(?:only\s+|just\s+|the\s+|a\s+|an\s+)*([^,;:.?!()—–]+)",
    re.IGNORECASE,
)
#: What an alternative names at most: the words after "or" to the clause's end.
ALTERNATIVE_WORDS = 3
#: Words after "or" that offer no alternative of their own: "or something similar",
#: a difference or its degree ("same setup or totally different?": a yes/no), and
#: whether what happens is meant ("a 402 - bug or expected?").
_VAGUE_TEXT = """not so something similar other others anything else more less different
    differently separate separately totally completely entirely quite expected normal
    intended fine ok okay bug bugs broken wrong"""
VAGUE = frozenset(_VAGUE_TEXT.split())


def alternatives(question: str) -> tuple[tuple[str, ...], ...]:
    """The alternatives a choice question offers, as stems in order ("jira data
    center", "jira cloud"); none when its asking clauses offer no choice."""
    match = CHOICE.search(asked_part(question))
    if match is None or match.group(1).lower().endswith("and/"):
        return ()
    after = tokens(match.group(2))
    if len(after) > ALTERNATIVE_WORDS:
        return ()  # "edit or delete entries in it": a choice of verbs, not of things
    if not after or after[0] in VAGUE or any(w in STOP_WORDS for w in after):
        return ()
    before = tokens(match.group(1))[-len(after) :]
    if not before or any(w in STOP_WORDS for w in before):
        before = [w for w in before if w not in STOP_WORDS][-1:]
    if not before:
        return ()
    return tuple(stem(w) for w in before), tuple(stem(w) for w in after)


def names_one(choices: Sequence[Sequence[str]], texts: Sequence[str]) -> bool:
    """Whether one of `texts` names one of the `choices`: all its stems."""
    return any(
        set(choice) <= {stem(w) for w in tokens(text)} for text in texts for choice in choices
    )
