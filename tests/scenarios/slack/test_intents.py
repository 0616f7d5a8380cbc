"""Plain words through the real Slack adapter (signed app_mention and DM events):
a sentence asks for what it lacks in a thread, and one click opens the registration
modal prefilled, a manager's "anything waiting for
my approval?" lists the registration with Approve, "can we extend DR-1?" runs the
extension request as the partner, a question about deals goes to the knowledge base,
and a sentence the bot is unsure of is answered with buttons."""

from __future__ import annotations

import json

from tests.scenarios.slack.fakes import OTHER_TEAM, SlackDriver

SENTENCE = "I want to register a deal for Acme Corp, acme.com, about 50k, closing end of March"


async def _register(slack: SlackDriver) -> None:
    await slack.mention(SENTENCE, user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [prompt] = slack.calls("chat.postMessage")  # the missing field, asked in the thread
    assert prompt.params["thread_ts"] and "Products?" in prompt.params["text"]
    opener = prompt.buttons()["Fill in the form instead"]
    await slack.click(opener["action_id"], opener["value"], user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [opened] = slack.calls("views.open")
    view = opened.params["view"]
    blocks = json.dumps(view["blocks"])
    assert "Acme Corp" in blocks and "acme.com" in blocks
    assert "50000 USD" in blocks and "2027-03-31" in blocks
    values = {
        "company": "Acme Corp",
        "domain": "acme.com",
        "value": "50000",  # a bare number: the default currency
        "close_date": "2027-03-31",
        "products": ["Platform"],
        "stage": None,
        "contact": None,
        "notes": None,
    }
    sent = await slack.submit_view(
        "deal-register",
        values,
        private_metadata=str(view["private_metadata"]),
        user="U0REP",
        user_team=OTHER_TEAM,
    )
    assert sent.status == 200 and not sent.body
    await slack.settle()


async def test_a_sentence_registers_and_the_manager_sees_it_waiting(
    slack: SlackDriver, acme: None
) -> None:
    await _register(slack)
    assert any("DR-000001" in c.params["text"] for c in slack.calls("chat.postEphemeral"))

    await slack.dm("anything waiting for my approval?", user="U0MANAGER", channel="D0MANAGER")
    await slack.settle()
    listed = [c for c in slack.calls("chat.postMessage") if c.params["channel"] == "D0MANAGER"]
    assert any("DR-000001" in c.block_text() and "Approve" in c.buttons() for c in listed)
    assert any("50,000 USD" in c.block_text() for c in listed)


async def test_extending_a_named_registration_runs_as_the_partner(
    slack: SlackDriver, acme: None
) -> None:
    await _register(slack)
    before = len(slack.calls("chat.postEphemeral"))
    await slack.mention("can we extend DR-1?", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [answer] = slack.calls("chat.postEphemeral")[before:]
    assert (
        "Only an approved registration can be extended; DR-000001 is pending"
        in (answer.params["text"])
    )


async def test_a_question_about_deals_goes_to_the_knowledge_base(
    slack: SlackDriver, acme: None
) -> None:
    await slack.mention("how does deal protection work?", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    text = "\n".join(c.params.get("text", "") + c.block_text() for c in slack.calls())
    assert "documentation" in text
    assert "Register a deal" not in text and not slack.calls("views.open")


async def test_when_unsure_it_asks_with_buttons(slack: SlackDriver, acme: None) -> None:
    await slack.mention("do you have a partner survey?", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [prompt] = slack.calls("chat.postEphemeral")
    buttons = prompt.buttons()
    assert set(buttons) == {"Survey", "Search the docs"}
    docs = buttons["Search the docs"]
    await slack.click(docs["action_id"], docs["value"], user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    assert "documentation" in "\n".join(c.params.get("text", "") for c in slack.calls()[1:])


async def test_a_guest_is_greeted_by_name_looked_up_once(slack: SlackDriver) -> None:
    await slack.mention("", user="U0GUEST", user_team=OTHER_TEAM)
    await slack.mention("", user="U0GUEST", user_team=OTHER_TEAM)
    await slack.settle()
    greetings = [c.params["text"] for c in slack.calls("chat.postEphemeral")]
    assert greetings == ["Hi Someone! What would you like to do?"] * 2  # not "Hi U0GUEST!"
    assert len(slack.calls("users.info")) == 1
