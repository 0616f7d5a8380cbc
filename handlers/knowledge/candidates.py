"""The sentences of the retrieved passages that compete for the extractive answer's
quote, each scored for the question: the query words it states, weighted by their
idf's square root (handlers.knowledge.quote.score), lifted when it is the kind of
sentence the question asks for (a number for "how many", a yes or no for a yes/no
question, a command for a configuration question, a list of names for "which
languages") and lowered when it is a kind that rarely states a fact (the page's
summary, a pointer elsewhere, a numbered step, a sentence late in its passage). Pure
functions.

Round 12 (explore: dev7-10 even, dev2, dev4, dev5a, blind3, blind4; confirm: dev7-10
odd, dev, dev3b, dev5b, blind5; embeddings off): the square root of idf, not idf
(the page's rare topic name no longer outweighs the plainer words that state the
answer), and the list of names for a which-things question. Fact coverage, pooled
over questions with facts: explore 0.7284 -> 0.7378 (672), confirm 0.6746 -> 0.6859
(545); answerable declined 26/672 and 32/560, unanswerable declined 169/181 and
136/155, unchanged; mean answer chars 701 -> 718 and 714 -> 728. Apart, on explore:
the root alone 0.7339, the lists alone 0.7321; idf^1.5 0.7011, idf^0.3 0.7336.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.knowledge.quote import (
    asks_for_code,
    asks_for_limits,
    asks_for_number,
    asks_which,
    is_yes_no,
    scored_sentences,
    settles,
)
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.sentences import Sentence, has_name, has_number

#: Passages whose sentences compete for the extractive answer's first quote, and how
#: much a lower-ranked passage's sentence is discounted per rank.
QUOTE_POOL = 3
RANK_DISCOUNT = 0.92
#: A page's opening sentence (its summary, usually the front matter's description)
#: restates the page's topic rather than a fact: it is discounted this much.
SUMMARY_DISCOUNT = 0.7
#: A question asking for a quantity ("how many", "which port", "minimum version")
#: is answered by a sentence with a number in it: such sentences count this much more.
NUMBER_BOOST = 1.4
#: A question asking "which" or "what" is answered by a sentence naming something
#: (a number, a version, a capitalised name mid-sentence): such sentences count more.
WHICH_BOOST = 1.15
#: A yes/no question is settled by a sentence that says yes or no ("... is not
#: available", "supports ...", "requires ..."): such sentences count this much more.
SETTLING_BOOST = 1.25
#: A question asking for a command or configuration is answered by the line that
#: gives it: code lines (and sentences carrying a snippet) count this much more.
CODE_BOOST = 1.3
#: A sentence that sends the reader elsewhere ("See the Visual Editor guide", "You
#: can read more about ... at ...") repeats the question's words without answering.
POINTER = re.compile(
    r"\b(?:see|read more|learn more|more (?:details|information|info)|refer to|check out)\b",
    re.IGNORECASE,
)
POINTER_DISCOUNT = 0.8
#: A numbered step ("3. Click Save") says what to do next rather than what is so.
STEP = re.compile(r"^\d+\.\s")
STEP_DISCOUNT = 0.87
#: A passage states its point first: each later place (up to LATE_PLACES) costs this
#: share of a sentence's score.
LATE_DISCOUNT = 0.01
LATE_PLACES = 10
#: A question asking which things, in the plural ("which languages", "what cache
#: backends does it support"), is answered by a sentence listing them ("Python, Go,
#: .NET, and Java", "Okta and Azure AD"): such sentences count this much more.
ASKS_MANY = re.compile(
    r"\b(?:which|what)\s+(?:[a-z-]+\s+){0,2}?"
    r"(?!(?:is|does|was|has|this|its|yes|us)\b)[a-z]{3,}s\b",  # a plural, not a verb
    re.IGNORECASE,
)
#: A name: capitalised (".NET" too) or a version, of one or two words ("Azure AD").
_NAME = r"(?:[A-Z.][\w.+#/@-]*|\d[\w.]*)(?:\s[A-Z][\w.+#/-]*)?"
#: Names joined by commas and a final "and"/"or" ("Python, Go, .NET, and Java"),
#: not opening a sentence after another (a capitalised first word is no name).
LISTING = re.compile(
    rf"(?<![.!?]\s)\b{_NAME}(?:,\s(?!and\b|or\b){_NAME})*,?\s(?:and|or|&)\s{_NAME}"
)
LIST_BOOST = 1.3
#: Only a sentence this long or shorter is searched for a listing: a long run of
#: dotted numbers ("1.2.3.4...", a minified line) makes LISTING's search quadratic
#: (8,000 characters: 3 s), and a list of names is a sentence, not a blob.
LIST_MAX_CHARS = 400


def quote_candidates(
    retrieval: Retrieval, items: Sequence[Retrieved], ranks: Sequence[int]
) -> list[tuple[float, Sentence, int]]:
    """(score, sentence, index into `items`) for every quotable sentence of `items`
    (the passages at retrieval `ranks`)."""
    question = retrieval.question
    numeric, which = asks_for_number(question), asks_which(question)
    yes_no = is_yes_no(question) or asks_for_limits(question)
    code_asked = asks_for_code(retrieval.query.core)
    many = bool(ASKS_MANY.search(question))
    candidates: list[tuple[float, Sentence, int]] = []
    for index, (rank, item) in enumerate(zip(ranks, items, strict=True)):
        discount = RANK_DISCOUNT ** min(rank, QUOTE_POOL)
        opening = not item.passage.section
        for value, sentence in scored_sentences(
            retrieval.sentences_of(item.passage),
            retrieval.query,
            retrieval.vocabulary,
            f"{item.passage.doc_title} {item.passage.section}",
        ):
            if opening and sentence.position == 0:
                value *= SUMMARY_DISCOUNT
            if numeric and has_number(sentence):
                value *= NUMBER_BOOST
            elif which and (has_number(sentence) or has_name(sentence)):
                value *= WHICH_BOOST
            if yes_no and settles(sentence):
                value *= SETTLING_BOOST
            if many and len(sentence.text) <= LIST_MAX_CHARS and LISTING.search(sentence.text):
                value *= LIST_BOOST
            if code_asked and (sentence.is_code or "`" in sentence.text):
                value *= CODE_BOOST
            candidates.append((value * discount * kind_factor(sentence), sentence, index))
    return candidates


def kind_factor(sentence: Sentence) -> float:
    """How much a sentence of this kind counts: pointers elsewhere, numbered steps and
    sentences late in their passage rarely state the fact asked for."""
    factor = 1 - LATE_DISCOUNT * min(sentence.position, LATE_PLACES)
    if POINTER.search(sentence.text):
        factor *= POINTER_DISCOUNT
    if STEP.match(sentence.text):
        factor *= STEP_DISCOUNT
    return factor
