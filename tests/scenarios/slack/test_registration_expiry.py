"""A registration by conversation left unanswered expires (REGISTRATION_DRAFT_HOURS),
through the real Slack adapter: the scheduled run drops its answers, a reply in its
thread says so and how to start again, its buttons register nothing, and "register …"
in the same thread starts a new one there."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.settings import Settings
from handlers.deps import Deps
from storage import deals as deal_store
from storage.engine import SessionFactory
from tests.scenarios.drafts import MovableClock, drafts, expire_after
from tests.scenarios.slack.fakes import OTHER_TEAM, Call, SlackDriver


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def slack_deps(slack_settings: Settings, sessions: SessionFactory, clock: MovableClock) -> Deps:
    return Deps(settings=slack_settings, sessions=sessions, clock=clock)


async def _say(slack: SlackDriver, text: str, *, thread: str) -> list[Call]:
    before = len(slack.calls("chat.postMessage"))
    await slack.thread_message(text, thread_ts=thread, user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    return slack.calls("chat.postMessage")[before:]


async def test_an_unanswered_draft_expires_and_its_thread_says_how_to_start_again(
    slack: SlackDriver, acme: None, slack_deps: Deps, clock: MovableClock
) -> None:
    await slack.mention("register Acme Corp, acme.com please", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [asked] = slack.calls("chat.postMessage")
    thread = asked.params["thread_ts"]
    assert "I keep your answers for 24 hours" in asked.params["text"]
    form_button = asked.buttons()["Fill in the form instead"]

    assert await expire_after(slack_deps, clock, hours=23) == 0  # not yet
    assert await expire_after(slack_deps, clock, hours=2) == 1
    [draft] = await drafts(slack_deps)
    assert draft.expired_at == clock.now and draft.values == {} and draft.asking is None

    [told] = await _say(slack, "50k", thread=thread)
    assert told.params["thread_ts"] == thread
    assert "This registration expired" in told.params["text"]
    assert "nothing was registered" in told.params["text"]
    assert "register" in told.params["text"] and "Register a deal" in told.buttons()

    before = len(slack.calls())
    await slack.click(
        form_button["action_id"], form_button["value"], user="U0REP", user_team=OTHER_TEAM
    )
    await slack.settle()
    clicked = slack.calls()[before:]
    assert not [c for c in clicked if c.method == "views.open"]  # no stale form
    assert any("This registration expired" in c.params.get("text", "") for c in clicked)

    # "register …" in the same thread starts again there; the new draft owns the thread.
    [asked] = await _say(slack, "register Acme Corp, acme.com", thread=thread)
    assert "Estimated value and currency?" in asked.params["text"]
    [asked] = await _say(slack, "50k", thread=thread)
    assert "Expected close date?" in asked.params["text"]
    assert len(await drafts(slack_deps)) == 2
    async with slack_deps.sessions() as session:
        assert await deal_store.count_deals(session) == 0


async def test_a_draft_past_its_hours_is_expired_even_before_the_run_and_never_registers(
    slack: SlackDriver, acme: None, slack_deps: Deps, clock: MovableClock
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

    clock.now += timedelta(hours=slack_deps.settings.registration_draft_hours)
    before = len(slack.calls())
    await slack.click(register["action_id"], register["value"], user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    told = "\n".join(c.params.get("text", "") for c in slack.calls()[before:])
    assert "This registration expired" in told
    async with slack_deps.sessions() as session:
        assert await deal_store.count_deals(session) == 0
