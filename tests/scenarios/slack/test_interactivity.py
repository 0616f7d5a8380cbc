"""Buttons and modals end to end: block_actions and view_submission payloads."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.core import Button, ButtonClick, Field, Form, FormSubmit, Reply, Request
from bot.core.errors import InvalidInput
from bot.slack import views
from handlers.caller import Caller
from handlers.deps import Deps
from tests.routing import add_routes
from tests.scenarios.slack.fakes import OTHER_TEAM, SlackDriver

FORM = Form(
    form_id="test-form",
    title="Tell me more",
    fields=(Field("company", "Company", required=True), Field("notes", "Notes", kind="multiline")),
    metadata='{"deal": 7}',
)


async def test_menu_help_click_shows_help(slack: SlackDriver) -> None:
    sent = await slack.click("menu-help", user="U0REP")
    assert sent.status == 200
    await slack.settle()
    [call] = slack.calls("chat.postEphemeral")
    assert call.params["user"] == "U0REP"
    assert "What I can do for you" in call.block_text()


async def test_click_on_an_unknown_button_says_it_expired(slack: SlackDriver) -> None:
    await slack.click("no-such-button")
    await slack.settle()
    [call] = slack.calls("chat.postEphemeral")
    assert "expired" in call.params["text"]


@pytest.fixture
def form_handlers(monkeypatch: pytest.MonkeyPatch) -> list[Request]:
    """A command that opens FORM, a button that replaces its message, and a form
    handler that rejects an empty-looking company, recording what it received."""
    received: list[Request] = []

    async def open_form(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
        return [Reply(text="Opening the form", form=FORM)]

    async def replace(
        request: Request, click: ButtonClick, caller: Caller, deps: Deps
    ) -> list[Reply]:
        return [Reply(text="Thanks, noted.", replace_original=True)]

    async def submit(
        request: Request, submit: FormSubmit, caller: Caller, deps: Deps
    ) -> list[Reply]:
        received.append(request)
        if submit.values.get("company") == "?":
            raise InvalidInput({"company": "Which company?", "elsewhere": "also wrong"})
        return [Reply(text=f"Registered {submit.values['company']}", in_thread=True)]

    add_routes(
        monkeypatch,
        commands={"testform": open_form},
        actions={"test-replace": replace},
        forms={"test-form": submit},
    )
    return received


async def test_form_opens_a_modal_and_its_submission_lands_in_the_thread(
    slack: SlackDriver, form_handlers: list[Request]
) -> None:
    await slack.click("menu-help", user="U0REP")  # any click: prove trigger ids are per request
    await slack.settle()
    await slack.mention("testform", user="U0REP", thread_ts="1690000000.000500")
    await slack.settle()
    # A mention has no trigger_id: the bot offers a button that opens the form.
    [prompt] = [c for c in slack.calls("chat.postEphemeral") if "Opening" in c.params["text"]]
    [button] = [e for b in prompt.blocks() if b["type"] == "actions" for e in b["elements"]]
    await slack.click(button["action_id"], button["value"], user="U0REP")
    await slack.settle()
    [opened] = slack.calls("views.open")
    view = opened.params["view"]
    assert opened.params["trigger_id"].startswith("trigger.")
    assert view["callback_id"] == "test-form"
    assert [b["block_id"] for b in view["blocks"]] == ["company", "notes"]

    sent = await slack.submit_view(
        "test-form", {"company": "Globex", "notes": None}, private_metadata=view["private_metadata"]
    )
    assert sent.status == 200 and not sent.body  # plain ack closes the modal
    await slack.settle()
    [request] = form_handlers
    assert request.submit is not None
    assert request.submit.metadata == '{"deal": 7}'
    assert request.place.channel_id == "C0PARTNER"
    [posted] = [c for c in slack.calls("chat.postMessage") if "Registered" in c.params["text"]]
    assert posted.params["channel"] == "C0PARTNER"
    assert posted.params["thread_ts"] == "1690000000.000500"


async def test_field_errors_go_back_to_the_modal(
    slack: SlackDriver, form_handlers: list[Request]
) -> None:
    metadata = json.dumps({"m": "", "c": "C0PARTNER"})
    sent = await slack.submit_view(
        "test-form",
        {"company": "?", "notes": "x"},
        private_metadata=metadata,
        user="U0GUEST",
        user_team=OTHER_TEAM,
    )
    assert sent.status == 200
    assert sent.json() == {
        "response_action": "errors",
        "errors": {"company": "also wrong; Which company?"},
    }
    await slack.settle()
    assert slack.api.api_calls() == []
    [request] = form_handlers
    assert request.actor.is_external


async def test_slash_command_opens_the_modal_directly(
    slack: SlackDriver, form_handlers: list[Request]
) -> None:
    await slack.command("/partnerbot", "testform")
    await slack.settle()
    [opened] = slack.calls("views.open")
    assert opened.params["view"]["title"]["text"] == "Tell me more"
    assert not slack.calls("chat.postEphemeral")


async def test_replace_original_updates_the_clicked_message(
    slack: SlackDriver, form_handlers: list[Request]
) -> None:
    await slack.click("test-replace", message_ts="1690000000.000777")
    await slack.settle()
    [update] = slack.calls("chat.update")
    assert update.params["ts"] == "1690000000.000777"
    assert update.params["text"] == "Thanks, noted."
    # An ephemeral message can only be replaced through its response_url.
    await slack.click("test-replace", ephemeral=True)
    await slack.settle()
    [answer] = slack.calls("response_url")
    assert answer.params["replace_original"] is True
    assert len(slack.calls("chat.update")) == 1


async def test_buttons_keep_their_values(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    clicks: list[Request] = []

    async def menu(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
        return [Reply(text="Pick", buttons=(Button("Approve", "test-pick", value="deal:42"),))]

    async def pick(request: Request, click: ButtonClick, caller: Caller, deps: Deps) -> list[Reply]:
        clicks.append(request)
        return []

    add_routes(monkeypatch, commands={"testmenu": menu}, actions={"test-pick": pick})
    await slack.command("/partnerbot", "testmenu")
    await slack.settle()
    [posted] = slack.calls("chat.postMessage")
    [button] = [e for b in posted.blocks() if b["type"] == "actions" for e in b["elements"]]
    await slack.click(button["action_id"], button["value"], message_ts="1690000000.000900")
    await slack.settle()
    [click] = clicks
    assert click.click is not None
    assert (click.click.action_id, click.click.value) == ("test-pick", "deal:42")


@pytest.mark.parametrize("outcome", ["reply", "field error"])
async def test_a_slow_submission_closes_the_modal_and_answers_later(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch, outcome: str
) -> None:
    """Past the ack's budget the modal closes with a plain ack; the work goes on and its
    answer (or its field error, which the closed modal can no longer show) is posted."""

    async def slow(request: Request, submit: FormSubmit, caller: Caller, deps: Deps) -> list[Reply]:
        await asyncio.sleep(0.3)
        if outcome == "field error":
            raise InvalidInput({"company": "Which company?"})
        return [Reply(text="Stored after all", visibility="only_actor")]

    monkeypatch.setattr(views, "ACK_BUDGET_SECONDS", 0.05)
    add_routes(monkeypatch, forms={"slow-form": slow})
    metadata = json.dumps({"m": "", "c": "C0PARTNER"})
    sent = await slack.submit_view("slow-form", {"company": "Globex"}, private_metadata=metadata)
    assert sent.status == 200 and not sent.body
    await slack.settle()
    [call] = slack.calls("chat.postEphemeral")
    assert call.params["user"] == "U0REP"
    expected = "Stored after all" if outcome == "reply" else "Which company?"
    assert expected in call.params["text"] + call.block_text()
