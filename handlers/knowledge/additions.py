"""The sentences a quote brings along with the ones chosen for their words
(handlers.knowledge.quote): the ones after and before the best sentence, the one
before a sentence that refers back ("This ..."), the one after a chosen sentence
that goes on about it ("This metadata includes ..."), and the neighbours that state the
rest of a fact the docs split over two sentences ("GrowthBook does not query Keen IO
directly." / "Keen IO can stream events to Amazon S3."). Pure functions over
(score, sentence, passage index) candidates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

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
#: A sentence opening with these words goes on about the one before it ("This
#: checklist overrides ...", "It serves as a drop-in replacement ..."): quoted with it.
REFERS_BACK = re.compile(r"^(?:this|these|those|it|its|they|their|such)\b", re.IGNORECASE)
#: A sentence that settles a yes/no question by saying what is not so or only so
#: ("... is only available for BigQuery and Snowflake", "... is no longer supported",
#: "... cannot ..."): "you can ..." says what is possible, rarely whether the case
#: asked is. Generic English.
LIMITING = re.compile(
    r"\b(?:only|not|no longer|never)\s+(?:\w+\s+)?(?:available|supported|supports?|works?"
    r"|possible|allowed|compatible|offered|included)\b"
    r"|\b(?:cannot|can't|isn't|aren't|doesn't|don't|won't|unavailable|unsupported|deprecated)\b",
    re.IGNORECASE,
)
#: A sentence of the page that settles a yes/no question so joins a quote that lacks
#: one when it scores at least this share of the best sentence's score.
LIMITING_SHARE = 0.5


def limits(sentence: Sentence) -> bool:
    """Whether `sentence` says what is only or not so (LIMITING)."""
    return bool(LIMITING.search(sentence.text.replace("\u2019", "'")))


#: Characters of one quoted sentence.
SENTENCE_CHARS = 320


def with_followers(
    chosen: list[Candidate],
    scored: Sequence[Candidate],
    topics: Mapping[int, frozenset[str]] | None = None,
) -> list[Candidate]:
    """`chosen`, plus the sentence after the best one (the first) and, when it speaks
    of its page's topic (shares a stem with `topics`, passage index -> the stems of
    its page's title), the one before it: last in order of importance (quoted when
    the character budget leaves room). A fact is often stated over two sentences
    ("The import tool is in a private beta." / "Please contact support@... to use
    it."; "The time series reflects experiment refreshes." / "If updates occur
    irregularly, the spacing between points will vary."), one without the question's
    words. The one before: fact coverage explore 0.7161 -> 0.7184, confirm 0.6575 ->
    0.6594, refusals unchanged (any sentence before: 0.7203, 0.6629, filler too)."""
    best = chosen[0]
    out = list(chosen)
    topic = (topics or {}).get(best[2], frozenset())
    for step in (1, -1):
        near = next(
            (c for c in scored if c[2] == best[2] and c[1].position == best[1].position + step),
            None,
        )
        if near is None or any(near is c or same_point(near[1], c[1]) for c in out):
            continue
        if step == 1 or not topic.isdisjoint(near[1].content_stems):
            out.append(near)
    return out


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


def with_sequels(chosen: list[Candidate], scored: Sequence[Candidate]) -> list[Candidate]:
    """`chosen`, with the sentence after each one that goes on about it ("This
    metadata includes the experiment name, ...") placed right after it (the list's
    order is the order of importance): the chosen sentence names the subject, the
    next one often states the fact about it without repeating the question's words."""
    by_place = {(c[2], c[1].position): c for c in scored}
    out = list(chosen)
    for c in chosen:
        after = by_place.get((c[2], c[1].position + 1))
        if after is None or not REFERS_BACK.match(after[1].text) or any(after is o for o in out):
            continue
        # Only a sentence at least as important may say the same already: a later
        # choice that repeats it ("Because we infer the splits ...") gives way.
        place = next(i for i, o in enumerate(out) if o is c) + 1
        if not any(same_point(after[1], o[1]) for o in out[:place]):
            out.insert(place, after)
    return out


def with_limiting(chosen: list[Candidate], rest: Sequence[Candidate]) -> list[Candidate]:
    """For a yes/no question: `chosen`, with the best sentence of `rest` (all
    candidates, best first) that says what is only or not so right after the best one
    (`chosen[0]`), when it is chosen already or scores LIMITING_SHARE of the best;
    the character budget then keeps it."""
    best = chosen[0]
    if limits(best[1]):
        return chosen
    limiting = next(
        (
            c
            for c in rest
            if limits(c[1]) and (c[0] >= LIMITING_SHARE * best[0] or any(c is o for o in chosen))
        ),
        None,
    )
    if limiting is None:
        return chosen
    return [best, limiting, *(c for c in chosen[1:] if c is not limiting)]


def uncontained(chosen: Sequence[Candidate]) -> list[Candidate]:
    """`chosen` without the sentences another chosen one quotes whole (a list item the
    sentence introducing its list carries)."""
    return [
        c
        for c in chosen
        if not any(o is not c and c[1].text in o[1].text and o[2] == c[2] for o in chosen)
    ]


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
