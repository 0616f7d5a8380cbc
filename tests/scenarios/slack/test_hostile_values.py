"""Odd values typed into Slack reach the database cleaned or come back as a field
error, the same on SQLite and PostgreSQL (issue #9, items 13, 14 and the smaller ones):
a 400-digit amount, U+0000 in a company or a question, an overlong `tier=`, `link ""`,
an invalid punycode domain, RTL overrides in a company name."""

from __future__ import annotations

import pytest

from storage import deals as deal_store
from storage import kb_questions as question_store
from storage import partners as partner_store
from storage.engine import SessionFactory
from tests.scenarios.slack.fakes import OTHER_TEAM, SlackDriver
from tests.scenarios.slack.test_deals import GOOD

APOLOGY = "Sorry"


def no_apology(slack: SlackDriver) -> None:
    for call in slack.calls():
        assert APOLOGY not in str(call.params.get("text", "")), call.params


async def _metadata(slack: SlackDriver, text: str) -> str:
    sent = await slack.command("/register-deal", text, user="U0REP", team=OTHER_TEAM)
    assert sent.status == 200
    await slack.settle()
    no_apology(slack)
    opened = slack.calls("views.open")[-1]
    return str(opened.params["view"]["private_metadata"])


async def _submit(slack: SlackDriver, metadata: str, **values: str) -> dict[str, str]:
    sent = await slack.submit_view(
        "deal-register", {**GOOD, **values}, private_metadata=metadata, user="U0REP",
        user_team=OTHER_TEAM,
    )  # fmt: skip
    assert sent.status == 200
    body = sent.json() if sent.body else {}
    return dict(body.get("errors", {}))


async def test_a_400_digit_amount_is_a_field_error(
    slack: SlackDriver, acme: None, sessions: SessionFactory
) -> None:
    huge = "9" * 400
    metadata = await _metadata(slack, f"Acme {huge} USD")
    errors = await _submit(slack, metadata, value=f"{huge} USD")
    assert list(errors) == ["value"] and "too large" in errors["value"]
    async with sessions() as session:
        assert await deal_store.count_deals(session) == 0


@pytest.mark.parametrize("domain", ["xn--zz.com", "https://xn--a.example.com"])
async def test_an_invalid_punycode_domain_is_a_field_error(
    slack: SlackDriver, acme: None, domain: str
) -> None:
    metadata = await _metadata(slack, "Acme")
    errors = await _submit(slack, metadata, domain=domain)
    assert list(errors) == ["domain"]


async def test_nul_controls_and_bidi_overrides_never_reach_the_database(
    slack: SlackDriver, acme: None, sessions: SessionFactory
) -> None:
    metadata = await _metadata(slack, "")
    company = "Ac\x00me \u202eCorp\u202c\x1b[31m"
    errors = await _submit(slack, metadata, company=company, notes="line one\x00\nline two")
    assert errors == {}
    await slack.settle()
    no_apology(slack)
    async with sessions() as session:
        [deal] = await deal_store.list_deals(session)
    assert (deal.company, deal.notes) == ("Acme Corp[31m", "line one\nline two")


async def test_a_200_character_company_in_eszett_or_ligatures_is_registered(
    slack: SlackDriver, acme: None, sessions: SessionFactory
) -> None:
    for n, name in enumerate(("ß" * 200, "ﬃ" * 200)):
        metadata = await _metadata(slack, "")
        assert await _submit(slack, metadata, company=name, domain=f"x{n}.com") == {}
        await slack.settle()
        no_apology(slack)
    async with sessions() as session:
        assert await deal_store.count_deals(session) == 2


async def test_a_question_with_nul_is_answered(
    slack: SlackDriver, acme: None, sessions: SessionFactory
) -> None:
    await slack.mention("is lumora\x00 soc 2 certified?", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    no_apology(slack)
    async with sessions() as session:
        [question] = await question_store.list_questions(session)
    assert question.text == "is lumora soc 2 certified?"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('""', "give the partner's name"),
        ("''", "give the partner's name"),
        ("Acme tier=" + "g" * 51, "a tier has at most 50 characters"),
        ("Acme tier=%", "a tier is letters and digits"),
        ("Acme region=" + "r" * 51, "a region has at most 50 characters"),
        ("A" * 201, "a partner name has at most 200 characters"),
    ],
)
async def test_link_refuses_what_it_cannot_store(
    slack: SlackDriver, acme: None, sessions: SessionFactory, text: str, says: str
) -> None:
    sent = await slack.command("/partnerbot", f"link {text}", user="U0MANAGER", channel="C0NEW")
    await slack.settle()
    no_apology(slack)
    assert says in sent.message()["text"]
    async with sessions() as session:
        assert await partner_store.get_channel(session, "slack", "C0NEW") is None


async def test_link_strips_bidi_overrides_from_the_name(
    slack: SlackDriver, acme: None, sessions: SessionFactory
) -> None:
    await slack.command(
        "/partnerbot", "link Evil \u202eCorp\u202c\x07 tier=gold", user="U0MANAGER",
        channel="C0NEW",
    )  # fmt: skip
    await slack.settle()
    no_apology(slack)
    async with sessions() as session:
        channel = await partner_store.get_channel(session, "slack", "C0NEW")
    assert channel is not None and channel.partner.name == "Evil Corp"
