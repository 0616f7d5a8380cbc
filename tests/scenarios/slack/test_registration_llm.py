"""Registration by conversation with an LLM configured, through the real Slack adapter
and the real `openai` client against a local fake model: the model's reading prefills
the draft (confirmed with Register before anything is stored), a value the form
refuses is asked for with the form's message, and a failing model leaves the offline
reading in charge."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date

import pytest
from openai import AsyncOpenAI
from sqlalchemy import select

from bot.core.settings import Settings
from bot.core.untrusted import strip_marks
from handlers.deps import Deps
from storage import deals as deal_store
from storage import people as people_store
from storage.engine import SessionFactory
from storage.outbox import OutboxMessage
from tests.conftest import FIXED_NOW
from tests.handlers.intents.fake_model import FakeModel, serving
from tests.scenarios.slack.fakes import OTHER_TEAM, Call, SlackDriver

CONTOSO = {
    "company": "Contoso Ltd",
    "domain": "contoso.com",
    "value": "50000 EUR",
    "close_date": "2027-03-31",
    "products": ["Analytics"],
    "stage": None,
    "contact": None,
}


@pytest.fixture
async def model() -> AsyncIterator[FakeModel]:
    async with serving() as fake:
        yield fake


@pytest.fixture
async def slack_deps(
    slack_settings: Settings, sessions: SessionFactory, model: FakeModel
) -> AsyncIterator[Deps]:
    llm = AsyncOpenAI(api_key="test", base_url=model.url)  # as app.py builds it
    yield Deps(settings=slack_settings, sessions=sessions, clock=lambda: FIXED_NOW, llm=llm)
    await llm.close()


async def _mention(slack: SlackDriver, text: str) -> list[Call]:
    await slack.mention(text, user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    return slack.calls("chat.postMessage")


async def _say(slack: SlackDriver, text: str, *, thread: str) -> list[Call]:
    before = len(slack.calls("chat.postMessage"))
    await slack.thread_message(text, thread_ts=thread, user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    return slack.calls("chat.postMessage")[before:]


async def test_the_models_reading_is_summarised_and_registered_only_on_register(
    slack: SlackDriver, acme: None, model: FakeModel, sessions: SessionFactory
) -> None:
    model.extracted.append(CONTOSO)
    [summary] = await _mention(
        slack, "pls register Contoso Ltd (contoso.com), ~fifty grand in euros, Analytics, EOQ1"
    )
    shown = summary.block_text()
    for expected in ("Contoso Ltd", "contoso.com", "50000 EUR", "2027-03-31", "Analytics"):
        assert expected in shown
    assert set(summary.buttons()) == {"Register", "Edit"}
    assert len(model.extraction_requests) == 1
    async with sessions() as session:
        assert await deal_store.count_deals(session) == 0  # not before Register

    register = summary.buttons()["Register"]
    await slack.click(register["action_id"], register["value"], user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    async with sessions() as session:
        [deal] = await deal_store.list_deals(session)
    assert (deal.company, deal.domain, deal.value_cents, deal.currency) == (
        "Contoso Ltd",
        "contoso.com",
        5_000_000,
        "EUR",
    )
    assert deal.products == ["Analytics"] and deal.close_date == date(2027, 3, 31)
    # The manager is told who registered it by display name (users.info), not by the
    # click's username, and the person's stored name stays their display name.
    async with sessions() as session:
        payloads = [row.payload for row in await session.scalars(select(OutboxMessage))]
        queued = strip_marks(json.dumps(payloads, ensure_ascii=False))
        person = await people_store.get_person(session, "slack", "U0REP")
    assert "registered by Someone:" in queued and "u0rep" not in queued
    assert person is not None and person.name == "Someone"


async def test_a_value_the_form_refuses_is_dropped_and_asked_with_the_forms_message(
    slack: SlackDriver, acme: None, model: FakeModel, sessions: SessionFactory
) -> None:
    model.extracted.append(CONTOSO | {"close_date": "2025-03-31", "products": ["Warp drive"]})
    [asked] = await _mention(
        slack, "register Contoso Ltd, contoso.com, 50k EUR, Warp drive, closing March 2025"
    )
    text = asked.params["text"]
    assert "✗ The close date must be in the future." in text
    assert "Expected close date?" in text
    assert "I left out:" in text and "✗ Products: Unknown product: Warp drive." in text
    thread = asked.params["thread_ts"]
    [asked] = await _say(slack, "end of March", thread=thread)
    assert "Products?" in asked.params["text"] and "Unknown product" not in asked.params["text"]
    [summary] = await _say(slack, "Analytics", thread=thread)
    assert "2027-03-31" in summary.block_text() and "2025" not in summary.block_text()
    async with sessions() as session:
        assert await deal_store.count_deals(session) == 0


async def test_a_failing_model_leaves_the_offline_reading_in_charge(
    slack: SlackDriver, acme: None, model: FakeModel
) -> None:
    model.fail_with = 500
    [asked] = await _mention(slack, "register Acme Corp, acme.com please")
    assert "Estimated value and currency?" in asked.params["text"]
    # One try each for the intent and the extraction: no retries on a failing model.
    assert len(model.requests) == 2 and len(model.extraction_requests) == 1
    [asked] = await _say(slack, "about 50k", thread=asked.params["thread_ts"])
    assert "Expected close date?" in asked.params["text"]


async def test_in_a_dm_the_form_opens_prefilled_from_the_kept_reading(
    slack: SlackDriver, acme: None, model: FakeModel
) -> None:
    """A DM sentence without a domain opens the form: Slack offers a button (messages
    carry no trigger_id) whose click runs the sentence again, with 3 s to open the
    modal; the model's reading is kept, so the click asks it nothing more."""
    model.extracted.append({"company": "Contoso Ltd", "close_date": "2025-03-31"})
    await slack.dm(
        "I'd like to register Contoso Ltd, closing March 2025",
        user="U0REP",
        channel="D0REP",
        user_team=OTHER_TEAM,
    )
    await slack.settle()
    [prompt] = slack.calls("chat.postMessage")
    button = prompt.buttons()["Register a deal"]
    await slack.click(
        button["action_id"], button["value"], user="U0REP", channel="D0REP", user_team=OTHER_TEAM
    )
    await slack.settle()
    [opened] = slack.calls("views.open")
    blocks = json.dumps(opened.params["view"]["blocks"])
    assert "Contoso Ltd" in blocks and "The close date must be in the future." in blocks
    assert len(model.extraction_requests) == 1
