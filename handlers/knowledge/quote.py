"""Sentence-level extraction: the few sentences of the best passages that state the
answer, for the extractive (no-LLM) answer.

A passage's sentences (handlers.knowledge.sentences) are scored, code and JSON/YAML
lines only when the question asks for configuration or code. Each sentence is
scored by the query words it holds, each weighing the square root of its idf (an
alternative, e.g. a glossary meaning, counts a little less; a word only its
passage's title or section states counts HEADING_SHARE), lightly discounted for
length and for the rank of its passage; a further sentence is quoted when it is
nearly as good or adds the words of another part of the question, and the best
sentence brings the ones after and before it when the character budget leaves room. A yes/no
question's answer leads with its best sentence, where sentences that say yes or no
("supports", "is not available") count more, and a sentence that says what is only
or not so ("... is only available for BigQuery and Snowflake") joins it right after
the best one and leads. Pure functions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from handlers.knowledge.additions import (
    SENTENCE_CHARS,
    cut,
    limits,
    same_point,
    uncontained,
    with_antecedents,
    with_followers,
    with_limiting,
    with_neighbours,
    with_sequels,
)
from handlers.knowledge.coverage import found
from handlers.knowledge.sentences import Sentence, sentences
from handlers.knowledge.terms import Query, Vocabulary, stem, tokens

#: Question words that ask for configuration or code (then code lines may be quoted).
_CONFIG_TEXT = """config configuration configure yaml yml json snippet code example command
    commands syntax env variable variables script install installation"""
CONFIG_WORDS = frozenset(_CONFIG_TEXT.split())
#: The words that open a yes/no question.
_YES_NO_TEXT = "is are does do can could will would should has have was were did"
YES_NO = frozenset(_YES_NO_TEXT.split())
#: A query word weighs its idf to this power in a sentence's score: the page's topic
#: (a rare name) is in most of its sentences, the answer holds the plainer words.
IDF_POWER = 0.5
#: An alternative found counts this much of the word itself.
ALTERNATIVE_WEIGHT = 0.6
#: A query word the passage's title or section states counts this much in its
#: sentences: the heading already says what the passage is about ("Proxy"); the
#: sentence that answers holds the other words ("cache: memory, redis or mongo").
HEADING_SHARE = 0.7
#: Sentences longer than this many words are discounted (they say several things).
LONG_SENTENCE = 40
#: A further sentence is quoted when the query words it adds (those the chosen ones
#: lack) weigh at least this share of the best sentence's score: one per part of a
#: two-part question ("which port, and what IP to allow").
NEW_WORDS = 0.3
#: Characters of a whole quote.
QUOTE_CHARS = 480


def asks_for_code(question: Sequence[str]) -> bool:
    return any(word in CONFIG_WORDS for word in question)


#: Question words that ask for a quantity, a version, an address or a limit.
_NUMBER_TEXT = """many much long port ports ip ips version versions minimum maximum min max
    limit limits number size timeout often frequency percent percentage level"""
NUMBER_WORDS = frozenset(_NUMBER_TEXT.split())


def asks_for_number(question: str) -> bool:
    return any(word in NUMBER_WORDS for word in tokens(question))


def asks_which(question: str) -> bool:
    return not {"which", "what", "whats"}.isdisjoint(tokens(question))


#: Words of a sentence that settles a yes/no question either way.
_SETTLING_TEXT = """yes no not can cannot never only supports support supported requires
    required available unavailable beta must doesn isn aren"""
SETTLING = frozenset(_SETTLING_TEXT.split())


def settles(sentence: Sentence) -> bool:
    return not SETTLING.isdisjoint(sentence.words)


#: Words asking for limits: answered, like yes/no, by what cannot, must or only can be.
_LIMITS_TEXT = """limitation limitations limit limits restriction restrictions restricted caveat
    caveats gotcha gotchas constraint constraints requirement requirements prerequisites"""
LIMIT_WORDS = frozenset(_LIMITS_TEXT.split())


def asks_for_limits(question: str) -> bool:
    return not LIMIT_WORDS.isdisjoint(tokens(question))


def is_yes_no(question: str) -> bool:
    first = tokens(question)[:1]
    return bool(first) and first[0] in YES_NO


def score(
    sentence: Sentence,
    query: Query,
    vocabulary: Vocabulary | None,
    heading: frozenset[str] = frozenset(),
) -> float:
    """Query words in `sentence` (each weighing its idf to IDF_POWER), discounted when
    it is long; a word its passage's `heading` (title and section stems) already
    states counts less."""
    words, present = set(sentence.words), set(sentence.present)
    if not words:
        return 0.0
    total = 0.0
    for word in query.core:
        weight = vocabulary.idf(word) ** IDF_POWER if vocabulary is not None else 1.0
        if found(word, words, present):
            total += weight
        elif any(found(alt, words, present) for alt in query.alternatives_of(word)):
            total += ALTERNATIVE_WEIGHT * weight
        elif stem(word) in heading:
            total += HEADING_SHARE * weight
    length = sentence.length
    if length > LONG_SENTENCE:
        total /= math.sqrt(length / LONG_SENTENCE)
    return total


def scored_sentences(
    units: Sequence[Sentence],
    query: Query,
    vocabulary: Vocabulary | None,
    heading: str = "",
) -> list[tuple[float, Sentence]]:
    """Every quotable sentence of a passage (`sentences(body)`) with its score, in
    document order (code lines only when the question asks for configuration or code;
    never a table's header row or a label).
    `heading`: the passage's title and section."""
    code_ok = asks_for_code(query.core)
    stems = frozenset(stem(w) for w in tokens(heading))
    return [
        (score(s, query, vocabulary, stems), s)
        for s in units
        if (code_ok or not s.is_code) and not s.is_header and not s.is_label
    ]


def covered(sentence: Sentence, query: Query) -> frozenset[str]:
    """The query's core words `sentence` states (itself or through an alternative)."""
    words, present = sentence.words, sentence.present
    return frozenset(
        word
        for word in query.core
        if found(word, words, present)
        or any(found(alt, words, present) for alt in query.alternatives_of(word))
    )


def pick(
    scored: Sequence[tuple[float, Sentence, int]],
    *,
    question: str,
    limit: int = 3,
    query: Query | None = None,
    vocabulary: Vocabulary | None = None,
    chars: int = QUOTE_CHARS,
    titles: Mapping[int, str] | None = None,
) -> list[tuple[int, list[str]]]:
    """From (score, sentence, passage index) candidates: the best sentence and up to
    `limit - 1` others at least half as good, or (given the query) that add query words
    the chosen ones lack, grouped by passage (index order), each group in document
    order; a sentence that refers back ("This ...") brings the one before it. For a
    yes/no question the best quoted sentence that settles it (or else the best one)
    leads, its group first.
    `titles`: passage index -> its page's title; a question word the title of a
    quoted page states is no part of the question left to answer (the page's summary
    does not join a quote for naming the product again). The character budget goes to
    the sentences in the order they were chosen, the best first; the sentence after
    the best comes last.
    Returns (passage index, texts) groups."""
    if not scored:
        return []
    best = max(scored, key=lambda c: (c[0], -c[2], -c[1].position))
    if best[0] <= 0:
        return []
    chosen = [best]
    stated: dict[int, frozenset[str]] = {}  # covered() of each candidate, asked once

    def covers(sentence: Sentence) -> frozenset[str]:
        if query is None:
            return frozenset()
        if id(sentence) not in stated:
            stated[id(sentence)] = covered(sentence, query)
        return stated[id(sentence)]

    title_stems = {i: frozenset(stem(w) for w in tokens(t)) for i, t in (titles or {}).items()}

    def states(candidate: tuple[float, Sentence, int]) -> frozenset[str]:
        """The question's words `candidate` states, itself or by its page's title."""
        if query is None:
            return frozenset()
        title = title_stems.get(candidate[2], frozenset())
        return covers(candidate[1]) | {w for w in query.core if stem(w) in title}

    seen = states(best)
    rest = sorted(scored, key=lambda c: -c[0])
    while len(chosen) < limit:
        # A sentence stating words of the question the chosen ones leave out comes
        # before one that is nearly as good but says nothing new.
        eligible: list[tuple[bool, tuple[float, Sentence, int]]] = []
        for candidate in rest:
            # Saying much the same is no reason to leave out a sentence that states
            # another of the question's words ("..., not the Firebase API").
            new = covers(candidate[1]) - seen
            adds = bool(new)
            if any(candidate is c or (same_point(candidate[1], c[1]) and not adds) for c in chosen):
                continue
            gains = query is not None and _gain(candidate[1], new, vocabulary) >= (
                NEW_WORDS * best[0]
            )
            if gains or candidate[0] >= best[0] / 2:
                eligible.append((gains, candidate))
        choice = next((c for gains, c in eligible if gains), eligible[0][1] if eligible else None)
        if choice is None:
            break
        chosen.append(choice)
        seen |= states(choice)
    if is_yes_no(question):
        chosen = with_limiting(chosen, rest)
    chosen = with_followers(chosen, scored, title_stems)
    if query is None or set(query.focus or query.core) - seen:
        # Words of the request no chosen sentence states: the docs may state them
        # beside it, in other words.
        chosen = with_neighbours(chosen, scored, limit=limit, chars=chars)
    chosen = with_antecedents(with_sequels(chosen, scored), scored, limit=limit + 1)
    order = sorted(uncontained(_within(chosen, chars)), key=lambda c: (c[2], c[1].position))
    if is_yes_no(question):
        # The sentence that says yes or no leads (the best one of those quoted).
        lead = max(
            (c for c in order if settles(c[1])), key=lambda c: (limits(c[1]), c[0]), default=best
        )
        order = [lead, *(c for c in order if c is not lead)]
    groups: dict[int, list[str]] = {}
    for c in order:
        groups.setdefault(c[2], []).append(cut(c[1].text, SENTENCE_CHARS))
    return list(groups.items())


def _within(
    chosen: Sequence[tuple[float, Sentence, int]], chars: int
) -> list[tuple[float, Sentence, int]]:
    """The first of `chosen` and those after it that fit in `chars` characters, in
    the order chosen: context before the sentence that answers (in the document)
    must not crowd it out."""
    kept: list[tuple[float, Sentence, int]] = []
    used = 0
    for candidate in chosen:
        size = len(cut(candidate[1].text, SENTENCE_CHARS)) + 1
        if kept and used + size > chars:
            continue
        kept.append(candidate)
        used += size
    return kept


def _gain(sentence: Sentence, new: frozenset[str], vocabulary: Vocabulary | None) -> float:
    """The score of the query words `sentence` states that no chosen sentence does
    (`new`: those words)."""
    if not new:
        return 0.0
    weights = [vocabulary.idf(w) if vocabulary is not None else 1.0 for w in new]
    total = sum(weights)
    if sentence.length > LONG_SENTENCE:
        total /= math.sqrt(sentence.length / LONG_SENTENCE)
    return total


def best_sentences(
    body: str,
    query: Query,
    vocabulary: Vocabulary | None,
    *,
    question: str = "",
    limit: int = 3,
    heading: str = "",
    units: Sequence[Sentence] | None = None,
) -> tuple[float, list[str]]:
    """The best sentence's score, and the 1-`limit` sentences of one passage to quote
    (`heading`: its title and section; `units`: `sentences(body)` when known)."""
    units = sentences(body) if units is None else units
    scored = [(value, s, 0) for value, s in scored_sentences(units, query, vocabulary, heading)]
    groups = pick(scored, question=question, limit=limit, query=query, vocabulary=vocabulary)
    best = max((value for value, _, _ in scored), default=0.0)
    return best, [text for _, texts in groups for text in texts]
