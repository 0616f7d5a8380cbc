"""The part of a question that asks, and the things it names that the documentation
never mentions (see handlers.knowledge.grounding). Pure functions.
"""

from __future__ import annotations

import re

from rapidfuzz import process
from rapidfuzz.distance import OSA

from handlers.knowledge.forms import knows
from handlers.knowledge.framing import request_part, written_as_names
from handlers.knowledge.lexicon import inflected_english, is_english, is_english_slip
from handlers.knowledge.terms import (
    MIN_FOCUS,
    QUOTED,
    Query,
    Vocabulary,
    content_words,
    fixed_words,
    tokens,
)
from handlers.knowledge.words import STOP_WORDS

#: Clause ends: a sentence end or a colon, or a comma or dash before a question word
#: ("our agency builds storefronts, can we test them?", "the DBA is paranoid — does
#: it need write access?").
CLAUSE = re.compile(
    r"(?<=[.?!;:])\s+|(?:,|\s[—–-])\s+(?=(?:can|could|does|do|did|is|are|how|what|whats"
    r"|which|where|when|why|will|would|should|has|have|any)\b)",
    re.IGNORECASE,
)
#: An asking clause that ends on a pronoun ("can growthbook query it?", "is there a
#: guide like the Clarity one?") asks about what the statement before it names.
REFERS_BACK = re.compile(r"\b(?:it|them|those|these|one)\W*$", re.IGNORECASE)
#: ...when that statement names a topic in this many words or fewer (not a story).
TOPIC_WORDS = 4
#: Words that open a question.
_ASKING_TEXT = """can could does do did is are was were how what whats which where when why
    will would should has have any"""
ASKING = frozenset(_ASKING_TEXT.split())
#: Words this short are never taken for a named thing ("w/o" -> "wo").
NAMED_MIN_LEN = 3
#: Words up to this long are checked for a slip against the index's short words.
SHORT_TYPO_LEN = 4


#: An asking clause of this many content words or fewer that opens with no question
#: word ("native integration?", "supported on cloud?"), or with "any" and no verb
#: ("any native integration?"), asks about the statement before.
FRAGMENT_WORDS = 3


def _fragment(clause: str) -> bool:
    words = tokens(clause)
    opens = bool(words) and (words[0] not in ASKING or words[0] == "any")
    return opens and len(content_words(clause)) <= FRAGMENT_WORDS


def _asks(clause: str) -> bool:
    words = tokens(clause)
    return clause.rstrip().endswith("?") or bool(words[:1] and words[0] in ASKING)


def asked_part(question: str) -> str:
    """The clauses of the request that ask (end in "?" or open with a question word),
    without the statements around them ("Our partner runs Fastly. How does ...?"),
    but with the statements before them when they name too little to be asked alone
    (fewer than MIN_FOCUS words: "the chart has a dotted section, what does that
    mean?"), and with the short topic before one that ends on a pronoun ("SAP HANA
    warehouse, can growthbook query it?"); the whole request when none asks."""
    clauses = [c for c in CLAUSE.split(request_part(question)) if c and c.strip()]
    asking = [i for i, c in enumerate(clauses) if _asks(c)]
    if not asking:
        return " ".join(clauses)
    if len(content_words(" ".join(clauses[i] for i in asking))) < MIN_FOCUS:
        return " ".join(c for i, c in enumerate(clauses) if i <= asking[-1])
    first = asking[0]
    if (
        first
        and first - 1 not in asking
        and REFERS_BACK.search(clauses[first])
        and len(content_words(clauses[first - 1])) <= TOPIC_WORDS
    ):
        asking.insert(0, first - 1)  # "SAP HANA warehouse, can growthbook query it?"
    elif (
        first
        and first - 1 not in asking
        and tokens(clauses[first])[:1] == ["which"]
        and not COMPARING.isdisjoint(tokens(clauses[first - 1]))
    ):
        asking.insert(0, first - 1)  # "Klaviyo vs Mailchimp - which is better ...?"
    asking = sorted(
        {i - 1 for i in asking if i and _fragment(clauses[i])} | set(asking)
    )  # "... a pagerduty incident opened when a guardrail fails. native integration?"
    return " ".join(clauses[i] for i in asking)


