"""Registration in the terminal with an LLM configured (the real `openai` client, a
local fake model): the model's reading prefills the form, whose summary is confirmed
before anything is stored, and a refused value is asked with the form's message; and
a registration by conversation in a thread (`> …`) expires when left unanswered."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from openai import AsyncOpenAI
from rich.console import Console

from bot.shell import channel_for, run_shell
from handlers.deps import Deps
from storage import deals as deal_store
from storage import threads as thread_store
from tests.handlers.intents.fake_model import FakeModel, serving
from tests.scenarios.drafts import MovableClock, drafts, expire_after
from tests.scenarios.shell.driver import chat

SENTENCE = "register Contoso Ltd, contoso.com, fifty thousand euros, Analytics, end of March"
#: Keep every prefilled answer (8 fields), then 1) Register on the summary.
ACCEPT = ("",) * 8 + ("1",)


@pytest.fixture
async def llm_deps(deps: Deps) -> AsyncIterator[tuple[FakeModel, Deps]]:
    async with serving() as fake:
        llm = AsyncOpenAI(api_key="test", base_url=fake.url)
        yield fake, dataclasses.replace(deps, llm=llm)
        await llm.close()


async def test_the_models_reading_prefills_the_form_and_is_confirmed(
    llm_deps: tuple[FakeModel, Deps],
) -> None:
    model, deps = llm_deps
    model.extracted.append(
        {"company": "Contoso Ltd", "domain": "contoso.com", "value": "50000 EUR",
         "close_date": "2027-03-31", "products": ["Analytics"]}
    )  # fmt: skip
    text = await chat(deps, SENTENCE, *ACCEPT, role="partner", partner_name="Acme")
    assert "Please check:" in text and "Products: Analytics" in text
    async with deps.sessions() as session:
        [deal] = await deal_store.list_deals(session)
    assert (deal.company, deal.value_cents, deal.currency, deal.products) == (
        "Contoso Ltd",
        5_000_000,
        "EUR",
        ["Analytics"],
    )


async def test_a_refused_value_is_asked_with_the_forms_message(
    llm_deps: tuple[FakeModel, Deps],
) -> None:
    model, deps = llm_deps
    model.extracted.append(
        {"company": "Contoso Ltd", "domain": "contoso.com", "value": "50000 EUR",
         "close_date": "2025-03-31", "products": ["Analytics"]}
    )  # fmt: skip
    answers = ("", "", "", "2027-01-15", "", "", "", "", "1")
    text = await chat(deps, SENTENCE, *answers, role="partner", partner_name="Acme")
    assert "The close date must be in the future." in text
    async with deps.sessions() as session:
        [deal] = await deal_store.list_deals(session)
    assert deal.close_date.isoformat() == "2027-01-15"


Line = str | Callable[[], Awaitable[None]]


class Script:
    """Types lines; a callable in the list is run (between two lines) instead."""

    def __init__(self, *lines: Line) -> None:
        self.lines = list(lines)

    async def __call__(self, prompt: str) -> str | None:
        while self.lines:
            line = self.lines.pop(0)
            if isinstance(line, str):
                return line
            await line()
        return None


async def test_a_draft_in_a_thread_expires_and_the_thread_says_how_to_start_again(
    deps: Deps,
) -> None:
    clock = MovableClock()
    deps = dataclasses.replace(deps, clock=clock)
    async with deps.sessions() as session, session.begin():  # a thread the bot started
        await thread_store.save_thread(
            session, "welcome:1", platform="shell", channel_id=channel_for("Acme"), thread_id="t1"
        )
    expired: list[int] = []

    async def a_day_later() -> None:
        expired.append(await expire_after(deps, clock, hours=25))

    out = Console(file=io.StringIO(), width=200, color_system=None)
    script = Script("> register Acme Corp, acme.com", a_day_later, "> 50k", "1")
    assert await run_shell(deps, console=out, ask=script, role="partner", partner_name="Acme") == 0
    text = " ".join(out.file.getvalue().split())  # type: ignore[attr-defined]
    asked, _, after = text.partition("This registration expired")
    assert "Estimated value and currency?" in asked and "I keep your answers for 24 hours" in asked
    assert expired == [1] and after, "the answer after the expiry is told what happened"
    assert "start again" in after and "1) Register a deal" in after
    assert "Customer company" in after, "its button opens the registration form"
    [draft] = await drafts(deps)
    assert draft.values == {} and draft.expired_at == clock.now
    async with deps.sessions() as session:
        assert await deal_store.count_deals(session) == 0
