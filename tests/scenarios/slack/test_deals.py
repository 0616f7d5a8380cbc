"""Deal registration through the real Slack adapter: signed requests -> fake Web API.

`/register-deal` opens the modal within the request; a bad date comes back as
`response_action: errors` on its block; a good submission is stored once, confirmed in
a thread of the partner's channel (after the outbox runs) and sent to the manager as a
DM card; the manager's Approve click posts the decision into that thread.
"""

from __future__ import annotations

import json

import pytest

from handlers.admin import offboarding
from handlers.deps import Deps
from handlers.notify import thread_of
from scheduling.outbox import deliver_due
from storage import audit
from storage import deals as deal_store
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory
from tests.scenarios.slack.fakes import OTHER_TEAM, SlackDriver

GOOD = {
    "company": "Acme Corp",
    "domain": "https://www.acme.com/",
    "value": "50k USD",
    "close_date": "2027-03-31",
    "products": ["Platform"],
    "stage": "qualified",
    "contact": None,
    "notes": None,
}


@pytest.fixture
async def world(sessions: SessionFactory) -> None:
    """Acme (C0PARTNER, rep U0REP, a Slack Connect guest) and Beta (C0BETA, rep U0BETA),
    both owned by manager U0MANAGER."""
    async with sessions() as session, session.begin():
        manager = await people_store.upsert_person(
            session, "slack", "U0MANAGER", name="Mia", role="manager"
        )
        for name, channel, rep in (("Acme", "C0PARTNER", "U0REP"), ("Beta", "C0BETA", "U0BETA")):
            partner = await partner_store.add_partner(session, name, manager_id=manager.id)
            await partner_store.link_channel(session, partner, platform="slack", channel_id=channel)
            await people_store.upsert_person(
                session, "slack", rep, name=rep, partner_id=partner.id, is_external=True
            )


async def _open_modal(slack: SlackDriver, text: str = "") -> dict[str, object]:
    sent = await slack.command("/register-deal", text, user="U0REP", team=OTHER_TEAM)
    assert sent.status == 200
    await slack.settle()
    [opened] = slack.calls("views.open")
    return opened.params["view"]  # type: ignore[no-any-return]


