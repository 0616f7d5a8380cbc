"""Registration details read by the chat model (a local fake chat-completions server,
through the real `openai` client built as app.py builds it): the tool's schema is the
form's own fields; a good reading prefills, a made-up value is dropped, a value the
form refuses is dropped with the form's message; any failure reads offline, once."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from openai import AsyncOpenAI

from bot.core.untrusted import strip_marks
from handlers.deps import Deps
from handlers.intents import extract as extraction
from handlers.intents.extract import (
    TOOL,
    Extraction,
    extract,
    form_fields,
    grounded,
    tool_schema,
)
from tests.handlers.intents.fake_model import FakeModel, serving

SENTENCE = (
    "please register Contoso Ltd, https://www.contoso.com, about fifty thousand euros, "
    "Analytics and Platform, closing end of March"
)


@pytest.fixture
async def model(deps: Deps) -> AsyncIterator[tuple[FakeModel, Deps]]:
    async with serving() as fake:
        client = AsyncOpenAI(api_key="test", base_url=fake.url)  # app.py's retries
        yield fake, dataclasses.replace(deps, llm=client)
        await client.close()


def test_the_tool_schema_is_the_forms_fields(deps: Deps) -> None:
    schema = tool_schema(form_fields(deps))
    names = [f.name for f in form_fields(deps) if f.kind != "multiline"]
    assert list(schema["properties"]) == names == schema["required"]
    assert "notes" not in schema["properties"]  # free text is the person's to write
    products = schema["properties"]["products"]
    assert products["items"]["enum"] == deps.settings.deal_products
    assert schema["properties"]["stage"]["enum"][:-1] == [
        "prospecting",
        "qualified",
        "proposal",
        "negotiation",
    ]
    other = deps.settings.model_copy(update={"deal_products": ["Warp drive"]})
    changed = tool_schema(form_fields(dataclasses.replace(deps, settings=other)))
    assert changed["properties"]["products"]["items"]["enum"] == ["Warp drive"]


def test_a_value_counts_as_said_only_when_the_sentence_names_that_kind_of_thing(
    deps: Deps,
) -> None:
    by_name = {f.name: f for f in form_fields(deps)}
    said = "register Contoso Ltd, contoso.com, Analytics, 50k, in Q2"
    assert grounded(by_name["company"], "Contoso Ltd", said)
    assert not grounded(by_name["company"], "Contoso Corporation", said)
    assert grounded(by_name["domain"], "https://www.contoso.com/about", said)
    assert not grounded(by_name["domain"], "contoso.io", said)
    assert grounded(by_name["products"], ["Analytics"], said)
    assert not grounded(by_name["products"], ["Analytics", "Platform"], said)
    assert grounded(by_name["value"], "50000 USD", said)
    assert grounded(by_name["close_date"], "2027-06-30", said)
    vague = "I'm registering Contoso, our marketing lead says so"
    assert not grounded(by_name["value"], "50000 USD", vague)
    assert not grounded(by_name["close_date"], "2027-03-31", vague)


async def test_a_good_reading_prefills_every_field_it_holds(
    model: tuple[FakeModel, Deps],
) -> None:
    fake, deps = model
    fake.extracted.append(
        {
            "company": "Contoso Ltd",
            "domain": "https://www.contoso.com",
            "value": "50000 EUR",
            "close_date": "2027-03-31",
            "products": ["Analytics", "Platform"],
            "stage": None,
            "contact": None,
        }
    )
    got = await extract(SENTENCE, deps)
    assert got == Extraction(
        values={
            "company": "Contoso Ltd",
            "domain": "contoso.com",
            "value": "50000 EUR",
            "close_date": "2027-03-31",
            "products": ["Analytics", "Platform"],
        },
        errors={},
        source="llm",
    )
    [request] = fake.requests
    assert request["tool_choice"] == {"type": "function", "function": {"name": TOOL}}
    assert request["tools"][0]["function"]["parameters"] == tool_schema(form_fields(deps))
    assert request["messages"][-1]["content"] == SENTENCE
    assert "Today is 2026-11-26" in request["messages"][0]["content"]


async def test_made_up_values_are_dropped_and_refused_ones_keep_the_forms_message(
    model: tuple[FakeModel, Deps],
) -> None:
    fake, deps = model
    fake.extracted.append(
        {
            "company": "Contoso Ltd",
            "domain": "contoso.com",  # not in the sentence: made up
            "value": "-5 EUR",  # refused by the form
            "close_date": "2025-03-31",  # in the past: refused
            "products": ["Analytics", "Warp drive"],  # not in the sentence
            "stage": "negotiation",  # not in the sentence
            "contact": 42,  # not text
            "surprise": "x",  # not a field
        }
    )
    got = await extract("register Contoso Ltd, minus 5 euros, Analytics, March 2025", deps)
    assert got.values == {"company": "Contoso Ltd"}
    assert got.errors == {
        "value": "Give an amount and a currency, e.g. 50,000 USD or 50k EUR.",
        "close_date": "The close date must be in the future.",
    }


async def test_an_unknown_product_named_in_the_sentence_gets_the_forms_message(
    model: tuple[FakeModel, Deps],
) -> None:
    fake, deps = model
    fake.extracted.append({"company": "Contoso", "products": ["Warp drive"]})
    got = await extract("register Contoso for Warp drive", deps)
    assert got.values == {"company": "Contoso"}
    assert {k: strip_marks(v) for k, v in got.errors.items()} == {
        "products": "Unknown product: Warp drive."
    }


@pytest.mark.parametrize("failure", ["status", "no_call", "bad_json", "timeout"])
async def test_when_the_model_fails_the_sentence_is_read_offline_once(
    model: tuple[FakeModel, Deps], failure: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, deps = model
    if failure == "status":
        fake.fail_with = 500
    elif failure == "no_call":
        fake.text_only = True
    elif failure == "bad_json":
        fake.extracted.append("{not json")
    else:
        monkeypatch.setattr(extraction, "TIMEOUT_SECONDS", 0.2)
        fake.delay = 1.0
    sentence = "register Acme Corp, acme.com, about 50k, closing end of March"
    got = await extract(sentence, deps)
    assert got == extraction.offline(sentence, deps)
    assert got.values == {
        "company": "Acme Corp",
        "domain": "acme.com",
        "value": "50000 USD",
        "close_date": "2027-03-31",
    }
    assert len(fake.requests) == 1, "one try: no retries on top of a failing model"


async def test_a_reading_is_kept_so_the_same_sentence_again_asks_no_second_time(
    model: tuple[FakeModel, Deps],
) -> None:
    fake, deps = model
    fake.extracted.append({"company": "Contoso Ltd"})
    first = await extract(SENTENCE, deps, asker=("slack", "U1"))
    again = await extract(SENTENCE, deps, asker=("slack", "U1"), use_model=False)
    assert first == again and first.source == "llm" and len(fake.requests) == 1
    quick = await extract(SENTENCE, deps, asker=("slack", "U2"), use_model=False)
    assert quick.source == "offline" and len(fake.requests) == 1


async def test_without_a_model_the_offline_parser_reads_it(deps: Deps) -> None:
    got = await extract("register Acme Corp, acme.com", deps)
    assert got == Extraction(values={"company": "Acme Corp", "domain": "acme.com"})
