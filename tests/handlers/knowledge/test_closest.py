""" "I couldn't find that" names the pages closest to the question (at most three, each
holding a third of its words, only pages the asker may see); a question on something
the pages never mention gets none (handlers.knowledge.closest)."""

from __future__ import annotations

from bot.core.untrusted import strip_marks
from handlers.deps import Deps
from handlers.knowledge.answer import DONT_KNOW
from handlers.knowledge.ask import CLOSEST, NO_SOURCES, NOT_STATED
from handlers.knowledge.closest import CLOSEST_COVERAGE, CLOSEST_PAGES, closest_pages
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.terms import Query
from storage.kb import PassageRow
from tests.handlers.kb_world import GOLD_REP, SILVER_CHANNEL, SILVER_REP, ask, build_world


def passage(pid: int, doc: int) -> PassageRow:
    return PassageRow(
        id=pid,
        document_id=doc,
        source=f"doc{doc}.md",
        url=f"https://docs.example/doc{doc}",
        doc_title=f"Document {doc}",
        title=f"Document {doc}",
        section="Intro",
        body="Text.",
        position=pid,
    )


def retrieval(pages: list[tuple[int, float]]) -> Retrieval:
    items = tuple(
        Retrieved(passage(i, doc), 1.0 / (i + 1), i, None, coverage)
        for i, (doc, coverage) in enumerate(pages)
    )
    return Retrieval(Query(core=("x",), terms=("x",)), items, 0.5, None)


def test_the_closest_pages_are_distinct_pages_in_rank_order_above_the_floor() -> None:
    low = CLOSEST_COVERAGE / 2
    found = closest_pages(retrieval([(3, low), (7, 0.45), (7, 0.45), (2, 0.4), (5, 0.9)]))
    assert [page.source_id for page in found] == ["doc7.md", "doc2.md", "doc5.md"]  # not doc3
    assert [page.n for page in found] == [1, 2, 3] and len(found) == CLOSEST_PAGES
    four = closest_pages(retrieval([(7, 0.45), (2, 0.4), (5, 0.9), (8, 0.5)]))
    assert [page.source_id for page in four] == ["doc7.md", "doc2.md", "doc5.md"]  # not doc8
    assert found[0].url == "https://docs.example/doc7" and found[0].title == "Document 7"
    assert closest_pages(retrieval([(3, low), (4, low)])) == ()


async def test_a_declined_question_names_the_page_to_look_at(deps: Deps) -> None:
    await build_world(deps)
    [reply] = await ask(deps, GOLD_REP, "how long is the penetration test summary valid?")
    assert reply.text == DONT_KNOW and reply.citations == ()
    assert reply.warning == NOT_STATED
    assert [strip_marks(line) for line in reply.context] == [CLOSEST + "Security and Compliance"]


async def test_nothing_is_named_for_a_question_the_pages_never_touch(deps: Deps) -> None:
    await build_world(deps)
    [reply] = await ask(deps, GOLD_REP, "can we pay the invoice in bitcoin?")
    assert reply.text == DONT_KNOW
    assert reply.warning == NO_SOURCES and reply.context == ()


async def test_a_restricted_page_is_never_named_to_other_tiers(deps: Deps) -> None:
    await build_world(deps)
    question = "what discount do partners get on list price in japan?"
    [gold] = await ask(deps, GOLD_REP, question)
    [silver] = await ask(deps, SILVER_REP, question, SILVER_CHANNEL)
    assert gold.text == silver.text == DONT_KNOW
    assert "Partner Pricing and Margins" in strip_marks(" ".join(gold.context))
    assert "Partner Pricing" not in strip_marks(" ".join(silver.context))
