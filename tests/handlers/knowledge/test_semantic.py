"""With embeddings, the full-text ranking may answer where the fused one declines, from
a page the dense ranking puts among its best (handlers.knowledge.semantic); without
embeddings nothing changes."""

from __future__ import annotations

import dataclasses

from handlers.knowledge.answer import DONT_KNOW, compose_extractive
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.semantic import DENSE_PAGES, dense_agrees
from handlers.knowledge.terms import Query
from storage.kb import PassageRow

CORE = ("rollout", "percentage")
BODY = "A percentage rollout serves the new value to a share of users. Raise it daily."


def passage(pid: int, doc: int, body: str) -> PassageRow:
    return PassageRow(
        id=pid,
        document_id=doc,
        source=f"doc{doc}.md",
        url=None,
        doc_title=f"Document {doc}",
        title=f"Document {doc}",
        section="Rollouts",
        body=body,
        position=pid,
    )


def ranked(passages: list[PassageRow], coverage: tuple[float, ...]) -> Retrieval:
    items = tuple(Retrieved(p, 1.0 / (i + 1), i, None, coverage[i]) for i, p in enumerate(passages))
    query = Query(core=CORE, terms=CORE)
    return Retrieval(query, items, max(coverage), None, question="how do gradual releases work")


def fused_and_full_text(dense_pages: tuple[int, ...]) -> Retrieval:
    """A paraphrase: the fused ranking leads with a page the dense ranking alone brought
    up, covering too little; the full-text ranking leads with page 1, which states it."""
    unrelated = "Webhooks retry three times with a growing delay."
    fused = ranked([passage(9, 9, unrelated), passage(1, 1, BODY)], (0.2, 0.6))
    full_text = ranked([passage(1, 1, BODY), passage(2, 2, unrelated)], (0.6, 0.1))
    return dataclasses.replace(fused, full_text=full_text, dense_pages=dense_pages)


def test_the_full_text_answer_stands_when_the_dense_ranking_agrees_on_its_page() -> None:
    answer = compose_extractive(fused_and_full_text(dense_pages=(9, 1)))
    assert answer.grounded
    assert [c.source_id for c in answer.citations] == ["doc1.md"]
    assert "percentage rollout" in answer.text


def test_a_page_the_dense_ranking_puts_far_down_does_not_answer() -> None:
    far = (*range(100, 100 + DENSE_PAGES), 1)  # page 1 comes after DENSE_PAGES others
    answer = compose_extractive(fused_and_full_text(dense_pages=far))
    assert not answer.grounded and answer.text == DONT_KNOW


def test_without_embeddings_only_the_ranking_itself_decides() -> None:
    lexical_only = dataclasses.replace(fused_and_full_text(()), full_text=None)
    assert not compose_extractive(lexical_only).grounded
    assert compose_extractive(fused_and_full_text(())).text == DONT_KNOW  # no dense pages


def test_dense_agreement_is_judged_on_the_page_the_top_passages_agree_on() -> None:
    others = [passage(10 + i, 3, BODY) for i in range(4)]
    agreed = ranked([passage(1, 1, BODY), *others], (0.6, 0.6, 0.6, 0.6, 0.6))
    assert dense_agrees((3,), agreed) and not dense_agrees((1,), agreed)