async def _count(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return await deal_store.count_deals(session)


async def test_register_validate_confirm_in_thread_and_approve(
    slack: SlackDriver, slack_deps: Deps, sessions: SessionFactory, world: None
) -> None:
    view = await _open_modal(slack, "Acme Corp acme.com 50k USD close 2027-03-31")
    assert view["callback_id"] == "deal-register"
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    assert [b["block_id"] for b in blocks if b["type"] == "input"] == [
        "company",
        "domain",
        "value",
        "close_date",
        "products",
        "stage",
        "contact",
        "notes",
    ]
    assert "Acme Corp" in json.dumps(blocks) and "2027-03-31" in json.dumps(blocks)
    metadata = str(view["private_metadata"])

    bad = await slack.submit_view(
        "deal-register",
        {**GOOD, "close_date": "2020-01-01"},
        private_metadata=metadata,
        user="U0REP",
        user_team=OTHER_TEAM,
    )
    assert bad.json()["response_action"] == "errors"
    assert list(bad.json()["errors"]) == ["close_date"]
    assert await _count(sessions) == 0

    good = await slack.submit_view(
        "deal-register", GOOD, private_metadata=metadata, user="U0REP", user_team=OTHER_TEAM
    )
    assert good.status == 200 and not good.body
    retry = await slack.submit_view(
        "deal-register", GOOD, private_metadata=metadata, user="U0REP", user_team=OTHER_TEAM
    )
    assert retry.status == 200
    await slack.settle()
    assert await _count(sessions) == 1
    confirmations = [
        c for c in slack.calls("chat.postEphemeral") if "DR-000001" in c.params["text"]
    ]
    assert confirmations and all(c.params["user"] == "U0REP" for c in confirmations)

    await deliver_due(slack_deps, per_channel_interval=0)
    [root] = [c for c in slack.calls("chat.postMessage") if c.params["channel"] == "C0PARTNER"]
    assert "DR-000001" in root.params["text"] and "thread_ts" not in root.params
    [card] = [c for c in slack.calls("chat.postMessage") if "Approve" in c.buttons()]
    assert card.params["channel"] != "C0PARTNER"  # a DM to the manager
    approve = card.buttons()["Approve"]

    await slack.click(
        approve["action_id"], approve["value"], user="U0MANAGER", channel=card.params["channel"]
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    decision = slack.calls("chat.postMessage")[-1]
    assert decision.params["channel"] == "C0PARTNER"
    assert decision.params.get("thread_ts")  # posted in the registration's thread
    assert "approved" in decision.params["text"]
    async with sessions() as session:
        deal = await deal_store.get_deal(session, 1)
    assert deal is not None and deal.status == "approved"


async def test_deals_are_private_to_each_partner(
    slack: SlackDriver, slack_deps: Deps, world: None
) -> None:
    metadata = str((await _open_modal(slack))["private_metadata"])
    await slack.submit_view(
        "deal-register", GOOD, private_metadata=metadata, user="U0REP", user_team=OTHER_TEAM
    )
    await slack.settle()
    sent = await slack.command("/deals", "", user="U0BETA", channel="C0BETA", team=OTHER_TEAM)
    await slack.settle()
    seen = "\n".join(c.block_text() + c.params.get("text", "") for c in slack.calls())
    later = [c for c in slack.calls("chat.postEphemeral") if c.params["user"] == "U0BETA"]
    beta_text = sent.body + "\n".join(c.block_text() + c.params["text"] for c in later)
    assert "No deal registrations" in sent.json()["text"]  # answered in the ack, ephemeral
    assert sent.json()["response_type"] == "ephemeral"
    assert "DR-000001" not in beta_text and "acme.com" not in beta_text
    assert "DR-000001" in seen  # Acme's own confirmation did go out (to Acme only)


async def test_the_manager_asks_for_info_and_the_partner_answers_in_the_thread(
    slack: SlackDriver, slack_deps: Deps, sessions: SessionFactory, world: None
) -> None:
    metadata = str((await _open_modal(slack))["private_metadata"])
    await slack.submit_view(
        "deal-register", GOOD, private_metadata=metadata, user="U0REP", user_team=OTHER_TEAM
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    [card] = [c for c in slack.calls("chat.postMessage") if "Ask for info" in c.buttons()]
    ask = card.buttons()["Ask for info"]
    await slack.click(
        ask["action_id"], ask["value"], user="U0MANAGER", channel=card.params["channel"]
    )
    await slack.settle()
    question_view = slack.calls("views.open")[-1].params["view"]
    assert question_view["callback_id"] == "deal-info-question"
    await slack.submit_view(
        "deal-info-question",
        {"reason": "Who signs the contract?"},
        private_metadata=question_view["private_metadata"],
        user="U0MANAGER",
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    async with sessions() as session:
        thread = await thread_of(session, "deal:1", "slack")
    assert thread is not None and thread.channel_id == "C0PARTNER"
    [question] = [c for c in slack.calls("chat.postMessage") if "Who signs" in c.params["text"]]
    assert question.params["thread_ts"] == thread.thread_id

    await slack.thread_message(
        "Our CFO, Jane Roe.",
        thread_ts=str(thread.thread_id),
        user="U0REP",
        channel="C0PARTNER",
        user_team=OTHER_TEAM,
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    forwarded = [c for c in slack.calls("chat.postMessage") if "Jane Roe" in c.params["text"]]
    assert forwarded and forwarded[-1].params["channel"] == card.params["channel"]
    async with sessions() as session:
        deal = await deal_store.get_deal(session, 1)
    assert deal is not None and deal.status == "pending"


async def test_a_manager_removed_elsewhere_cannot_approve_from_an_old_card(
    slack: SlackDriver, slack_deps: Deps, sessions: SessionFactory, world: None
) -> None:
    view = await _open_modal(slack, "Acme Corp acme.com 50k USD")
    await slack.submit_view(
        "deal-register",
        GOOD,
        private_metadata=str(view["private_metadata"]),
        user="U0REP",
        user_team=OTHER_TEAM,
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    [card] = [c for c in slack.calls("chat.postMessage") if "Approve" in c.buttons()]
    approve = card.buttons()["Approve"]
    # `partnerbot admin remove-manager` in another process: its own session and commit.
    async with sessions() as session, session.begin():
        removal = await offboarding.remove_manager(
            session, "slack", "U0MANAGER", actor="cli", deps=slack_deps
        )
    assert removal.released == ("Acme", "Beta")

    await slack.click(
        approve["action_id"], approve["value"], user="U0MANAGER", channel=card.params["channel"]
    )
    await slack.settle()
    refusal = slack.calls("chat.postMessage")[-1]  # in the manager's DM, where the card is
    assert refusal.params["channel"] == card.params["channel"]
    assert "couldn't find" in refusal.params["text"]
    async with sessions() as session:
        deal = await deal_store.get_deal(session, 1)
        entries = await audit.list_audit(session)
    assert deal is not None and deal.status == "pending"
    assert [e.action for e in entries if e.subject == "slack:U0MANAGER"] == [
        "person.remove_manager"
    ]


async def test_the_partner_withdraws_and_the_managers_card_stops_acting(
    slack: SlackDriver, slack_deps: Deps, sessions: SessionFactory, world: None
) -> None:
    metadata = str((await _open_modal(slack))["private_metadata"])
    await slack.submit_view(
        "deal-register", GOOD, private_metadata=metadata, user="U0REP", user_team=OTHER_TEAM
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    [card] = [c for c in slack.calls("chat.postMessage") if "Approve" in c.buttons()]

    await slack.command("/deals", "", user="U0REP", team=OTHER_TEAM)
    await slack.settle()
    [row] = [c for c in slack.calls("chat.postEphemeral") if "Withdraw" in c.buttons()]
    withdraw = row.buttons()["Withdraw"]
    await slack.click(withdraw["action_id"], withdraw["value"], user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    view = slack.calls("views.open")[-1].params["view"]
    assert view["callback_id"] == "deal-withdraw-form"
    empty = await slack.submit_view(
        "deal-withdraw-form",
        {"reason": ""},
        private_metadata=view["private_metadata"],
        user="U0REP",
        user_team=OTHER_TEAM,
    )
    assert empty.json()["response_action"] == "errors" and "reason" in empty.json()["errors"]
    await slack.submit_view(
        "deal-withdraw-form",
        {"reason": "Customer bought direct"},
        private_metadata=view["private_metadata"],
        user="U0REP",
        user_team=OTHER_TEAM,
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    told = [c for c in slack.calls("chat.postMessage") if "withdrew" in c.params["text"]]
    assert {c.params["channel"] for c in told} == {"C0PARTNER", card.params["channel"]}
    assert all("Customer bought direct" in c.params["text"] for c in told)

    approve = card.buttons()["Approve"]
    await slack.click(
        approve["action_id"], approve["value"], user="U0MANAGER", channel=card.params["channel"]
    )
    await slack.settle()
    async with sessions() as session:
        deal = await deal_store.get_deal(session, 1)
        events = await deal_store.list_events(session, 1)
    assert deal is not None and deal.status == "withdrawn"
    assert [e.kind for e in events] == ["submitted", "withdrawn"]  # the late click did nothing
