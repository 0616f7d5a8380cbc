"""Knowledge answers stay with the partner they were given to (issue #9, items 2 and 3),
through the real Slack adapter: a question id is found only for the person or partner
who asked it, and a manager asking in a partner's channel is answered at that
partner's tier."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.ingest import ingest
from scheduling.outbox import deliver_due
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory
from tests.handlers.kb_world import SAMPLE
from tests.scenarios.slack.fakes import OTHER_TEAM, Call, SlackDriver
from tests.scenarios.slack.test_knowledge import answer_calls, buttons

GOLD_ONLY = ("20%", "30%", "Partner Pricing")


@pytest.fixture
async def world(slack_deps: Deps, sessions: SessionFactory) -> None:
    """The sample KB; Goldco (gold) in C0GOLD with rep U0GOLD, owned by U0GOLDMGR;
    Bronzeco (bronze) in C0BRONZE with rep U0BRONZE, owned by U0BRONZEMGR."""
    await ingest(slack_deps, [SAMPLE])
    async with sessions() as session, session.begin():
        for name, tier in (("Goldco", "gold"), ("Bronzeco", "bronze")):
            key = name[:-2].upper()
            manager = await people_store.upsert_person(
                session, "slack", f"U0{key}MGR", name=f"{name} manager", role="manager"
            )
            partner = await partner_store.add_partner(
                session, name, tier=tier, manager_id=manager.id
            )
            await partner_store.link_channel(
                session, partner, platform="slack", channel_id=f"C0{key}"
            )
            await people_store.upsert_person(
                session, "slack", f"U0{key}", name=f"{name} rep", partner_id=partner.id,
                is_external=True,
            )  # fmt: skip


def shown(call: Call) -> str:
    return f"{call.params.get('text', '')}\n{call.block_text()}"


async def test_a_feedback_click_on_another_partners_question_reveals_nothing(
    slack: SlackDriver, world: None
) -> None:
    await slack.mention(
        "what discount do gold partners get on list price?",
        user="U0GOLD", channel="C0GOLD", user_team=OTHER_TEAM,
    )  # fmt: skip
    await slack.settle()
    [gold_answer] = answer_calls(slack)
    assert "20%" in gold_answer.params["text"]  # the gold partner may see it
    helpful = buttons(gold_answer)["Helpful"]
    before = len(slack.calls())

    # A bronze rep forges the same button in their own channel.
    await slack.click(
        helpful["action_id"], helpful["value"], user="U0BRONZE", channel="C0BRONZE",
        user_team=OTHER_TEAM,
    )  # fmt: skip
    await slack.settle()
    assert slack.calls("chat.update") == []
    later = slack.calls()[before:]
    assert later, "the bronze rep is told something"
    for call in later:
        assert not any(secret in shown(call) for secret in GOLD_ONLY), shown(call)
    assert "no longer on record" in slack.calls("chat.postEphemeral")[-1].params["text"]


async def test_ask_my_manager_with_another_partners_question_id_is_refused(
    slack: SlackDriver, world: None, slack_deps: Deps
) -> None:
    await slack.mention(
        "can gold partners pay in bitcoin?", user="U0GOLD", channel="C0GOLD", user_team=OTHER_TEAM
    )
    await slack.settle()
    [gold_answer] = answer_calls(slack)
    ask = buttons(gold_answer)["Ask my channel manager"]

    await slack.click(
        ask["action_id"], ask["value"], user="U0BRONZE", channel="C0BRONZE", user_team=OTHER_TEAM
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    assert not [c for c in slack.calls("chat.postMessage") if "bitcoin" in c.params["text"]]
    assert slack.calls("chat.update") == []
    assert "no longer on record" in slack.calls("chat.postEphemeral")[-1].params["text"]

    # The gold rep who asked still can.
    await slack.click(
        ask["action_id"], ask["value"], user="U0GOLD", channel="C0GOLD", user_team=OTHER_TEAM
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    [to_manager] = [c for c in slack.calls("chat.postMessage") if "bitcoin" in c.params["text"]]
    assert "from *Goldco*" in to_manager.params["text"]


@pytest.mark.parametrize("how", ["slash", "mention"])
async def test_a_manager_asking_in_a_bronze_channel_gets_a_bronze_answer(
    slack: SlackDriver, world: None, how: str
) -> None:
    question = "what discount do gold partners get on list price?"
    if how == "slash":
        await slack.command("/ask", question, user="U0BRONZEMGR", channel="C0BRONZE")
    else:
        await slack.mention(question, user="U0BRONZEMGR", channel="C0BRONZE")
    await slack.settle()
    [answer] = answer_calls(slack)
    assert answer.params["channel"] == "C0BRONZE"
    assert not any(secret in shown(answer) for secret in GOLD_ONLY), shown(answer)


async def test_a_manager_asking_in_a_dm_still_sees_everything(
    slack: SlackDriver, world: None
) -> None:
    await slack.dm(
        "what discount do gold partners get on list price?", user="U0BRONZEMGR", channel="D0MGR"
    )
    await slack.settle()
    [answer] = answer_calls(slack)
    assert "20%" in answer.params["text"]


@pytest.mark.parametrize("value", ["9" * 30, "2147483648", "\u00b2", "-1", "0"])
async def test_a_question_id_that_is_no_row_is_not_on_record(
    slack: SlackDriver, world: None, value: str
) -> None:
    await slack.click(f"kb-helpful:{value}", value, user="U0GOLD", channel="C0GOLD")
    await slack.settle()
    [reply] = slack.calls("chat.postEphemeral")
    assert "no longer on record" in reply.params["text"]
