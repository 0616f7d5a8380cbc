"""Teams forms and card updates end to end: a form card, its submit, errors shown under
the fields with the user's values kept, and a button that replaces its card.

The use cases here are small test handlers put into the router's tables, so the path
through the adapter is the real one."""

from __future__ import annotations

import pytest

from bot.core import Button, ButtonClick, Field, Form, FormSubmit, Option, Reply, Request
from bot.core.errors import InvalidInput
from handlers.caller import Caller
from handlers.deps import Deps
from tests.routing import add_routes
from tests.scenarios.teams.fakes import CHANNEL_ID, TeamsDriver

FORM = Form(
    form_id="form-test-deal",
    title="Register a deal",
    fields=(
        Field("company", "Company", required=True),
        Field("value", "Value", kind="number"),
        Field(
            "products",
            "Products",
            kind="multiselect",
            options=(Option("core", "Core"), Option("ai", "AI")),
        ),
    ),
    metadata="meta-1",
)
SUBMITTED: list[Request] = []


async def _open_form(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    return [Reply(text="Fill this in, please.", form=FORM)]


async def _submit_form(
    request: Request, submit: FormSubmit, caller: Caller, deps: Deps
) -> list[Reply]:
    SUBMITTED.append(request)
    values = submit.values
    if not values.get("company"):
        raise InvalidInput({"company": "Tell us the company."})
    if values.get("value") == "-1":
        raise InvalidInput({"value": "Must be positive."}, form=FORM)
    return [Reply(text=f"Registered {values['company']} ({', '.join(values['products'] or [])}).")]


async def _vote(request: Request, click: ButtonClick, caller: Caller, deps: Deps) -> list[Reply]:
    return [Reply(text="Thanks for the feedback!", replace_original=True)]


async def _ask_vote(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    return [Reply(text="Was this helpful?", buttons=(Button("Yes", "test-vote", value="up"),))]


@pytest.fixture(autouse=True)
def _test_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    SUBMITTED.clear()
    add_routes(
        monkeypatch,
        commands={"testform": _open_form, "testvote": _ask_vote},
        forms={FORM.form_id: _submit_form},
        actions={"test-vote": _vote},
    )


async def test_form_submit_with_errors_is_resent_then_accepted(teams: TeamsDriver) -> None:
    await teams.personal("testform")
    [form_message] = teams.sent()
    card = form_message.require_card()
    assert card["body"][1]["text"] == "Fill this in, please."
    submit = card["actions"][0]["data"]

    teams.mark()
    await teams.submit(
        {**submit, "company": "", "value": "5", "products": "core,ai"}, reply_to=form_message.id
    )
    [again] = await teams.wait_for(1)
    body = again.require_card()["body"]
    company = next(i for i, e in enumerate(body) if e.get("id") == "company")
    assert body[company + 1]["text"] == "Tell us the company."
    assert next(e for e in body if e.get("id") == "products")["value"] == "core,ai"
    assert next(e for e in body if e.get("id") == "value")["value"] == 5
    first = SUBMITTED[0].submit
    assert first is not None
    assert first.values["products"] == ["core", "ai"]
    assert first.metadata == "meta-1"

    teams.mark()
    await teams.submit(
        {**again.require_card()["actions"][0]["data"], "company": "Contoso", "products": "ai"},
        reply_to=again.id,
    )
    [done] = await teams.wait_for(1)
    assert done.text == "Registered Contoso (ai)."


async def test_handler_form_is_used_for_errors(teams: TeamsDriver) -> None:
    await teams.personal("testform")
    [form_message] = teams.sent()
    teams.mark()
    data = form_message.require_card()["actions"][0]["data"]

    await teams.submit({**data, "company": "Acme", "value": "-1"}, reply_to=form_message.id)

    [again] = await teams.wait_for(1)
    body = again.require_card()["body"]
    value = next(i for i, e in enumerate(body) if e.get("id") == "value")
    assert body[value + 1]["text"] == "Must be positive."
    assert next(e for e in body if e.get("id") == "company")["value"] == "Acme"


async def test_button_with_replace_original_updates_the_card(teams: TeamsDriver) -> None:
    await teams.channel("testvote")
    [question] = teams.sent()
    teams.mark()

    await teams.click(question, "Yes")

    [update] = await teams.wait_for(1)
    assert update.method == "PUT"
    assert update.activity_id == question.id
    assert update.conversation_id == question.conversation_id
    assert update.conversation_id.startswith(f"{CHANNEL_ID};messageid=")
    assert update.text == "Thanks for the feedback!"


async def test_submit_without_our_data_is_ignored(teams: TeamsDriver) -> None:
    assert await teams.submit({"someone": "else"}, reply_to="msg-1") < 300
    assert teams.sent() == []
