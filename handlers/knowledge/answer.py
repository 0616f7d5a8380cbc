"""Compose a knowledge answer from retrieved passages: extractive here, or written by
an LLM (handlers.knowledge.written).

The result is the neutral `Answer(text, citations, grounded)`. Citations are numbered
in the order the answer cites them and de-duplicated by source document. "I don't
know" is `grounded=False`, never an exception. Everything here is pure.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core import Citation
from handlers.knowledge.additions import SENTENCE_CHARS, cut
from handlers.knowledge.asking import asked_parts, spelt_right
from handlers.knowledge.candidates import QUOTE_POOL, quote_candidates
from handlers.knowledge.choices import alternatives, names_one
from handlers.knowledge.figure_quotes import with_figures
from handlers.knowledge.figures import asked_figures
from handlers.knowledge.grounding import MIN_COVERAGE, is_grounded, lower_pages
from handlers.knowledge.quote import best_sentences, pick
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.second_quote import page_quote
from handlers.knowledge.semantic import deciding
from handlers.knowledge.sentences import Sentence
from handlers.knowledge.sides import side_sentence, sides, states_side
from handlers.knowledge.terms import Query
from storage.kb import PassageRow

logger = logging.getLogger(__name__)

#: At most this many sources are cited (and shown) per answer.
MAX_CITATIONS = 3
#: Passages of the best page (within this many of the top) whose sentences compete too.
PAGE_POOL = 10
#: A second source is quoted when its passage covers this much of the question and its
#: best sentence scores at least this share of the first quote's.
SECOND_COVERAGE = 0.5
SECOND_SCORE = 0.6
#: Sentences (chosen for their words; the ones beside the best come too when they fit)
#: and characters of the first page's quote for a question that asks one thing: the
#: budget is in characters, so short sentences that state the rest of the answer fit
#: where one long one would not, and the quote stays a short chat message.
QUOTE_SENTENCES = 4
FIRST_QUOTE_CHARS = 560
#: A question that asks several things ("which port, and what IP to allow?", "X vs
#: Y") is answered in up to this many sentences and characters, one or more per part,
#: and the sentence after the best one when it fits (it often states the rest).
SEVERAL_SENTENCES = 4
SEVERAL_CHARS = 600
DONT_KNOW = "I couldn't find that in the documentation."


@dataclass(frozen=True)
class Answer:
    """What the knowledge base says: text with [n] markers, its sources, grounded or not."""

    text: str
    citations: tuple[Citation, ...]
    grounded: bool
    #: When not grounded: the pages closest to the question (handlers.knowledge.closest).
    related: tuple[Citation, ...] = ()
    #: Quoted from a next-ranked page because the best-matching one does not cover the
    #: question (handlers.knowledge.grounding.lower_pages): shown with a warning to
    #: check it. On issue 13's tune halves 21 of the 54 answerable questions answered
    #: so cited a page that answers them; 14 more answers were to questions the
    #: documentation cannot answer.
    hedged: bool = False


def number_citations(
    passages: Sequence[PassageRow], *, limit: int = MAX_CITATIONS
) -> tuple[list[Citation], dict[int, int]]:
    """Number passages' documents in order, one number per document, at most `limit`.

    Returns:
        The citations, and passage id -> citation number (for passages whose document
        got a number).
    """
    by_doc: dict[int, int] = {}
    citations: list[Citation] = []
    numbers: dict[int, int] = {}
    for passage in passages:
        n = by_doc.get(passage.document_id)
        if n is None:
            if len(citations) >= limit:
                continue
            n = len(citations) + 1
            by_doc[passage.document_id] = n
            citations.append(
                Citation(
                    n=n,
                    source_id=passage.source,
                    title=passage.doc_title,
                    url=passage.url,
                    section=passage.section or None,
                )
            )
        numbers[passage.id] = n
    return citations, numbers


def best_quote(body: str, words: Sequence[str], *, question: str = "") -> str:
    """The sentences of `body` that state most of `words` (1-3 of them, briefly)."""
    query = Query(core=tuple(words), terms=tuple(words))
    _, quote = best_sentences(body, query, None, question=question)
    return " ".join(quote)


def compose_extractive(retrieval: Retrieval, *, max_quotes: int = 2) -> Answer:
    """Quote the sentences that state the answer (up to QUOTE_SENTENCES and
    FIRST_QUOTE_CHARS on the first page), each passage quoted with its [n] and where
    it comes from: sentences of the best page's top passages and of the
    other top passages compete; then one other page, when it is about the question
    too and its best sentence is not quoted already, adds its own quote, chosen the
    same way (handlers.knowledge.second_quote; its best sentence alone decides). A
    question asking for a figure (a duration, a price, a version, a count, a share)
    gets the first page's sentence stating it about the question's subject when the
    quotes lack one, and "I don't know" when the page has none
    (handlers.knowledge.figures). When the first page does not answer, a next-ranked
    one that passes the same checks may (handlers.knowledge.grounding.lower_pages),
    and the answer says so (`hedged`).
    With embeddings, the full-text ranking alone decides whether the documentation
    answers, the fused one what is quoted (handlers.knowledge.semantic)."""
    answer = _grounded(deciding(retrieval), max_quotes)
    if answer is not None and retrieval.full_text is not None:
        answer = _grounded(retrieval, max_quotes) or answer
    return answer or Answer(DONT_KNOW, (), grounded=False)


def _grounded(retrieval: Retrieval, max_quotes: int) -> Answer | None:
    """The answer from the first page when it answers, else from the first next-ranked
    page that does (`hedged`), else None."""
    if is_grounded(retrieval):
        return _compose(retrieval, max_quotes)
    answers = (_compose(option, max_quotes) for option in lower_pages(retrieval))
    answer = next(filter(None, answers), None)
    return dataclasses.replace(answer, hedged=True) if answer is not None else None


def _compose(retrieval: Retrieval, max_quotes: int) -> Answer | None:
    top = retrieval.passages[:PAGE_POOL]
    page = top[0].passage.document_id
    # Other pages' passages compete only when they cover the question themselves.
    pool = [
        (rank, item) for rank, item in enumerate(top)
        if (rank < QUOTE_POOL and item.coverage > MIN_COVERAGE) or item.passage.document_id == page
    ]  # fmt: skip
    candidates = quote_candidates(retrieval, [item for _, item in pool], [r for r, _ in pool])
    if not candidates:
        return None
    leader = max(candidates, key=lambda c: c[0])
    best = leader[0]
    first_doc = pool[leader[2]][1].passage.document_id
    same_page = [c for c in candidates if pool[c[2]][1].passage.document_id == first_doc]
    several = asked_parts(retrieval.question) > 1
    groups = pick(
        same_page,
        question=retrieval.question,
        query=retrieval.query,
        vocabulary=retrieval.vocabulary,
        limit=SEVERAL_SENTENCES if several else QUOTE_SENTENCES,
        chars=SEVERAL_CHARS if several else FIRST_QUOTE_CHARS,
        titles={i: item.passage.doc_title for i, (_, item) in enumerate(pool)},
    )
    if not groups:
        return None
    blocks = [(pool[i][1], texts) for i, texts in groups]
    # What is shown: `blocks`, with the other page's fuller quote in place of its one
    # best sentence (handlers.knowledge.second_quote); `blocks` decide.
    shown = list(blocks)
    for item in retrieval.passages[:PAGE_POOL]:
        if len({b[0].passage.document_id for b in blocks}) >= max_quotes:
            break
        if item.passage.document_id in {b[0].passage.document_id for b in blocks}:
            continue
        value, quote = best_sentences(
            item.passage.body,
            retrieval.query,
            retrieval.vocabulary,
            question="",
            limit=1,
            heading=f"{item.passage.doc_title} {item.passage.section}",
            units=retrieval.sentences_of(item.passage),
        )
        if quote and item.coverage >= SECOND_COVERAGE and value >= SECOND_SCORE * best:
            said = {_flat(text) for _, texts in blocks for text in texts}
            if all(_flat(text) in said for text in quote):
                continue  # pages sharing a paragraph: the next page may add something
            richer = [
                (passage, kept)
                for passage, texts in page_quote(retrieval, top, item.passage.document_id)
                if (kept := [text for text in texts if _flat(text) not in said])
            ]
            blocks.append((item, quote))
            shown.extend(richer or [(item, quote)])
    first_page = [(value, sentence, pool[i][1]) for value, sentence, i in same_page]
    decided = _checked(retrieval, blocks, first_page, best)
    if decided is None:
        return None
    if shown != blocks:
        decided = _checked(retrieval, shown, first_page, best) or decided
    citations, numbers = number_citations([item.passage for item, _ in decided])
    lines = []
    for item, quote in decided:
        p = item.passage
        where = f"*{p.doc_title}*" + (f" › {p.section}" if p.section else "")
        lines.append(f"{where} [{numbers[p.id]}]\n> " + " ".join(quote))
    return Answer("\n\n".join(lines), tuple(citations), grounded=True)


def _flat(text: str) -> str:
    """`text` with its whitespace runs made single spaces, to compare quotes."""
    return " ".join(text.split())


def _checked(
    retrieval: Retrieval,
    blocks: list[tuple[Retrieved, list[str]]],
    first_page: list[tuple[float, Sentence, Retrieved]],
    best: float,
) -> list[tuple[Retrieved, list[str]]] | None:
    """`blocks` with the sides of a comparison and the figure asked for, or None when
    the answer must not be given: a figure the first page does not state, or a choice
    the quotes name neither side of."""
    blocks = with_sides(retrieval, blocks)
    if retrieval.query.repaired:
        # What the question asks with, as mended: "minimum mongodb verison" asks for a
        # version, "conservitive or exact" offers a choice.
        retrieval = dataclasses.replace(
            retrieval, question=spelt_right(retrieval.question, retrieval.query)
        )
    kinds = asked_figures(retrieval.question)
    if kinds:
        figured = with_figures(retrieval, kinds, blocks, first_page, best=best)
        if figured is None:
            # Asked for a figure its page does not state (handlers.knowledge.figures).
            return None
        blocks = figured
    choices = alternatives(retrieval.question)
    if choices and not names_one(
        choices,
        [f"{item.passage.doc_title} {item.passage.section}" for item, _ in blocks]
        + [sentence for _, quote in blocks for sentence in quote],
    ):
        return None  # a choice its quotes name neither side of (handlers.knowledge.choices)
    return blocks


def with_sides(
    retrieval: Retrieval, blocks: list[tuple[Retrieved, list[str]]]
) -> list[tuple[Retrieved, list[str]]]:
    """`blocks`, plus for a comparison ("A vs B") a sentence naming each side the
    quote does not (handlers.knowledge.sides), from the top passages: beside its
    passage's quote, or as a quote of its own while fewer than MAX_CITATIONS pages
    are cited."""
    split = sides(retrieval.question, retrieval.query)
    if split is None:
        return blocks
    out = [(item, list(quote)) for item, quote in blocks]
    for side in split:
        if states_side([t for _, quote in out for t in quote], side, retrieval.query):
            continue
        found = side_sentence(retrieval, retrieval.passages[:PAGE_POOL], side)
        if found is None:
            continue
        item, text = found
        text = cut(text, SENTENCE_CHARS)
        same = next((quote for other, quote in out if other.passage.id == item.passage.id), None)
        if same is not None:
            same.append(text)
        elif len({other.passage.document_id for other, _ in out} | {item.passage.document_id}) <= (
            MAX_CITATIONS
        ):
            out.append((item, [text]))
    return out
