"""A figure the question asks for, stated about what it asks it of (issue 13). Pure
functions; the kinds of figure and how each is asked and written are in
handlers.knowledge.figures.

A question about a documented area often asks for a figure the documentation does
not give; the page about that area covers its words, and the extractive answer quotes
its nearest sentences. So the quotes must state a figure of each kind asked about the
question's *subject*: the words of the part of the question that asks for the figure
other than the slot words ("audit log" in "how long is the audit log kept"), stated by
the sentence or by its passage's heading. When the quotes lack one, the best sentence
of the first page that states it about the subject (at least FIGURE_SCORE of the best
sentence's score, SUBJECT_SHARE of the subject's idf weight) joins them ("which SCIM
version": "GrowthBook follows the SCIM 2.0 protocol" on the page quoted for the
identity providers); when the page has none, "I don't know".

Round 8 (all tune rounds: tune, dev, dev2, dev3a/3b, dev4, dev5a/5b, blind3-5; 614
answerable, 126 unanswerable; dev6 for aggregates only): versions, counts, shares and
places asked for and the subject rule decline "what's the audit log retention period"
(a retention-metrics page states "7 days" of users, not of the audit log); the added
sentence answers "which SCIM version" (was declined by the version rule alone).
Answerable declined 16 -> 16, unanswerable declined 112 -> 113 of 126, fact coverage
0.702 -> 0.703. FIGURE_SCORE 0.1-0.3 and SUBJECT_SHARE 0.5-0.7 give the same figures;
0.5 for the score left the SCIM question declined.

Round 14 (tune halves with dev17): a version is asked of the versioned thing alone
("which rust version and async runtime": Rust 1.70.0 need not name the runtime);
answerable declined 47 -> 46 / 64 -> 64, unanswerable declined unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.knowledge.additions import SENTENCE_CHARS, cut
from handlers.knowledge.asking import asked_part, asked_words
from handlers.knowledge.counts import ASKS_BOUND, counted_words, states_count
from handlers.knowledge.coverage import found
from handlers.knowledge.figures import ASKS, KEEPS, SOON, STATES, Figure, plainly_states
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.sentences import Sentence
from handlers.knowledge.terms import Query, Vocabulary, stem, tokens
from handlers.knowledge.versions import states_version, versioned_words

#: The words a figure is asked with ("how long", "minimum version", "rate limit"):
#: what is asked of the subject, not the subject. Generic English.
_SLOT_TEXT = """how long often soon frequently retention period time policy many much
    price prices pricing cost costs which what whats min minimum required requires
    require supported oldest lowest earliest latest newest version versions runtime
    runtimes max maximum limit limits number up uptime sla slas availability guarantee
    percent percentage region regions country countries data center centers centre
    centres residency hosted ms millisecond milliseconds sec secs second seconds mins
    minute minutes hr hrs hour hours day days week weeks month months year years plan
    plans tier tiers edition editions subscription subscriptions license licence
    licenses paid port ports default"""
SLOT_WORDS = frozenset(_SLOT_TEXT.split())
#: Where one asked thing ends inside a clause: a comma, "and what ...", a "+".
_PART = re.compile(
    r",|\s\+\s|\b(?:and|or|also|plus)\s+(?=(?:how|what|whats|which|where|when|why|can|could"
    r"|does|do|is|are|will|should)\b)",
    re.IGNORECASE,
)


def subject_words(question: str, words: Sequence[str]) -> tuple[str, ...]:
    """Of the asking clauses' content `words`, those naming what a figure is asked
    about ("audit log" in "how long is the audit log kept"): the words of the part of
    the clause that asks for the figure, without the slot words; all of `words`
    without them when no part is told."""
    parts = [part for part in _PART.split(asked_part(question)) if part.strip()]
    asking = [part for part in parts if any(pattern.search(part) for pattern in ASKS)]
    named = {w for part in asking for w in tokens(part)}
    own = [w for w in words if w in named] or list(words)
    return tuple(w for w in own if w not in SLOT_WORDS and not w.isdigit())


#: The numbers of a list written in a sentence: "(1) ..., (2) ...", "3. Run ...".
ENUMERATION = re.compile(r"\(\d{1,2}\)|^\s*\d{1,2}[.)]\s")


#: A code example quoted inline (a config sample, a call): its values are the
#: example's, not facts the page states ("region: us-east-1" in a sample config).
CODE_EXAMPLE = re.compile(r"`[^`]{40,}`")


def figure_stated(
    kind: Figure,
    text: str,
    heading: str,
    subject: Sequence[str],
    query: Query,
    vocabulary: Vocabulary | None = None,
    share: float = 0.0,
    counting: tuple[Sequence[str], bool] | None = None,
    versioned: Sequence[str] = (),
) -> bool:
    """Whether `text` states a figure of `kind` about the subject: the sentence or its
    passage's heading (title and section) states one of the subject's words, or (with
    `share`) that idf-weighted share of them (none asked: any figure of the kind);
    a count, of the words `counting` names as counted, a bound of them when it says
    one is asked (handlers.knowledge.counts). A list's numbering ("(1) too many goal
    metrics", "3. Run ...") and a code example's values state no figure."""
    text = CODE_EXAMPLE.sub(" ", ENUMERATION.sub(" ", text))
    if not STATES[kind].search(text):
        return False
    if kind is Figure.RETENTION and not KEEPS.search(f"{heading} {text}"):
        return False  # a time that says how soon, not how long it is kept
    if kind is Figure.RETENTION and not STATES[kind].search(SOON.sub(" ", text)):
        return False  # "stored within seconds": how soon it is kept, not for how long
    if not subject:
        return True
    if kind is Figure.VERSION and versioned and not states_version(text, heading, versioned, query):
        return False  # a version of something else (handlers.knowledge.versions)
    if kind is Figure.COUNT and counting is not None and counting[0]:
        counted, bound = counting
        if not states_count(text, heading, counted, query, bound=bound):
            return False
    words = set(tokens(f"{heading} {text}"))
    present = words | {stem(w) for w in words}
    weights = {w: vocabulary.idf(w) if vocabulary is not None else 1.0 for w in subject}
    held = sum(
        weights[w]
        for w in subject
        if any(found(alt, words, present) for alt in (w, *query.alternatives_of(w)))
    )
    return held > 0 and held >= share * sum(weights.values())


