"""Compose a knowledge answer from retrieved passages: extractive, or written by an LLM.

The result is the neutral `Answer(text, citations, grounded)`. Citations are numbered
in the order the answer cites them and de-duplicated by source document. "I don't
know" is `grounded=False`, never an exception. Deciding (`is_grounded`,
`compose_extractive`, `number_citations`) is pure; only `compose_llm` does I/O.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import prompts
from bot.core import Citation
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.terms import stem, tokens
from storage.kb import PassageRow

logger = logging.getLogger(__name__)

#: At most this many sources are cited (and shown) per answer.
MAX_CITATIONS = 3
#: Passages the LLM sees.
LLM_PASSAGES = 6
#: Characters quoted from one passage in an extractive answer.
QUOTE_CHARS = 280
#: What the LLM must answer when the passages do not support an answer.
REFUSAL = "I don't know."
DONT_KNOW = "I couldn't find that in the documentation."

#: Grounding thresholds: the share of the question's (idf-weighted) words found in the
#: best passages, and, with embeddings, the best cosine similarity.
MIN_COVERAGE = 0.5
MIN_COVERAGE_WITH_DENSE = 0.34
MIN_DENSE = 0.42
#: `[3]` or `[1][2]` / `[1, 2]` citation markers in LLM text.
CITE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
#: The same marker twice in a row (two passages of one document): `[2][2]`.
REPEATED_CITE = re.compile(r"(\[\d+\])(?:\1)+")
#: Sentence ends.
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(])")


@dataclass(frozen=True)
class Answer:
    """What the knowledge base says: text with [n] markers, its sources, grounded or not."""

    text: str
    citations: tuple[Citation, ...]
    grounded: bool


def is_grounded(retrieval: Retrieval) -> bool:
    """Whether the best passages plausibly answer the question."""
    if not retrieval.passages or not retrieval.query.core:
        return False
    if retrieval.best_dense is not None:
        if retrieval.best_dense >= MIN_DENSE and retrieval.coverage >= MIN_COVERAGE_WITH_DENSE:
            return True
        return retrieval.coverage >= 0.85 and retrieval.best_dense >= MIN_DENSE - 0.1
    return retrieval.coverage >= MIN_COVERAGE


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


def best_quote(body: str, query: Sequence[str], *, limit: int = QUOTE_CHARS) -> str:
    """The sentences of `body` that share most words with the query, briefly."""
    flat = " ".join(line.strip(" -*>#|") for line in body.splitlines() if line.strip())
    sentences = [s.strip() for s in SENTENCE.split(flat) if s.strip()]
    if not sentences:
        return ""
    wanted = {stem(w) for w in query}

    def score(sentence: str) -> int:
        return len(wanted & {stem(t) for t in tokens(sentence)})

    start = max(range(len(sentences)), key=lambda i: (score(sentences[i]), -i))
    quote = sentences[start]
    for extra in sentences[start + 1 :]:
        if len(quote) + len(extra) + 1 > limit:
            break
        quote = f"{quote} {extra}"
    if len(quote) > limit:
        quote = quote[: limit - 1].rsplit(" ", 1)[0] + "…"
    return quote


def compose_extractive(retrieval: Retrieval, *, max_quotes: int = 2) -> Answer:
    """Quote the best passages briefly, each with its [n] and where it comes from."""
    if not is_grounded(retrieval):
        return Answer(DONT_KNOW, (), grounded=False)
    chosen: list[Retrieved] = []
    docs: set[int] = set()
    for item in retrieval.passages:
        if item.passage.document_id in docs:
            continue
        if chosen and item.coverage < MIN_COVERAGE:
            continue  # a second source is quoted only when it is about the question too
        chosen.append(item)
        docs.add(item.passage.document_id)
        if len(chosen) >= max_quotes:
            break
    citations, numbers = number_citations([item.passage for item in chosen])
    lines = []
    for item in chosen:
        p = item.passage
        where = f"*{p.doc_title}*" + (f" › {p.section}" if p.section else "")
        quote = best_quote(p.body, retrieval.query.core)
        lines.append(f"{where} [{numbers[p.id]}]\n> {quote}")
    return Answer("\n\n".join(lines), tuple(citations), grounded=True)


def passages_block(passages: Sequence[PassageRow]) -> str:
    """The numbered passages as the prompt shows them."""
    blocks = []
    for i, p in enumerate(passages, start=1):
        heading = p.doc_title + (f" › {p.section}" if p.section else "")
        blocks.append(f"[{i}] {heading}\n{p.body.strip()}")
    return "\n\n".join(blocks)


def cited_numbers(text: str) -> list[int]:
    """The passage numbers an LLM answer cites, in order of first citation."""
    order: list[int] = []
    for group in CITE.findall(text):
        for number in group.split(","):
            n = int(number)
            if n not in order:
                order.append(n)
    return order


def renumber(text: str, passages: Sequence[PassageRow]) -> Answer:
    """Map the LLM's passage numbers to citation numbers (by document, in cited order)."""
    cited = [n for n in cited_numbers(text) if 1 <= n <= len(passages)]
    citations, numbers = number_citations([passages[n - 1] for n in cited], limit=len(cited))

    def swap(match: re.Match[str]) -> str:
        new: list[int] = []
        for number in match.group(1).split(","):
            n = int(number)
            if 1 <= n <= len(passages):
                mapped = numbers[passages[n - 1].id]
                if mapped not in new:
                    new.append(mapped)
        return "".join(f"[{n}]" for n in new)

    text = REPEATED_CITE.sub(r"\1", CITE.sub(swap, text))
    return Answer(text.strip(), tuple(citations), grounded=bool(citations))


async def compose_llm(
    llm: Any, retrieval: Retrieval, question: str, *, model: str, product: str
) -> Answer:
    """Let the LLM write the answer from the retrieved passages only.

    A refusal (or an answer citing nothing) comes back as `grounded=False`.
    """
    passages = [item.passage for item in retrieval.passages[:LLM_PASSAGES]]
    if not passages:
        return Answer(DONT_KNOW, (), grounded=False)
    prompt = prompts.render(
        "answer_question",
        product=product,
        question=question.strip(),
        passages=passages_block(passages),
        refusal=REFUSAL,
        max_sentences=4,
    )
    response = await llm.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": prompt}],
        temperature=0,
    )
    text = (response.choices[0].message.content or "").strip()
    if not text or text.rstrip(".").lower() == REFUSAL.rstrip(".").lower():
        return Answer(DONT_KNOW, (), grounded=False)
    answer = renumber(text, passages)
    if not answer.grounded:
        return Answer(DONT_KNOW, (), grounded=False)
    return answer
