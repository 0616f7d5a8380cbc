"""A small world for knowledge-base tests: the sample KB, a gold and a silver partner
linked to Slack channels, their channel manager, and helpers to talk to the bot."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from bot.core import Actor, ButtonClick, Place, Reply, Request
from handlers.admin.chat import add_manager
from handlers.deps import Deps
from handlers.knowledge.answer import DONT_KNOW, Answer, compose_extractive
from handlers.knowledge.grounding import is_grounded
from handlers.knowledge.ingest import ingest
from handlers.knowledge.search import retrieve
from handlers.router import dispatch
from storage import partners as partner_store
from storage import people as people_store
from storage.kb_search import Access

SAMPLE = Path(__file__).resolve().parents[2] / "kb" / "sample"
#: ../shared/kb-corpus beside the checkout (or beside its parent, for a worktree).
CORPUS = next(
    (
        folder / "shared" / "kb-corpus"
        for folder in Path(__file__).resolve().parents[3:5]
        if (folder / "shared" / "kb-corpus").is_dir()
    ),
    Path(__file__).resolve().parents[3] / "shared" / "kb-corpus",
)

#: Two pages of that corpus on which HEDGED_QUESTION is answered from the second one
#: (the first page ranked does not cover it): a hedged answer, with its warning line
#: (handlers.knowledge.grounding.lower_pages, Answer.hedged).
HEDGED_PAGES = ("lib/openfeature.mdx", "self-host/remote-evaluation.mdx")
HEDGED_QUESTION = (
    "the self hosted /api/eval/:clientKey endpoint - ok to point prod mobile traffic at it?"
)
HEDGED_SOURCE = "Remote Evaluation"


async def ingest_hedged_pages(deps: Deps) -> None:
    """Ingest HEDGED_PAGES (skips when the shared corpus is not beside the checkout)."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared documentation corpus is not on this machine ({CORPUS})")
    report = await ingest(deps, [CORPUS / page for page in HEDGED_PAGES])
    assert report.added == len(HEDGED_PAGES)


MANAGER = Actor(platform="slack", user_id="U-MGR", name="Maya Manager")
GOLD_REP = Actor(platform="slack", user_id="U-GOLD", name="Gina Gold", is_external=True)
GOLD_REP2 = Actor(platform="slack", user_id="U-GOLD2", name="Gus Gold", is_external=True)
SILVER_REP = Actor(platform="slack", user_id="U-SILVER", name="Sam Silver", is_external=True)
GOLD_CHANNEL = Place(platform="slack", channel_id="C-GOLD", team_id="T1", message_id="100.1")
SILVER_CHANNEL = Place(platform="slack", channel_id="C-SILVER", team_id="T1", message_id="200.1")
MANAGER_DM = Place(platform="slack", channel_id="D-MGR", kind="dm")


async def ingest_pages(deps: Deps, folder: Path, pages: Mapping[str, str]) -> Deps:
    """Write `pages` (file name -> text) into `folder` and ingest them all."""
    for name, text in pages.items():
        (folder / name).write_text(text)
    report = await ingest(deps, [folder])
    assert report.added == len(pages)
    return deps


async def assert_the_figure_decides(docs: Deps, question: str, answered: bool) -> None:
    """The pages cover the question's words (grounded retrieval) whether or not they
    state the figure it asks: the extractive answer is given exactly when `answered`."""
    found = await retrieve(docs, question, access=Access(staff=True))
    assert is_grounded(found)
    assert_given(compose_extractive(found), answered)


async def assert_answered(docs: Deps, question: str, answered: bool) -> None:
    """The extractive answer to `question` is given, with citations, exactly when
    `answered`; otherwise it is "I don't know"."""
    answer = compose_extractive(await retrieve(docs, question, access=Access(staff=True)))
    assert_given(answer, answered)
    assert bool(answer.citations) is answered


def assert_given(answer: Answer, answered: bool) -> None:
    assert answer.grounded is answered
    assert (answer.text == DONT_KNOW) is not answered


async def build_world(deps: Deps, *, kb: Path = SAMPLE) -> None:
    """Ingest `kb`; create the manager and two partners (gold, silver) with channels."""
    await ingest(deps, [kb])
    async with deps.sessions() as session, session.begin():
        manager = await add_manager(session, "slack", MANAGER.user_id, actor="test", deps=deps)
        for name, tier, place in (
            ("Goldco", "gold", GOLD_CHANNEL),
            ("Silverco", "silver", SILVER_CHANNEL),
        ):
            partner = await partner_store.add_partner(
                session, name, tier=tier, manager_id=manager.id
            )
            await partner_store.link_channel(
                session, partner, platform="slack", channel_id=place.channel_id
            )
        await people_store.upsert_person(session, "slack", MANAGER.user_id, name=MANAGER.name)


async def ask(deps: Deps, who: Actor, text: str, place: Place = GOLD_CHANNEL) -> list[Reply]:
    """An @mention with a question."""
    return await dispatch(Request(actor=who, place=place, text=text, mentioned=True), deps)


async def click(deps: Deps, who: Actor, action_id: str, value: str, place: Place) -> list[Reply]:
    request = Request(actor=who, place=place, click=ButtonClick(action_id=action_id, value=value))
    return await dispatch(request, deps)


async def say_in_thread(deps: Deps, who: Actor, text: str, place: Place) -> list[Reply]:
    """A thread message that does not mention the bot."""
    return await dispatch(Request(actor=who, place=place, text=text), deps)
