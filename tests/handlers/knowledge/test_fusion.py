"""Plain BM25 as a second opinion on BM25F: a lone passage that states the answer is
not buried under a page that names the question's topic in its title and in many
passages (field weights and page support favour that page)."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.deps import Deps
from handlers.knowledge import search
from handlers.knowledge.ingest import ingest
from handlers.knowledge.search import retrieve, with_plain
from storage.kb_search import Access

ROLLOUTS = """# Rollouts

## Stopping a rollout
You can stop a rollout at any step from the rollout page.

## Rollout errors
Errors of a rollout step are listed on the rollout page.

## Rollout growth
The share of users in a rollout can rise step by step.

## Rollout audiences
A rollout targets an audience, and the rollout share applies inside it.

## Rollout owners
The owner of a rollout can stop it, and sees the errors of each step.

## Rollout reports
A rollout report shows how the share of users and the errors rise.
"""
GUARDRAILS = """# Guardrails

## Automatic halts
When errors rise past a threshold, a guardrail stops the rollout: the errors that
stop it are listed for its owner.
"""


def _filler(n: int) -> str:
    topics = [f"topic{n}x{i}" for i in range(4)]
    return f"# Guide {n}\n\n" + "\n\n".join(
        f"## Part {topic}\nThe {topic} screen shows {topic} settings for dashboards."
        for topic in topics
    )


async def _corpus(deps: Deps, folder: Path) -> None:
    (folder / "rollouts.md").write_text(ROLLOUTS)
    (folder / "guardrails.md").write_text(GUARDRAILS)
    for n in range(8):
        (folder / f"guide{n}.md").write_text(_filler(n))
    await ingest(deps, [folder])


QUESTION = "does the rollout stop when errors rise?"


async def _rank_of_guardrails(deps: Deps) -> int:
    found = await retrieve(deps, QUESTION, access=Access(staff=True), limit=20)
    return [item.passage.source for item in found.passages].index("guardrails.md")


async def test_a_lone_passage_that_answers_is_not_buried_under_a_topic_page(
    deps: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _corpus(deps, tmp_path)
    fused = await _rank_of_guardrails(deps)
    # BM25F alone: the page about rollouts, supported by its many passages, comes first.
    monkeypatch.setattr(search, "PLAIN_FUSION", 0.0)
    alone = await _rank_of_guardrails(deps)
    assert fused < alone
    assert fused < 5  # among the passages the answer and the "I don't know" rule weigh


def test_fusion_counts_each_ranking_by_reciprocal_rank() -> None:
    fused = with_plain([1, 2, 3, 4, 5], [5, 1, 2, 3, 4, 6])
    # Plain BM25's first passes BM25F's last but one; BM25F's order stays otherwise, and
    # a passage only plain BM25 finds comes last.
    assert sorted(fused, key=lambda pid: -fused[pid]) == [1, 2, 3, 5, 4, 6]