#: A sentence of the first page that states a figure the quotes lack joins them when
#: it scores at least this share of the best sentence's score.
FIGURE_SCORE = 0.3
#: ...and states this idf-weighted share of the question's subject (with its heading).
SUBJECT_SHARE = 0.6
Block = tuple[Retrieved, list[str]]


def with_figures(
    retrieval: Retrieval,
    kinds: Sequence[Figure],
    blocks: Sequence[Block],
    page: Sequence[tuple[float, Sentence, Retrieved]],
    *,
    best: float,
) -> list[Block] | None:
    """The quoted blocks, each figure asked for stated about the question's subject
    (handlers.knowledge.figures): one the quotes lack is added from the best sentence
    of the first page's candidates (`page`) that states it; None when none does."""
    query, vocabulary = retrieval.query, retrieval.vocabulary
    asked = asked_words(retrieval.question, query, retrieval.vocabulary) or query.focus
    subject = subject_words(retrieval.question, asked)
    part = asked_part(retrieval.question)
    counting = (counted_words(part, query, vocabulary), bool(ASKS_BOUND.search(part)))
    versioned = versioned_words(part, query, vocabulary)
    # A version is asked of what the question says is versioned ("which rust version
    # and async runtime": of Rust), not of the rest of its subject.
    named = [w for w in versioned if w not in SLOT_WORDS]  # not "runtime versions"
    out = [(item, list(quote)) for item, quote in blocks]
    for kind in kinds:
        of = named if kind is Figure.VERSION and named else subject
        if any(
            figure_stated(
                kind, text, _heading(item), of, query, counting=counting, versioned=versioned
            )
            for item, quote in out
            for text in quote
        ):
            continue
        stating = [
            (value, sentence, item)
            for value, sentence, item in page
            if value >= FIGURE_SCORE * best
            and figure_stated(
                kind,
                sentence.text,
                _heading(item),
                of,
                query,
                vocabulary,
                SUBJECT_SHARE,
                counting,
                versioned,
            )
        ]
        if not stating:
            return None
        _, sentence, item = max(stating, key=lambda c: (plainly_states(kind, c[1].text), c[0]))
        text = cut(sentence.text, SENTENCE_CHARS)
        block = next((b for b in out if b[0].passage.id == item.passage.id), None)
        if block is None:
            out.append((item, [text]))
        elif text not in block[1]:
            block[1].append(text)
    return out


def _heading(item: Retrieved) -> str:
    return f"{item.passage.doc_title} {item.passage.section}"
