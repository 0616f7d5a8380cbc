"""With embeddings, the full-text ranking alone decides whether the documentation
answers, the fused ranking what is quoted (handlers.knowledge.semantic); without
embeddings nothing changes."""

from __future__ import annotations

import dataclasses

from handlers.knowledge.answer import DONT_KNOW, compose_extractive
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.terms import Query
from storage.kb import PassageRow

CORE = ("rollout", "percentage")
BODY = "A percentage rollout serves the new value to a share of users. Raise it daily."
OTHER = "Each percentage rollout step is kept in the rollout history of the flag."
UNRELATED = "Webhooks retry three times with a growing delay."


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


def with_full_text(fused: Retrieval, full_text: Retrieval) -> Retrieval:
    return dataclasses.replace(fused, full_text=full_text)


def test_full_text_answers_where_the_fused_ranking_would_decline() -> None:
    """A paraphrase: the fused ranking leads with a page the dense ranking alone
    brought up, covering too little; the full-text ranking leads with page 1."""
    fused = ranked([passage(9, 9, UNRELATED), passage(1, 1, BODY)], (0.2, 0.6))
    full_text = ranked([passage(1, 1, BODY), passage(2, 2, UNRELATED)], (0.6, 0.1))
    answer = compose_extractive(with_full_text(fused, full_text))
    assert answer.grounded
    assert [c.source_id for c in answer.citations] == ["doc1.md"]
    assert "percentage rollout" in answer.text
    assert not compose_extractive(fused).grounded  # the fused ranking alone declines


def test_the_fused_ranking_never_answers_what_full_text_declines() -> None:
    fused = ranked([passage(1, 1, BODY), passage(9, 9, UNRELATED)], (0.6, 0.1))
    full_text = ranked([passage(9, 9, UNRELATED), passage(1, 1, BODY)], (0.2, 0.6))
    assert compose_extractive(fused).grounded  # would answer on its own
    answer = compose_extractive(with_full_text(fused, full_text))
    assert not answer.grounded and answer.text == DONT_KNOW


def test_when_both_answer_the_fused_ranking_is_quoted() -> None:
    fused = ranked([passage(3, 3, OTHER), passage(1, 1, BODY)], (0.6, 0.6))
    full_text = ranked([passage(1, 1, BODY), passage(3, 3, OTHER)], (0.6, 0.6))
    answer = compose_extractive(with_full_text(fused, full_text))
    assert answer.grounded
    assert answer.citations[0].source_id == "doc3.md"
    assert compose_extractive(full_text).citations[0].source_id == "doc1.md"
