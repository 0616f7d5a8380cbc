"""The two sides of a comparison ("constants vs configs", "the difference between
Event Forwarder and Managed Warehouse", "how do A and B differ") and, for the
extractive answer, a sentence for the side the quote leaves out: an answer to "A vs
B" that only speaks of A does not answer. Generic English, no product words. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.knowledge.asking import COMPARING
from handlers.knowledge.coverage import found
from handlers.knowledge.framing import request_part
from handlers.knowledge.quote import scored_sentences
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.sentences import Sentence
from handlers.knowledge.terms import Query, content_words, fixed_words, tokens

#: What joins the two sides, the surest first: "A vs B", "between A and B", "A
#: compared to B", then "how do A and B differ", "A or B".
JOINS = (
    re.compile(r"\s(?:[vV]s\.?|[vV]ersus)\s"),  # "VS Code" is a name
    re.compile(r"(?<=between)\s.+?\s(and)\s", re.IGNORECASE),
    re.compile(r"\s(?:compared (?:to|with)|and|or)\s", re.IGNORECASE),
)
#: Words of each side kept next to the join (a side is a name, not a sentence).
SIDE_WORDS = 2
#: Clause punctuation that ends a side.
STOP = re.compile(r"[,;:?!.()—–]")
#: A table row as handlers.knowledge.sentences writes it ("a ; b ; c").
TABLE_ROW = re.compile(r"\s;\s")
#: A sentence is about what it names within its first this many words ("Configs
#: are ...", "The Event Forwarder sends ..."), not one that names it later in passing
#: ("A block of JSON config reused by several flags": 6 -> 3, round 13, fact coverage
#: explore 0.7048 -> 0.7066, confirm 0.6527 -> 0.6533, refusals unchanged).
SUBJECT_WORDS = 3
#: A lower-ranked passage's sentence counts this much less per rank.
RANK_DISCOUNT = 0.95
#: Words of the comparing itself, never a side.
FRAMING = COMPARING | {"between", "actual", "main", "real", "key"}


def sides(question: str, query: Query) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The query's core words naming each side of a comparison, or None when the
    question compares nothing (or its sides cannot be told apart)."""
    text = request_part(question)
    if COMPARING.isdisjoint(tokens(question)):
        return None
    for join in JOINS:
        for match in join.finditer(text):
            start, end = match.span(match.lastindex or 0)
            left = STOP.split(text[:start])[-1]
            right = STOP.split(text[end:])[0]
            a, b = _side(left, query), _side(right, query)
            only_a = tuple(w for w in a[-SIDE_WORDS:] if w not in b)
            only_b = tuple(w for w in b[:SIDE_WORDS] if w not in a)
            if only_a and only_b:
                return only_a, only_b
    return None


def _side(text: str, query: Query) -> tuple[str, ...]:
    words = [w for raw in content_words(text) for w in fixed_words(raw, None)]
    return tuple(w for w in words if w in query.core and w not in FRAMING)


def about(text: str, side: Sequence[str], query: Query) -> bool:
    """Whether `text` is about the side: names it (a word of it or an alternative)
    within its first SUBJECT_WORDS words, where a sentence states what it is about."""
    unit = Sentence.of(" ".join(tokens(text)[:SUBJECT_WORDS]), 0, is_code=False)
    return any(
        found(w, unit.words, unit.present)
        or any(found(alt, unit.words, unit.present) for alt in query.alternatives_of(w))
        for w in side
    )


def states_side(texts: Sequence[str], side: Sequence[str], query: Query) -> bool:
    """Whether one of the quoted texts is about the side."""
    return any(about(text, side, query) for text in texts)


def side_sentence(
    retrieval: Retrieval, items: Sequence[Retrieved], side: Sequence[str]
) -> tuple[Retrieved, str] | None:
    """The best sentence of `items` that names `side` (scored for the question's
    words, a lower-ranked passage's a little less), with its passage."""
    query = retrieval.query
    best: tuple[float, Retrieved, str] | None = None
    for rank, item in enumerate(items):
        for value, sentence in scored_sentences(
            retrieval.sentences_of(item.passage),
            query,
            retrieval.vocabulary,
            f"{item.passage.doc_title} {item.passage.section}",
        ):
            if TABLE_ROW.search(sentence.text) or not about(sentence.text, side, query):
                continue  # a table row names both sides without saying either
            value *= RANK_DISCOUNT**rank
            if best is None or value > best[0]:
                best = (value, item, sentence.text)
    return None if best is None else (best[1], best[2])
