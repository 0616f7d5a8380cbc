"""An answer written by the LLM from the retrieved passages only, its [n] markers
mapped back to the sources (numbered as handlers.knowledge.answer numbers them)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import prompts
from handlers.knowledge.answer import DONT_KNOW, Answer, number_citations
from handlers.knowledge.search import Retrieval
from storage.kb import PassageRow

#: Passages the LLM sees.
LLM_PASSAGES = 6
#: What the LLM must answer when the passages do not support an answer.
REFUSAL = "I don't know."
#: `[3]` or `[1][2]` / `[1, 2]` citation markers in LLM text.
CITE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
#: The same marker twice in a row (two passages of one document): `[2][2]`.
REPEATED_CITE = re.compile(r"(\[\d+\])(?:\1)+")


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
