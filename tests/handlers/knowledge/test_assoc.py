"""Words the vendor's documents pair together: a partner's paraphrase of a documented
answer is answered, while a question about something the docs never mention is still
declined."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.deps import Deps
from handlers.knowledge import about, coverage, grounding
from handlers.knowledge.answer import DONT_KNOW, compose_extractive
from handlers.knowledge.ingest import ingest
from handlers.knowledge.search import retrieve
from storage.kb_search import Access

BILLING = """# Billing

## Paying by card
Customers pay by card and are charged monthly: each invoice lists the seats of the
plan and the renewal date.

## Paying yearly
Larger teams pay once a year and are charged by invoice: it counts the seats of the
plan until renewal.
"""
MARKETPLACE = """# Cloud marketplace

## Seats
Bought through a cloud marketplace, the invoice counts only the seats of members who
sign in; members who never sign in are free until renewal of the plan.
"""


def _filler(n: int) -> str:
    topics = [f"topic{n}x{i}" for i in range(6)]
    return f"# Guide {n}\n\n" + "\n\n".join(
        f"## Part {topic}\nThe {topic} screen shows {topic} settings for dashboards."
        for topic in topics
    )


async def _corpus(deps: Deps, folder: Path) -> None:
    (folder / "billing.md").write_text(BILLING)
    (folder / "marketplace.md").write_text(MARKETPLACE)
    for n in range(8):
        (folder / f"guide{n}.md").write_text(_filler(n))
    await ingest(deps, [folder])


QUESTION = "through the marketplace, how are members charged, and how do they pay?"


async def test_a_paraphrase_of_a_documented_answer_is_answered(deps: Deps, tmp_path: Path) -> None:
    # "pay" and "charged" are on the billing pages only, beside invoice, seats, plan
    # and renewal; the marketplace page says those, not "pay" or "charged".
    await _corpus(deps, tmp_path)
    found = await retrieve(deps, QUESTION, access=Access(staff=True))
    answer = compose_extractive(found)
    assert found.passages[0].passage.source == "marketplace.md"
    assert answer.grounded, found.passages[0].coverage
    assert "members who" in answer.text


async def test_without_the_documents_pairs_the_paraphrase_was_declined(
    deps: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(coverage, "ASSOCIATED_SHARE", 0.0)
    # (The billing page ranked next would answer instead: this is about the first page;
    # its title, "Cloud marketplace", would too: handlers.knowledge.about.)
    monkeypatch.setattr(grounding, "LOWER_PAGES", 0)
    monkeypatch.setattr(about, "TITLE_IDF_SHARE", 2.0)
    await _corpus(deps, tmp_path)
    found = await retrieve(deps, QUESTION, access=Access(staff=True))
    assert compose_extractive(found).text == DONT_KNOW, found.passages[0].coverage


async def test_an_undocumented_thing_is_still_declined(deps: Deps, tmp_path: Path) -> None:
    await _corpus(deps, tmp_path)
    found = await retrieve(
        deps, "can they pay with bitcoin through the marketplace?", access=Access(staff=True)
    )
    assert compose_extractive(found).text == DONT_KNOW
