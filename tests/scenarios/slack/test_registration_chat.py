"""Registration by conversation through the real Slack adapter (signed events): a
sentence with the company and domain starts a thread that asks for each missing field
in turn; a bad value gets the form's own message; nobody else's words count; nothing is
registered until Register, which registers once; Edit opens the form prefilled."""

from __future__ import annotations

import json
from datetime import date

from bot.core.errors import InvalidInput
from handlers.deals.rules import validate_form
from storage import deals as deal_store
from storage.engine import SessionFactory
from tests.scenarios.slack.fakes import OTHER_TEAM, Call, SlackDriver


async def _deals(sessions: SessionFactory) -> list[deal_store.Deal]:
    async with sessions() as session:
        return await deal_store.get_deals(session, [1, 2])


async def _say(slack: SlackDriver, text: str, *, thread: str, user: str = "U0REP") -> list[Call]:
    before = len(slack.calls("chat.postMessage"))
    team = OTHER_TEAM if user == "U0REP" else "T0HOME"
    await slack.thread_message(text, thread_ts=thread, user=user, user_team=team)
    await slack.settle()
    return slack.calls("chat.postMessage")[before:]


def _value_message(raw: str) -> str:
    """The registration form's own message for an estimated value of `raw`."""
    try:
        validate_form({"value": raw}, today=date(2026, 11, 26), products=["Platform"])
    except InvalidInput as exc:
        return exc.field_errors["value"]
    raise AssertionError("expected a value error")


async def test_the_thread_asks_what_is_missing_and_registers_only_on_register(
    slack: SlackDriver, acme: None, sessions: SessionFactory
) -> None:
    await slack.mention("register Acme Corp, acme.com please", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [asked] = slack.calls("chat.postMessage")
    thread = asked.params["thread_ts"]
    assert thread and "Estimated value and currency?" in asked.params["text"]

    assert await _say(slack, "hello there", thread=thread, user="U0MANAGER") == []

    [bad] = await _say(slack, "lots and lots", thread=thread)
    assert _value_message("lots and lots") in bad.params["text"]
    assert "Estimated value and currency?" in bad.params["text"]

    [asked] = await _say(slack, "about 50k", thread=thread)
    assert "Expected close date?" in asked.params["text"]
    [asked] = await _say(slack, "end of March", thread=thread)
    assert "Products?" in asked.params["text"] and "1) Platform" in asked.params["text"]
    [summary] = await _say(slack, "1, analytics", thread=thread)
    shown = summary.block_text()
    for expected in ("Acme Corp", "acme.com", "50000 USD", "2027-03-31", "Platform, Analytics"):
        assert expected in shown
    assert set(summary.buttons()) == {"Register", "Edit"}
    assert await _deals(sessions) == []  # nothing is registered before Register

    register = summary.buttons()["Register"]
    await slack.click(register["action_id"], register["value"], user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [deal] = await _deals(sessions)
    assert (deal.company, deal.domain, deal.value_cents, deal.currency) == (
        "Acme Corp",
        "acme.com",
        5_000_000,
        "USD",
    )
    assert deal.products == ["Platform", "Analytics"] and deal.close_date == date(2027, 3, 31)
    assert deal.stage == "qualified"  # the form's default stage
    texts = "\n".join(c.params.get("text", "") for c in slack.calls())
    assert "Registered *DR-000001*" in texts

    before = len(slack.calls())
    await slack.click(register["action_id"], register["value"], user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    again = "\n".join(c.params.get("text", "") for c in slack.calls()[before:])
    assert "already sent or cancelled" in again
    assert len(await _deals(sessions)) == 1


async def test_edit_opens_the_form_prefilled_with_the_answers(
    slack: SlackDriver, acme: None
) -> None:
    await slack.mention(
        "register Acme Corp, acme.com, 50k, closing end of March",
        user="U0REP",
        user_team=OTHER_TEAM,
    )
    await slack.settle()
    [asked] = slack.calls("chat.postMessage")
    [summary] = await _say(slack, "Platform", thread=asked.params["thread_ts"])
    edit = summary.buttons()["Edit"]
    await slack.click(edit["action_id"], edit["value"], user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [opened] = slack.calls("views.open")
    blocks = json.dumps(opened.params["view"]["blocks"])
    for expected in ("Acme Corp", "acme.com", "50000 USD", "2027-03-31", "Platform"):
        assert expected in blocks


async def test_only_the_person_registering_can_press_register(
    slack: SlackDriver, acme: None, sessions: SessionFactory
) -> None:
    await slack.mention(
        "register Acme Corp, acme.com, 50k, closing end of March",
        user="U0REP",
        user_team=OTHER_TEAM,
    )
    await slack.settle()
    [asked] = slack.calls("chat.postMessage")
    [summary] = await _say(slack, "Platform", thread=asked.params["thread_ts"])
    register = summary.buttons()["Register"]
    before = len(slack.calls())
    await slack.click(register["action_id"], register["value"], user="U0MANAGER")
    await slack.settle()
    told = "\n".join(c.params.get("text", "") for c in slack.calls()[before:])
    assert "Only the person who started this registration" in told
    assert await _deals(sessions) == []


async def test_cancel_ends_the_conversation(slack: SlackDriver, acme: None) -> None:
    await slack.mention("register Acme Corp, acme.com", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [asked] = slack.calls("chat.postMessage")
    thread = asked.params["thread_ts"]
    [cancelled] = await _say(slack, "cancel", thread=thread)
    assert "Cancelled; nothing was registered." in cancelled.params["text"]
    assert await _say(slack, "50k", thread=thread) == []  # the thread is done


async def test_in_a_dm_a_sentence_with_company_and_domain_talks_in_a_thread(
    slack: SlackDriver, acme: None, sessions: SessionFactory
) -> None:
    await slack.dm(
        "register Acme Corp, acme.com, 50k, closing end of March",
        user="U0REP",
        channel="D0REP",
        user_team=OTHER_TEAM,
    )
    await slack.settle()
    intro, asked = slack.calls("chat.postMessage")
    assert "thread under your message" in intro.params["text"] and not intro.params.get("thread_ts")
    thread = asked.params["thread_ts"]
    assert thread and asked.params["channel"] == "D0REP" and "Products?" in asked.params["text"]

    before = len(slack.calls("chat.postMessage"))
    await slack.thread_message(
        "Platform",
        thread_ts=thread,
        user="U0REP",
        channel="D0REP",
        user_team=OTHER_TEAM,
        channel_type="im",
    )
    await slack.settle()
    [summary] = slack.calls("chat.postMessage")[before:]
    register = summary.buttons()["Register"]
    await slack.click(
        register["action_id"],
        register["value"],
        user="U0REP",
        channel="D0REP",
        user_team=OTHER_TEAM,
    )
    await slack.settle()
    [deal] = await _deals(sessions)
    assert deal.company == "Acme Corp" and deal.products == ["Platform"]


async def test_in_a_dm_a_bare_request_opens_the_form(slack: SlackDriver, acme: None) -> None:
    await slack.dm("I want to register a deal", user="U0REP", channel="D0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [prompt] = slack.calls("chat.postMessage")
    assert "Register a deal" in prompt.buttons() and not prompt.params.get("thread_ts")
