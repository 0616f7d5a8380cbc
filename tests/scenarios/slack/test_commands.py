"""Slash commands end to end: signed HTTP -> PartnerBot -> fake Slack Web API."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import func, select

from bot.core import Reply, Request
from bot.slack import commands
from handlers.caller import Caller
from handlers.deps import Deps
from storage import audit
from storage import partners as partner_store
from storage.engine import SessionFactory
from tests.routing import add_routes
from tests.scenarios.slack.conftest import MakePerson
from tests.scenarios.slack.fakes import OTHER_TEAM, SlackDriver


async def test_url_verification_echoes_the_challenge(slack: SlackDriver) -> None:
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    sent = await slack.post(body, content_type="application/json")
    assert sent.status == 200
    assert sent.json() == {"challenge": "c-123"}


async def test_partnerbot_help_answers_only_the_asker_in_the_ack(slack: SlackDriver) -> None:
    sent = await slack.command("/partnerbot", "help", user="U0REP")
    assert (sent.status, sent.content_type) == (200, "application/json")
    assert sent.message()["response_type"] == "ephemeral"
    assert "What I can do for you" in sent.block_text()
    assert "/register-deal" in sent.message()["text"]
    again = await slack.command("/partnerbot", "help", user="U0REP")  # from the caller cache
    assert again.message() == sent.message()
    await slack.settle()
    assert slack.api.api_calls() == []  # answered without a Web API call


async def test_unknown_subcommand_shows_help(slack: SlackDriver) -> None:
    sent = await slack.command("/partnerbot", "frobnicate now")
    assert "What I can do for you" in sent.block_text()


async def test_slow_command_is_acked_at_once_and_answered_later(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def slow(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
        await asyncio.sleep(0.3)  # stands in for an LLM call
        return [Reply(text="Here is your answer", visibility="only_actor")]

    monkeypatch.setattr(commands, "ACK_BUDGET_SECONDS", 0.05)
    add_routes(monkeypatch, commands={"slow": slow})
    sent = await slack.command("/partnerbot", "slow", user="U0REP")
    assert sent.status == 200 and sent.body == ""
    await slack.settle()
    [call] = slack.calls("chat.postEphemeral")
    assert call.params["text"] == "Here is your answer"
    assert call.params["user"] == "U0REP"


async def _partner_count(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return len(await partner_store.list_partners(session))


async def test_manager_links_the_channel_to_a_new_partner(
    slack: SlackDriver, make_person: MakePerson, sessions: SessionFactory
) -> None:
    await make_person("U0MANAGER", role="manager", name="Maria")
    sent = await slack.command("/partnerbot", "link Acme tier=gold", user="U0MANAGER")
    assert sent.status == 200
    await slack.settle()
    [call] = slack.calls("chat.postMessage")
    assert call.params["channel"] == "C0PARTNER"
    assert "Created partner and linked this channel to *Acme*" in call.block_text()
    assert "gold" in call.block_text()
    async with sessions() as session:
        [partner] = await partner_store.list_partners(session)
        assert partner.name == "Acme" and partner.tier == "gold"
        assert [(c.platform, c.channel_id) for c in partner.channels] == [("slack", "C0PARTNER")]
        assert [e.action for e in await audit.list_audit(session)] == ["partner.link"]


async def test_partner_rep_cannot_link(slack: SlackDriver, sessions: SessionFactory) -> None:
    sent = await slack.command("/partnerbot", "link Acme tier=gold", user="U0REP")
    assert "only channel managers" in sent.message()["text"]
    await slack.settle()
    assert await _partner_count(sessions) == 0
    assert not slack.calls("chat.postMessage")


async def test_external_user_is_never_staff(
    slack: SlackDriver, make_person: MakePerson, sessions: SessionFactory
) -> None:
    # Same user id as a manager in our records, but the request comes from another org.
    await make_person("U0GUEST", role="manager")
    sent = await slack.command("/partnerbot", "link Acme", user="U0GUEST", team=OTHER_TEAM)
    assert "only channel managers" in sent.message()["text"]
    await slack.settle()
    assert await _partner_count(sessions) == 0
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(audit.AuditEntry)) == 0
