"""Registration by conversation in a Teams reply chain (CloudAdapter on /api/messages),
with an LLM configured (the real `openai` client, a local fake model): the model's
reading is summarised for Register / Edit, a refused value is asked with the form's
message; and a draft left unanswered expires, its Register button registering
nothing and a reply in its chain saying how to start again."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from openai import AsyncOpenAI

from bot.core.settings import Settings
from handlers.deps import Deps
from storage import deals as deal_store
from storage.engine import SessionFactory
from tests.handlers.intents.fake_model import FakeModel, serving
from tests.scenarios.drafts import MovableClock, drafts, expire_after
from tests.scenarios.teams.fakes import BOB, Sent, TeamsDriver
from tests.scenarios.teams.test_registration_chat import _thread_of, world

__all__ = ["world"]  # the fixture, shared with test_registration_chat


@pytest.fixture
async def model() -> AsyncIterator[FakeModel]:
    async with serving() as fake:
        yield fake


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def deps(
    settings: Settings, sessions: SessionFactory, model: FakeModel, clock: MovableClock
) -> AsyncIterator[Deps]:
    llm = AsyncOpenAI(api_key="test", base_url=model.url)
    yield Deps(settings=settings, sessions=sessions, clock=clock, llm=llm)
    await llm.close()


async def _say(teams: TeamsDriver, text: str, *, thread: str) -> list[Sent]:
    teams.mark()
    await teams.channel(text, thread=thread, user=BOB)
    return teams.since()


async def _count(deps: Deps) -> int:
    async with deps.sessions() as session:
        return await deal_store.count_deals(session)


async def test_the_models_reading_is_summarised_and_registers_on_register(
    teams: TeamsDriver, world: None, deps: Deps, model: FakeModel
) -> None:
    model.extracted.append(
        {"company": "Contoso", "domain": "contoso.com", "value": "75000 EUR",
         "close_date": "2027-06-30", "products": ["Platform", "Training"]}
    )  # fmt: skip
    teams.mark()
    await teams.channel(
        "could you register Contoso for us, contoso.com, 75k EUR, Platform + Training, by Q2",
        user=BOB,
    )
    [summary] = await teams.wait_for(1)
    for expected in ("Contoso", "contoso.com", "75000 EUR", "2027-06-30", "Platform, Training"):
        assert expected in summary.shown
    assert [b["title"] for b in summary.buttons] == ["Register", "Edit"]
    assert await _count(deps) == 0
    teams.mark()
    await teams.click(summary, "Register", user=BOB)
    assert "DR-000001" in "\n".join(s.shown for s in await teams.wait_for(1))
    assert await _count(deps) == 1


async def test_a_refused_value_is_asked_with_the_forms_message(
    teams: TeamsDriver, world: None, deps: Deps, model: FakeModel
) -> None:
    model.extracted.append({"company": "Contoso", "domain": "contoso.com", "value": "0 EUR"})
    teams.mark()
    await teams.channel("register Contoso, contoso.com, 0 EUR", user=BOB)
    [asked] = await teams.wait_for(1)
    assert "Estimated value and currency?" in asked.shown
    assert "✗ The value must be more than zero." in asked.shown


async def test_an_expired_draft_registers_nothing_and_its_chain_says_what_to_do(
    teams: TeamsDriver, world: None, deps: Deps, model: FakeModel, clock: MovableClock
) -> None:
    model.fail_with = 503  # and the offline reading takes over
    teams.mark()
    await teams.channel("register Contoso, contoso.com, 75k EUR, closing in Q2", user=BOB)
    [asked] = await teams.wait_for(1)
    thread = _thread_of(asked)
    [summary] = await _say(teams, "Platform", thread=thread)
    assert "I keep your answers for 24 hours" in summary.shown

    assert await expire_after(deps, clock, hours=24.5) == 1
    teams.mark()
    await teams.click(summary, "Register", user=BOB)
    shown = "\n".join(s.shown for s in await teams.wait_for(3))  # told in the 1:1 chat
    assert "This registration expired" in shown
    assert await _count(deps) == 0

    [told] = await _say(teams, "hello?", thread=thread)
    assert _thread_of(told) == thread
    assert "This registration expired" in told.shown and "start again" in told.shown
    assert [b["title"] for b in told.buttons] == ["Register a deal"]
    [draft] = await drafts(deps)
    assert draft.values == {} and draft.expired_at is not None
