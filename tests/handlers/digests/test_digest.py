"""The manager's digest: sections, the approval cards' buttons acting through the
router, the due step once per period, the chat commands, and rendering through the real
Slack and Teams renderers within their limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.slack.render import MAX_MESSAGE_BLOCKS, render_reply
from bot.teams import cards
from handlers.deps import Deps
from handlers.digests.build import build_digest, is_blocker
from scheduling.jobs import run_due
from storage import deals as deal_store
from storage import outbox
from storage import people as people_store
from tests.conftest import FIXED_NOW
from tests.handlers.deal_world import (
    ADMIN,
    CHANNEL_A,
    CHANNEL_B,
    MANAGER,
    MANAGER_DM,
    REP_A,
    REP_B,
    build_world,
    button,
    click,
    command,
    register,
    text_of,
)
from tests.handlers.digests.kpi_world import build_kpi_world


@pytest.fixture
async def world(deps: Deps) -> Any:
    sender = await build_world(deps)
    await build_kpi_world(deps)
    return sender


async def _mia_digest(deps: Deps) -> Any:
    async with deps.sessions() as session:
        mia = await people_store.get_person(session, "slack", "U-MIA")
        assert mia is not None
        return await build_digest(
            session, deps, mia, since=datetime(2026, 10, 1, tzinfo=UTC), now=FIXED_NOW
        )


async def test_digest_sections_and_buttons_that_act(deps: Deps, world: Any) -> None:
    await register(deps)  # a pending registration of Acme, no conflict
    held = {"company": "Acme Corp", "domain": "acme.com", "value": "1k USD"}
    await register(deps, REP_B, CHANNEL_B, **held)  # another partner's domain: held
    digest = await _mia_digest(deps)
    titles = [s.title for s in digest.sections]
    assert titles[0] == "Partners at risk"
    assert (
        titles
        == [
            "Partners at risk",
            "Waiting for your approval",
            "Protection ending this week",
            "Check-in answers",
            "Knowledge gaps and unhelpful answers",
            "Your partners this quarter",
        ]
        or "Protection ending this week" not in titles
    )
    risk = "\n".join(digest.sections[0].lines)
    assert "Beta Resellers" in risk  # (active again: it registered the held one today)
    assert "pipeline down 43%" in risk and "last 2 check-ins unanswered" in risk
    answers = next(s for s in digest.sections if s.title == "Check-in answers")
    assert "security review" in answers.lines[0]  # the blocker comes first
    text = "\n".join(r.text for r in digest.replies())
    assert "Gamma" not in text  # Max's partner
    assert "6,000 GBP not counted" in text
    _digest, *approval_cards = digest.replies()
    assert len(approval_cards) == 3  # A3 (EUR), the new one, then the held one
    assert "Horizontal conflict" in approval_cards[2].text
    card = next(c for c in approval_cards if "Acme Corp" in c.text)
    [done] = await click(deps, MANAGER, MANAGER_DM, button(card, "Approve"))
    assert "You approved" in done.text and done.replace_original
    async with deps.sessions() as session:
        pending = await deal_store.list_deals(session, statuses=deal_store.UNDECIDED_STATUSES)
    assert sorted(d.company for d in pending) == ["Acme Corp", "Alpha Three"]  # A3, the held one


async def test_an_empty_period_is_one_line(deps: Deps) -> None:
    await build_world(deps)
    async with deps.sessions() as session:
        mia = await people_store.get_person(session, "slack", "U-MIA")
        assert mia is not None
        digest = await build_digest(session, deps, mia, since=FIXED_NOW, now=FIXED_NOW)
    [only] = digest.replies()
    assert [s.title for s in digest.sections] == ["Your partners this quarter"]
    assert digest.empty and "nothing needs you" in only.text and "\n" not in only.text


async def test_daily_digest_goes_out_once_per_period(deps: Deps, world: Any) -> None:
    replies = await command(deps, MANAGER, MANAGER_DM, "partnerbot", "digest daily 08:30")
    assert "every day at 08:30 (UTC)" in text_of(replies)
    first = await run_due(deps, now=datetime(2026, 11, 27, 8, 31, tzinfo=UTC))
    again = await run_due(deps, now=datetime(2026, 11, 27, 8, 45, tzinfo=UTC))
    assert first.queued["digests"] == 2  # the digest and A3's approval card
    assert again.queued["digests"] == 0
    digests = world.to_user("U-MIA")
    assert any(s.reply.title == "Your digest" for s in digests)
    async with deps.sessions() as session:
        rows = await outbox.list_outbox(session)
    keys = sorted(r.dedupe_key or "" for r in rows if (r.dedupe_key or "").startswith("digest:"))
    assert keys[0].endswith(":2026-11-27") and len(keys) == 2
    assert "off" in text_of(await command(deps, MANAGER, MANAGER_DM, "partnerbot", "digest off"))


async def test_target_and_scorecard_in_chat(deps: Deps, world: Any) -> None:
    said = text_of(
        await command(deps, MANAGER, MANAGER_DM, "partnerbot", "target Beta Resellers 250k")
    )
    assert "Beta Resellers" in said and "250,000 USD" in said and "2026Q4" in said
    [card] = await command(deps, MANAGER, MANAGER_DM, "partnerbot", "scorecard Acme Partners")
    facts = {f.label: f.value for f in card.facts}
    assert facts["Won"].startswith("12,000 USD (1 registrations) · 2026Q3: 5,000 USD")
    assert "12% reached" in facts["Target"]
    assert card.warning is not None and "check-ins unanswered" in card.warning
    refused = text_of(
        await command(deps, MANAGER, MANAGER_DM, "partnerbot", "scorecard Gamma Distribution")
    )
    assert "not one of your partners" in refused
    async with deps.sessions() as session, session.begin():
        await people_store.upsert_person(session, "slack", "U-ANNA", role="partner_admin")
    [own] = await command(deps, REP_A, CHANNEL_A, "partnerbot", "scorecard")
    assert own.title is not None and "Acme Partners" in own.title
    other = text_of(await command(deps, REP_A, CHANNEL_A, "partnerbot", "scorecard Beta Resellers"))
    assert "own organisation" in other
    admin_view = await command(
        deps, ADMIN, MANAGER_DM, "partnerbot", "scorecard Gamma Distribution"
    )
    assert "Gamma" in (admin_view[0].title or "")


def test_blockers_are_recognised_and_negations_are_not() -> None:
    assert is_blocker("Blocked: waiting on legal")
    assert is_blocker("we're stuck on pricing")
    assert not is_blocker("No blockers this week")
    assert not is_blocker("Two demos booked.")


async def test_a_huge_digest_fits_slack_and_teams(
    deps: Deps, world: Any, adaptive_card_validator: Any
) -> None:
    for n in range(40):
        await register(deps, company=f"Huge Customer {n} " + "x" * 150, domain=f"huge{n}.example")
    digest = await _mia_digest(deps)
    waiting = next(s for s in digest.sections if s.title == "Waiting for your approval")
    assert waiting.more > 0
    validator = adaptive_card_validator
    for reply in digest.replies():
        rendered = render_reply(reply)
        blocks = rendered.blocks
        assert len(blocks) <= MAX_MESSAGE_BLOCKS
        for block in blocks:
            Block.parse(block).validate_json()  # type: ignore[union-attr]
        card = cards.reply_card(reply)
        assert list(validator.iter_errors(card)) == []
        assert cards.card_size(card) < 28 * 1024
    body = json.dumps(render_reply(digest.replies()[0]).blocks)
    # cut by the digest ("and N more"), not by the renderer: the last section is whole
    assert f"and {waiting.more} more" in body and "Beta Resellers*: won" in body
