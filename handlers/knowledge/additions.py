"""The sentences a quote brings along with the ones chosen for their words
(handlers.knowledge.quote): the one after the best sentence, the one
before a sentence that refers back ("This ..."), and the neighbours that state the
rest of a fact the docs split over two sentences ("GrowthBook does not query Keen IO
directly." / "Keen IO can stream events to Amazon S3."). Pure functions over
(score, sentence, passage index) candidates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.knowledge.sentences import Sentence

#: (score, sentence, passage index): a candidate for the quote.
Candidate = tuple[float, Sentence, int]

#: A sentence whose own content words are this much in an already quoted one is left out.
SAME_POINT = 0.6
#: Words that refer back to the sentence before ("This ...", "It ...", "... with that
#: name"): that sentence is quoted with it, since it holds what "that" is.
BACK_REFERENCE = re.compile(
    r"^(?:this|that|these|those|it|they|then|there)\b"
    r"|\b(?:with|for|of|in|to|on|by|from|use) (?:that|this|these|those|it|them)\b",
    re.IGNORECASE,
)
#: Characters of one quoted sentence.
SENTENCE_CHARS = 320


def with_followers(chosen: list[Candidate], scored: Sequence[Candidate]) -> list[Candidate]:
    """`chosen`, plus the sentence after the best one (the first), last in order of
    importance (it is quoted when the character budget leaves room): a fact is often
    stated over two sentences ("The import tool is in a private beta." / "Please
    contact support@... to use it."), and the second rarely repeats the question's
    words."""
    best = chosen[0]
    after = next(
        (c for c in scored if c[2] == best[2] and c[1].position == best[1].position + 1), None
    )
    if after is None or any(after is c or same_point(after[1], c[1]) for c in chosen):
        return chosen
    return [*chosen, after]


def with_neighbours(
    chosen: list[Candidate], scored: Sequence[Candidate], *, limit: int, chars: int
) -> list[Candidate]:
    """`chosen`, plus the sentences right after and then right before each chosen
    one, while the quote has fewer than `limit` sentences and `chars` characters: the
    rest of a fact is usually beside the sentence that holds the question's words,
    and rarely repeats them ("Event Category cannot contain any spaces.")."""
    by_place = {(c[2], c[1].position): c for c in scored}
    out = list(chosen)
    used = sum(len(cut(c[1].text, SENTENCE_CHARS)) + 1 for c in out)
    for anchor in chosen:
        for step in (1, -1):
            if len(out) >= limit:
                return out
            near = by_place.get((anchor[2], anchor[1].position + step))
            if near is None or any(near is c or same_point(near[1], c[1]) for c in out):
                continue
            size = len(cut(near[1].text, SENTENCE_CHARS)) + 1
            if used + size <= chars:
                out.append(near)
                used += size
    return out


def with_antecedents(
    chosen: list[Candidate], scored: Sequence[Candidate], *, limit: int
) -> list[Candidate]:
    """`chosen`, with the sentence before each one that refers back to it placed
    right after it (the list's order is the order of importance)."""
    by_place = {(c[2], c[1].position): c for c in scored}
    out = list(chosen)
    for c in chosen:
        if len(out) >= limit or not BACK_REFERENCE.search(c[1].text):
            continue
        before = by_place.get((c[2], c[1].position - 1))
        if (
            before is not None
            and before[1].text.endswith((".", "!", "?"))
            and all(before is not o for o in out)
        ):
            out.insert(next(i for i, o in enumerate(out) if o is c) + 1, before)
    return out


def same_point(a: Sentence, b: Sentence) -> bool:
    """Whether `a` says much the same as `b` (a page's summary and its body often
    do): most of `a`'s content words are in `b`. Not the other way round: a sentence
    that repeats a shorter one's words and goes on to state more ("For it to take
    effect, you must enable pre-computed dimensions in your organization settings")
    says something the shorter one does not."""
    left, right = a.content_stems, b.content_stems
    return bool(left) and len(left & right) / len(left) >= SAME_POINT


def cut(text: str, limit: int) -> str:
    """`text`, cut at a word to at most `limit` characters (with an ellipsis)."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
