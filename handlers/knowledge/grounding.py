"""Whether the retrieved passages plausibly answer the question ("I don't know" when
not), from one signal that does not depend on the product the documents describe.

`coverage`: the idf-weighted share of the request's words (`Query.focus`: the
question without the chat framing around a relayed request, "our fintech client
wants to ...") that the best of the top passages holds, together with its page title
and the page's other top passages (a page may answer in several places). A rare word
counts more than a common one, and a word the documentation never uses at all (after
typo repair, synonyms, the glossary and the acronyms the docs define) counts as much
as a word can and is found nowhere: a question about something the docs do not cover
usually names it in a word of its own ("bitcoin", "FedRAMP", "Terraform").

A question is answered when more than half of its request is covered by the passage
it would be answered from (the top-ranked one, with its page's other top passages),
or more than 0.4 when the top passages agree (4 of the top 5 are on that page). Not
the best coverage among the top 5: a lower-ranked page that happens to hold the words
("can the CLI manage AWS IAM roles" -> an Athena IAM page) answered 2 unanswerable
questions of 35 on tune/dev/blind3/blind4 and declined no answerable one more. The
agreement clause lets a request with a chatty word the page lacks ("our biggest
account is moving from LaunchDarkly, how painful is the import") through: answerable
declined 6 -> 3 of 167 on those rounds, unanswerable answered 3 -> 2 of 35; on the
blind round 5 written afterwards (bench/kb_eval_blind5_questions.json) 2 -> 1 of 10
declined, unanswerable declined 2/6 both ways. One round constant each, not fitted.
Earlier measurements (round 1): without the framing rule, 8 of 15 framed partner
messages were refused; with a separate "share of unknown words" factor instead of
full weight, 2 of 12 unanswerable tune questions got through.

`named` (issue 13): a word of the question's asking clause (`asked_part`: the clauses
ending in "?" or opening with a question word, not the partner's story around them)
that the documentation never uses and that is no typo of one of its words declines
the question whatever the rest covers: "can code references scan bitbucket repos"
covers 0.65 of its request with Bitbucket on no page. On the dev2 round written for
this (bench/kb_eval_dev2_questions.json, before any tuning): unanswerable declined
11 -> 15 of 16, answerable declined 0 -> 2 of 67 ("canary release", "adobe aep": words
the pages do not use for something they do document); no change on tune, dev,
blind3-5. The asking clause alone may also cover a relayed request ("so one of our
larger accounts is deep into mparticle, does growthbook read mparticle directly"):
blind5 declined 1 -> 0 of 10.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from handlers.knowledge.terms import content_words, fixed_words, request_part, tokens
from handlers.knowledge.words import STOP_WORDS

if TYPE_CHECKING:
    from handlers.knowledge.search import Retrieval
    from handlers.knowledge.terms import Query, Vocabulary

#: More than this share of the question must be covered (see the module docstring).
MIN_COVERAGE = 0.5
#: ...or more than this share, when the top passages agree on one page.
AGREED_COVERAGE = 0.4
#: Of the TOP passages, this many on the best one's page is agreement.
AGREEMENT = 4
TOP = 5


#: Clause ends: a sentence end, or a comma before a question word ("our agency
#: builds storefronts, can we test them?").
CLAUSE = re.compile(
    r"(?<=[.?!;])\s+|,\s+(?=(?:can|could|does|do|did|is|are|how|what|whats|which|where|when"
    r"|why|will|would|should|has|have|any)\b)",
    re.IGNORECASE,
)
#: Words that open a question.
_ASKING_TEXT = """can could does do did is are was were how what whats which where when why
    will would should has have any"""
ASKING = frozenset(_ASKING_TEXT.split())
#: Words this short are never taken for a named thing ("w/o" -> "wo").
NAMED_MIN_LEN = 3


@dataclass(frozen=True)
class Signals:
    """What the decision looked at: `coverage` decides with `named` (the words of the
    question's asking clauses that the documentation never uses, a typo of none of its
    words: the thing asked about is not documented); `foreign` (the share of the
    request's words the documentation never uses) explains it."""

    coverage: float
    foreign: float
    words: int
    named: tuple[str, ...] = ()


def asked_part(question: str) -> str:
    """The clauses of the request that ask (end in "?" or open with a question word),
    without the statements around them ("Our partner runs Fastly. How does ...?");
    the whole request when none does."""
    clauses = [c for c in CLAUSE.split(request_part(question)) if c and c.strip()]
    asking = [
        c for c in clauses if c.rstrip().endswith("?") or (tokens(c)[:1] and tokens(c)[0] in ASKING)
    ]
    return " ".join(asking) if asking else " ".join(clauses)


def unknown(word: str, query: Query, vocabulary: Vocabulary) -> bool:
    """A word the documentation never uses, nor any of its alternatives."""
    return (
        not word.isdigit()
        and not vocabulary.knows(word)
        and not any(vocabulary.knows(alt) for alt in query.alternatives_of(word))
    )


def asked_words(question: str, query: Query, vocabulary: Vocabulary | None) -> tuple[str, ...]:
    """The core words of the asking clauses (`asked_part`), typo-repaired."""
    words = {w for raw in content_words(asked_part(question)) for w in fixed_words(raw, vocabulary)}
    return tuple(w for w in query.core if w in words)


def named_things(question: str, query: Query, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The words of the asking clauses that name something the documentation never
    mentions: unknown (after typo repair and alternatives), not a slip for a stop word
    ("wich"), not a bare fragment ("w/o")."""
    out: list[str] = []
    for raw in content_words(asked_part(question)):
        for word in fixed_words(raw, vocabulary):
            if (
                len(word) >= NAMED_MIN_LEN
                and word in query.core
                and unknown(word, query, vocabulary)
                and not _near_stop_word(word)
                and word not in out
            ):
                out.append(word)
    return tuple(out)


def _near_stop_word(word: str) -> bool:
    return any(len(stop) >= 4 and OSA.distance(word, stop) <= 1 for stop in STOP_WORDS)


def signals(retrieval: Retrieval) -> Signals:
    """The grounding signals of one retrieval."""
    query = retrieval.query
    vocabulary = retrieval.vocabulary
    if not query.core or vocabulary is None:
        return Signals(_first_coverage(retrieval), 0.0, len(query.core))
    words = query.focus or query.core
    foreign = [word for word in words if unknown(word, query, vocabulary)]
    named = named_things(retrieval.question, query, vocabulary)
    return Signals(_first_coverage(retrieval), len(foreign) / len(words), len(words), named)


def _first_coverage(retrieval: Retrieval) -> float:
    return retrieval.passages[0].coverage if retrieval.passages else 0.0


def is_grounded(retrieval: Retrieval) -> bool:
    """Whether the best passages plausibly answer the question."""
    if not retrieval.passages or not retrieval.query.core:
        return False
    if signals(retrieval).named:
        return False
    first = retrieval.passages[0]
    if first.coverage > MIN_COVERAGE:
        return True
    page = first.passage.document_id
    agree = sum(item.passage.document_id == page for item in retrieval.passages[:TOP])
    return agree >= AGREEMENT and first.coverage > AGREED_COVERAGE