#: Words that ask to compare two things (each is a part of the question).
_COMPARING_TEXT = "vs versus difference differences differ compare comparison"
COMPARING = frozenset(_COMPARING_TEXT.split())
#: "... and which tables": a second question inside one clause.
SECOND_ASK = re.compile(
    r"\b(?:and|or|also|plus)\s+(?:how|what|whats|which|where|when|why|can|could|does|do|is|are"
    r"|will|should)\b",
    re.IGNORECASE,
)


def asking_clauses(question: str) -> list[str]:
    """The request's clauses that ask: end in "?" or open with a question word."""
    clauses = [c for c in CLAUSE.split(request_part(question)) if c and c.strip()]
    return [
        c for c in clauses if c.rstrip().endswith("?") or (tokens(c)[:1] and tokens(c)[0] in ASKING)
    ]


def every_part_asks(question: str, pattern: re.Pattern[str]) -> bool:
    """Whether every asking clause of the question matches `pattern` ("is it a paid
    feature? which tier?"), none of them joining a second question or comparing."""
    clauses = asking_clauses(question)
    joined = " ".join(clauses)
    return (
        bool(clauses)
        and all(map(pattern.search, clauses))
        and not SECOND_ASK.search(joined)
        and COMPARING.isdisjoint(tokens(joined))
    )


def asked_parts(question: str) -> int:
    """How many things the question asks: its asking clauses, the second questions
    joined inside one ("what database is it on, and which tables ..."), two for a
    comparison ("X vs Y")."""
    asking = asking_clauses(question)
    clauses = asking or [c for c in CLAUSE.split(request_part(question)) if c and c.strip()]
    parts = max(1, len(asking)) + len(SECOND_ASK.findall(" ".join(clauses)))
    if not COMPARING.isdisjoint(tokens(question)):
        parts = max(parts, 2)
    return parts


def unknown(word: str, query: Query, vocabulary: Vocabulary) -> bool:
    """A word the documentation never uses, nor any of its alternatives."""
    return (
        not word.isdigit()
        and not knows(word, vocabulary)
        and not any(knows(alt, vocabulary) for alt in query.alternatives_of(word))
    )


def asked_words(question: str, query: Query, vocabulary: Vocabulary | None) -> tuple[str, ...]:
    """The core words of the asking clauses (`asked_part`), typo-repaired."""
    names = written_as_names(question)
    words = {
        w
        for raw in content_words(asked_part(question))
        for w in fixed_words(raw, vocabulary, names)
    }
    return tuple(w for w in query.core if w in words)


def named_things(question: str, query: Query, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The words of the asking clauses that name something the documentation never
    mentions: unknown (after typo repair and alternatives), not a slip for a stop word
    ("wich"), not a bare fragment ("w/o"), not a common English word in lower case nor
    a slip of one ("mandatory", "automaticaly": the asker's wording), not a value the
    asker quotes ("called 'uat'")."""
    out: list[str] = []
    capitalised = written_as_names(question)
    quoted = {w for text in QUOTED.findall(question) for w in tokens(text)}
    for raw in content_words(asked_part(question)):
        for word in fixed_words(raw, vocabulary, capitalised):
            if (
                len(word) >= NAMED_MIN_LEN
                and word in query.core
                and unknown(word, query, vocabulary)
                and (word in capitalised or not _near_stop_word(word))
                and (word in capitalised or not _short_typo(word, vocabulary))
                and (word in capitalised or not (is_english(word) or is_english_slip(word)))
                and (word in capitalised or not inflected_english(word))
                and word not in quoted
                and word not in out
            ):
                out.append(word)
    return tuple(out)


def _near_stop_word(word: str) -> bool:
    return any(len(stop) >= 4 and OSA.distance(word, stop) <= 1 for stop in STOP_WORDS)


def _short_typo(word: str, vocabulary: Vocabulary) -> bool:
    """A word of 3-4 letters one edit from an indexed word ("flgs", "evnt"): too short
    for typo repair, too likely a slip to be a name."""
    return len(word) <= SHORT_TYPO_LEN and bool(
        process.extractOne(word, vocabulary.short_words, scorer=OSA.distance, score_cutoff=1)
    )


def spelt_right(question: str, query: Query) -> str:
    """`question` with the words typo repair mended written as mended ("minimum mongodb
    verison" -> "... version"): what the question asks with, as its words mean."""
    for word, fixed in query.repaired:
        question = re.sub(rf"\b{re.escape(word)}\b", fixed, question, flags=re.IGNORECASE)
    return question
