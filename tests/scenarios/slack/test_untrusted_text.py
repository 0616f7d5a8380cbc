"""What partners type reaches the partner channel and the manager's DM inert: a
Markdown link stays text (no `<https://evil|label>`), `<@U…>` and `<!channel>` notify
nobody. Through the real adapter, on both databases."""

from __future__ import annotations

import re

from bot.core import Place, ids
from bot.core.codec import encode
from bot.slack.inbound import wrap_metadata
from handlers.deals.forms import DealRef
from handlers.deps import Deps
from handlers.notify import thread_of
from scheduling.outbox import deliver_due
from storage.engine import SessionFactory
from tests.scenarios.slack.fakes import OTHER_TEAM, Call, SlackDriver
from tests.scenarios.slack.test_deals import GOOD, _open_modal, world

__all__ = ["world"]

EVIL = "[Open invoice](https://evil.example/pay) <@U0MANAGER> <!channel>"
#: Slack syntax that would make a link, a mention or a broadcast of what was typed.
LIVE = re.compile(r"<https://evil|<@U0MANAGER>|<!channel>")


def _shown(call: Call) -> str:
    return "\n".join([str(call.params.get("text", "")), call.block_text()])


async def test_partner_text_is_inert_in_the_channel_and_the_managers_dm(
    slack: SlackDriver, slack_deps: Deps, sessions: SessionFactory, world: None
) -> None:
    metadata = str((await _open_modal(slack))["private_metadata"])
    hostile = {**GOOD, "company": f"Acme {EVIL}", "notes": f"Notes {EVIL}"}
    await slack.submit_view(
        "deal-register", hostile, private_metadata=metadata, user="U0REP", user_team=OTHER_TEAM
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    [card] = [c for c in slack.calls("chat.postMessage") if "Ask for info" in c.buttons()]

    # The manager asks; the partner answers in the thread with more of the same.
    ask = card.buttons()["Ask for info"]
    await slack.click(
        ask["action_id"], ask["value"], user="U0MANAGER", channel=card.params["channel"]
    )
    await slack.settle()
    view = slack.calls("views.open")[-1].params["view"]
    await slack.submit_view(
        ids.FORM_DEAL_INFO,
        {"reason": "Who signs?"},
        private_metadata=view["private_metadata"],
        user="U0MANAGER",
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    async with sessions() as session:
        thread = await thread_of(session, "deal:1", "slack")
    assert thread is not None
    await slack.thread_message(
        f"Answer {EVIL}",
        thread_ts=str(thread.thread_id),
        user="U0REP",
        channel="C0PARTNER",
        user_team=OTHER_TEAM,
    )
    await slack.settle()
    # ... and marks it lost, with a reason.
    lost = wrap_metadata(encode(DealRef(deal_id=1)), Place("slack", "C0PARTNER"))
    await slack.submit_view(
        ids.FORM_DEAL_LOST,
        {"reason": f"Lost {EVIL}"},
        private_metadata=lost,
        user="U0REP",
        user_team=OTHER_TEAM,
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)

    shown = [c for c in slack.calls() if c.method.startswith("chat.")]
    texts = "\n".join(_shown(c) for c in shown)
    for marker in ("Acme", "Notes", "Answer", "Lost"):
        assert f"{marker} [Open invoice](https://evil.example/pay)" in texts, marker
    assert not [_shown(c) for c in shown if LIVE.search(_shown(c))]
