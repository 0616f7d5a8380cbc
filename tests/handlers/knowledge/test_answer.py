"""Composing answers: citation numbering, de-duplication and cap; extractive quotes;
LLM text renumbered to sources; the grounding decision."""

from __future__ import annotations

from handlers.knowledge.answer import (
    DONT_KNOW,
    MAX_CITATIONS,
    best_quote,
    compose_extractive,
    number_citations,
    renumber,
)
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.terms import Query
from storage.kb import PassageRow


def passage(pid: int, doc: int, *, section: str = "Intro", body: str = "Text.") -> PassageRow:
    return PassageRow(
        id=pid,
        document_id=doc,
        source=f"doc{doc}.md",
        url=None if doc != 2 else "https://docs.example/doc2",
        doc_title=f"Document {doc}",
        title=f"Document {doc}",
        section=section,
        body=body,
        position=pid,
    )


def retrieval(
    passages: list[PassageRow],
    *,
    core: tuple[str, ...],
    cover: float,
    each: tuple[float, ...] = (),
) -> Retrieval:
    """`cover` is the best coverage; `each` the coverage of each passage (default: cover)."""
    items = tuple(
        Retrieved(p, 1.0 / (i + 1), i, None, each[i] if i < len(each) else cover)
        for i, p in enumerate(passages)
    )
    return Retrieval(Query(core=core, terms=core), items, cover, None)


def test_citations_are_numbered_in_order_deduplicated_and_capped() -> None:
    passages = [passage(1, 7), passage(2, 2), passage(3, 7), passage(4, 3), passage(5, 4)]
    citations, numbers = number_citations(passages)
    assert [(c.n, c.source_id) for c in citations] == [
        (1, "doc7.md"),
        (2, "doc2.md"),
        (3, "doc3.md"),
    ]
    assert len(citations) == MAX_CITATIONS
    assert numbers == {1: 1, 2: 2, 3: 1, 4: 3}  # passage 5's document did not fit
    assert citations[1].url == "https://docs.example/doc2"
    assert citations[0].section == "Intro"


def test_extractive_answer_quotes_briefly_with_numbered_sources() -> None:
    long_body = "Filler sentence here. " * 30 + "SSO supports SAML and OIDC. More words follow."
    found = retrieval(
        [passage(1, 1, body=long_body, section="SSO"), passage(2, 1), passage(3, 2)],
        core=("sso", "saml"),
        cover=0.9,
    )
    answer = compose_extractive(found)
    assert answer.grounded
    assert answer.text.startswith("*Document 1* › SSO [1]\n> SSO supports SAML and OIDC.")
    assert "[2]" in answer.text
    assert [c.n for c in answer.citations] == [1, 2]
    assert len(best_quote(long_body, ("filler",))) <= 280


def test_a_second_source_is_quoted_only_when_it_is_about_the_question() -> None:
    found = retrieval(
        [passage(1, 1, body="SSO supports SAML."), passage(2, 2, body="Plans and prices.")],
        core=("sso", "saml"),
        cover=0.9,
        each=(0.9, 0.1),
    )
    answer = compose_extractive(found)
    assert [c.source_id for c in answer.citations] == ["doc1.md"]
    assert "[2]" not in answer.text


def test_weak_retrieval_is_an_honest_i_dont_know() -> None:
    weak = retrieval([passage(1, 1)], core=("bitcoin", "invoice"), cover=0.2)
    answer = compose_extractive(weak)
    assert (answer.grounded, answer.text, answer.citations) == (False, DONT_KNOW, ())
    nothing = retrieval([], core=("bitcoin",), cover=0.0)
    assert not compose_extractive(nothing).grounded


def test_llm_numbers_map_back_to_documents_in_cited_order() -> None:
    passages = [passage(1, 5), passage(2, 6), passage(3, 5)]
    answer = renumber("Yes, via SAML [2]. Okta works [3][1]. Also [9].", passages)
    assert answer.grounded
    assert answer.text == "Yes, via SAML [1]. Okta works [2]. Also ."
    assert [(c.n, c.source_id) for c in answer.citations] == [(1, "doc6.md"), (2, "doc5.md")]
    assert not renumber("No citations at all.", passages).grounded
