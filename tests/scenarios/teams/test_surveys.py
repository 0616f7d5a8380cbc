"""Surveys through the real Teams adapter: the manager sends one in the channel,
run_due posts the first question as a card with score buttons, a partner answers in
the reply chain in words (a short line confirms, the next question follows in the same
chain), another clicks a score button, and the results count both; an edited answer (Teams
messageUpdate) replaces the first."""

from __future__ import annotations

from handlers.deps import Deps
from handlers.notify import thread_of
from handlers.surveys.results import results_of
from scheduling.jobs import run_due
from storage import partners as partner_store
from storage import people as people_store
from tests.conftest import FIXED_NOW
from tests.scenarios.teams.fakes import ALICE, BOB, CHANNEL_ID, GUEST, TeamsDriver


async def test_answers_in_the_reply_chain_and_by_button(teams: TeamsDriver, deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        alice = await people_store.upsert_person(
            session, "teams", ALICE.id, name=ALICE.name, role="manager"
        )
        acme = await partner_store.add_partner(session, "Acme", tier="gold", manager_id=alice.id)
        await partner_store.link_channel(session, acme, platform="teams", channel_id=CHANNEL_ID)
        for user in (BOB, GUEST):
            await people_store.upsert_person(
                session, "teams", user.id, name=user.name, partner_id=acme.id
            )

    teams.mark()
    await teams.channel("partnerbot survey send nps", user=ALICE)
    # Said only to the manager: in their 1:1 chat, with a pointer to it in the channel.
    sent = await teams.wait_for(2)
    assert any("Survey run 1 is on its way" in m.shown for m in sent)

    teams.mark()
    report = await run_due(deps, now=FIXED_NOW)
    assert report.delivery.sent == 1
    [post] = teams.since()
    assert "How likely are you to recommend partnering with us?" in post.shown
    assert [b["title"] for b in post.buttons] == [str(n) for n in range(11)]
    async with deps.sessions() as session:
        thread = await thread_of(session, "survey:1.1.1", "teams")
    assert thread is not None
    root = str(thread.thread_id)

    teams.mark()
    await teams.channel("nine", thread=root, mention=False, user=BOB, post_id="bob-score")
    ack, follow = await teams.wait_for(2)
    assert "Thanks, noted." in ack.shown
    assert "What is the main reason for your score?" in follow.shown
    assert follow.conversation_id == f"{CHANNEL_ID};messageid={root}"

    teams.mark()
    await teams.click(post, "7", user=GUEST)
    shown = "\n".join(s.shown for s in await teams.wait_for(2))
    assert "Thanks — 7 noted." in shown and "main reason" in shown

    teams.mark()
    await teams.channel("Great support", thread=root, mention=True, user=BOB)
    [done] = await teams.wait_for(1)
    assert "that's all" in done.shown

    teams.mark()
    await teams.channel("partnerbot survey results 1", user=ALICE)
    refused = await teams.wait_for(2)  # the refusal in their 1:1 chat, a pointer here
    assert not any("promoters" in m.shown for m in refused)
    assert any("direct message" in m.shown for m in refused)
    teams.mark()
    await teams.personal("partnerbot survey results 1", user=ALICE)
    [shown] = await teams.wait_for(1)
    assert "1 promoters, 1 passives, 0 detractors" in shown.shown

    results = await results_of(deps, 1)
    nps = results.questions[0]
    assert (nps.nps, nps.promoters, nps.passives, nps.detractors) == (50, 1, 1, 0)
    assert [c["text"] for c in results.comments] == ["Great support"]

    # Bob edits his score in the reply chain: the answer changes, nothing is posted.
    teams.mark()
    await teams.channel("6", thread=root, mention=False, user=BOB, post_id="bob-score", edit=True)
    await teams.channel("nonsense", thread=root, mention=False, user=BOB, edit=True)
    assert teams.since() == []
    nps = (await results_of(deps, 1)).questions[0]
    assert (nps.nps, nps.promoters, nps.passives, nps.detractors) == (-50, 0, 1, 1)
