"""The digest through the real Slack adapter: the manager sets it with the slash
command, run_due sends it to their DM with an approval card, and the card's Approve
button (a signed block_actions request) decides the registration."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.deps import Deps
from scheduling.jobs import run_due
from storage import deals as deal_store
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory
from tests.handlers.digests.kpi_world import at, seed_deal
from tests.scenarios.slack.fakes import SlackDriver

DUE = datetime(2026, 11, 27, 7, 30, tzinfo=UTC)  # 08:30 Europe/Berlin


async def test_digest_in_the_dm_and_its_approve_button_acts(
    slack: SlackDriver, slack_deps: Deps, sessions: SessionFactory
) -> None:
    async with sessions() as session, session.begin():
        manager = await people_store.upsert_person(
            session, "slack", "U0MANAGER", name="Mia", role="manager"
        )
        acme = await partner_store.add_partner(session, "Acme", manager_id=manager.id)
        await partner_store.link_channel(session, acme, platform="slack", channel_id="C0PARTNER")
        await seed_deal(session, acme.id, "Globex", submitted=at(11, 25), value=40_000)

    sent = await slack.command(
        "/partnerbot", "digest daily 08:30 Europe/Berlin", user="U0MANAGER", channel="D0MGR"
    )
    assert sent.status == 200
    await slack.settle()

    report = await run_due(slack_deps, now=DUE)
    assert report.queued["digests"] == 2 and report.delivery.sent >= 2
    posts = slack.calls("chat.postMessage")
    [digest] = [c for c in posts if "Your digest" in c.params["text"]]
    assert "Waiting for your approval" in digest.block_text()
    assert len(digest.blocks()) <= 50
    # (the stalled-approval reminder brings its own card too; this is the digest's)
    [card] = [c for c in posts if "Waiting for your approval: DR-" in c.params["text"]]
    approve = card.buttons()["Approve"]
    await slack.click(
        approve["action_id"], approve["value"], user="U0MANAGER", channel=card.params["channel"]
    )
    await slack.settle()
    async with sessions() as session:
        deal = await deal_store.get_deal(session, 1)
    assert deal is not None and deal.status == "approved"

    again = await run_due(slack_deps, now=DUE.replace(minute=45))
    assert again.queued["digests"] == 0


async def test_app_home_shows_the_callers_scorecard(
    slack: SlackDriver, slack_deps: Deps, sessions: SessionFactory
) -> None:
    async with sessions() as session, session.begin():
        manager = await people_store.upsert_person(
            session, "slack", "U0MANAGER", name="Mia", role="manager"
        )
        acme = await partner_store.add_partner(session, "Acme", manager_id=manager.id)
        beta = await partner_store.add_partner(session, "Beta", manager_id=manager.id)
        await seed_deal(session, acme.id, "Globex", submitted=at(11, 25), value=40_000)
        await people_store.upsert_person(
            session, "slack", "U0ADMIN", name="Pat", role="partner_admin", partner_id=beta.id
        )

    for user in ("U0MANAGER", "U0ADMIN"):
        event = {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}
        assert (await slack.event(event)).status == 200
        await slack.settle()
    manager_view, admin_view = slack.calls("views.publish")
    assert manager_view.params["user_id"] == "U0MANAGER"
    shown = str(manager_view.params["view"])
    assert "Your partners" in shown and "Acme" in shown and "Beta" in shown
    assert manager_view.params["view"]["type"] == "home"
    theirs = str(admin_view.params["view"])
    assert "Scorecard: Beta" in theirs and "Acme" not in theirs
