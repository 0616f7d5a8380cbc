"""`/deals`: each partner sees only its own registrations; updates, won, lost, withdrawals,
extensions."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.core import Button, Request
from bot.core.errors import InvalidInput
from bot.core.untrusted import strip_marks
from handlers.deals.export import export_deals_csv, import_house_accounts
from handlers.deals.forms import DealRef, encode
from handlers.deps import Deps
from handlers.router import dispatch
from storage import deals as deal_store
from tests.conftest import FIXED_NOW
from tests.handlers.deal_world import (
    ADMIN,
    CHANNEL_A,
    CHANNEL_B,
    MANAGER,
    MANAGER_DM,
    OTHER_MANAGER,
    REP_A,
    REP_A2,
    REP_B,
    RecordingSender,
    build_world,
    button,
    click,
    command,
    deliver,
    register,
    submit,
    text_of,
)


@pytest.fixture
async def sender(deps: Deps) -> RecordingSender:
    world = await build_world(deps)
    await register(deps)  # DR-000001, Acme Partners, acme.com, 50k USD
    await register(deps, REP_B, CHANNEL_B, company="Initech", domain="initech.com", value="9k EUR")
    await deliver(deps)
    return world


async def _deal(deps: Deps, deal_id: int = 1) -> deal_store.Deal:
    async with deps.sessions() as session:
        deal = await deal_store.get_deal(session, deal_id)
    assert deal is not None
    return deal


async def _approve(deps: Deps, sender: RecordingSender, deal_id: int = 1) -> None:
    card = next(
        s.reply for s in sender.to_user("U-MIA") if f"DR-{deal_id:06d}" in (s.reply.title or "")
    )
    await click(deps, MANAGER, MANAGER_DM, button(card, "Approve"))
    await deliver(deps)


async def test_each_partner_sees_only_its_own_registrations(
    deps: Deps, sender: RecordingSender
) -> None:
    mine = await command(deps, REP_A, CHANNEL_A, "deals")
    assert "DR-000001" in text_of(mine)
    for leak in ("DR-000002", "Initech", "Beta Resellers", "9,000"):
        assert leak not in text_of(mine)
    theirs = await command(deps, REP_B, CHANNEL_B, "deals")
    assert "DR-000002" in text_of(theirs)
    for leak in ("DR-000001", "acme.com", "Acme Partners", "50,000"):
        assert leak not in text_of(theirs)
    assert all(r.visibility == "only_actor" for r in (*mine, *theirs))
    # Asking from the other partner's channel changes nothing: a rep acts for their own org.
    assert "DR-000002" not in text_of(await command(deps, REP_A, CHANNEL_B, "deals"))


async def test_a_partner_cannot_act_on_another_partners_registration(
    deps: Deps, sender: RecordingSender
) -> None:
    forged = encode(DealRef(deal_id=1))
    for action in ("deal-update-stage:1", "deal-mark-won:1", "deal-request-extension:1"):
        [reply] = await click(deps, REP_B, CHANNEL_B, Button("x", action, forged))
        assert reply.text == "I couldn't find that registration."
    assert (await _deal(deps)).stage == "qualified"


async def test_managers_see_the_partners_they_own_with_filters(
    deps: Deps, sender: RecordingSender
) -> None:
    everything = text_of(await command(deps, MANAGER, MANAGER_DM, "deals"))
    assert "Acme Partners" in everything and "Beta Resellers" in everything
    beta = text_of(await command(deps, MANAGER, MANAGER_DM, "deals", 'partner="Beta Resellers"'))
    assert "DR-000002" in beta and "DR-000001" not in beta
    await _approve(deps, sender)
    approved = text_of(await command(deps, MANAGER, MANAGER_DM, "deals", "approved"))
    assert "DR-000001" in approved and "DR-000002" not in approved
    assert "No deal registrations" in text_of(
        await command(deps, OTHER_MANAGER, MANAGER_DM, "deals")
    )
    assert "DR-000002" in text_of(await command(deps, ADMIN, MANAGER_DM, "deals", "pending"))
    assert "Usage" in text_of(await command(deps, MANAGER, MANAGER_DM, "deals", "bogus"))


async def test_the_my_deals_button_lists_them_too(deps: Deps, sender: RecordingSender) -> None:
    [menu] = await dispatch(Request(actor=REP_A, place=CHANNEL_A, mentioned=True), deps)
    replies = await click(deps, REP_A, CHANNEL_A, button(menu, "My deals"))
    assert "DR-000001" in text_of(replies) and "DR-000002" not in text_of(replies)


async def test_update_stage_then_won_with_an_amount(deps: Deps, sender: RecordingSender) -> None:
    [_, row] = await command(deps, REP_A2, CHANNEL_A, "deals")
    [stage] = await click(deps, REP_A2, CHANNEL_A, button(row, "Update stage"))
    await submit(deps, REP_A2, CHANNEL_A, stage.form, {"stage": "proposal"})
    assert (await _deal(deps)).stage == "proposal"
    [won] = await click(deps, REP_A2, CHANNEL_A, button(row, "Won"))
    assert won.form.fields[0].initial == "50,000 USD"
    with pytest.raises(InvalidInput) as info:
        await submit(deps, REP_A2, CHANNEL_A, won.form, {"amount": "48k EUR"})
    assert "USD" in info.value.field_errors["amount"]
    await submit(deps, REP_A2, CHANNEL_A, won.form, {"amount": "48k USD"})
    deal = await _deal(deps)
    assert (deal.status, deal.won_amount_cents) == ("won", 4_800_000)
    await deliver(deps)
    thread = sender.all_text(sender.to_channel("C-ACME"))
    assert "stage Proposal" in thread and "was won: 48,000 USD" in thread
    async with deps.sessions() as session:
        events = await deal_store.list_events(session, 1)
    assert [(e.kind, e.from_status, e.to_status, e.actor_name) for e in events][1:] == [
        ("stage_changed", "pending", "pending", "Arne"),
        ("won", "pending", "won", "Arne"),
    ]
    [_, row] = await command(deps, REP_A2, CHANNEL_A, "deals")
    assert not row.buttons  # closed: nothing left to do


async def test_lost_needs_a_reason(deps: Deps, sender: RecordingSender) -> None:
    [_, row] = await command(deps, REP_B, CHANNEL_B, "deals")
    [lost] = await click(deps, REP_B, CHANNEL_B, button(row, "Lost"))
    with pytest.raises(InvalidInput):
        await submit(deps, REP_B, CHANNEL_B, lost.form, {"reason": ""})
    await submit(deps, REP_B, CHANNEL_B, lost.form, {"reason": "Budget frozen"})
    deal = await _deal(deps, 2)
    assert (deal.status, deal.lost_reason) == ("lost", "Budget frozen")


async def test_withdrawing_ends_the_registration_and_its_pending_decision(
    deps: Deps, sender: RecordingSender
) -> None:
    await _approve(deps, sender)
    [_, row] = await command(deps, REP_A, CHANNEL_A, "deals")
    await click(deps, REP_A, CHANNEL_A, button(row, "Request extension"))
    [form] = await click(deps, REP_A2, CHANNEL_A, button(row, "Withdraw"))
    assert form.form.title == "Withdraw DR-000001"
    with pytest.raises(InvalidInput) as info:
        await submit(deps, REP_A2, CHANNEL_A, form.form, {"reason": "  "})
    assert "short reason" in info.value.field_errors["reason"]
    [done] = await submit(
        deps, REP_A2, CHANNEL_A, form.form, {"reason": "Customer chose to buy direct"}
    )
    assert "Withdrew DR-000001" in done.text and "/register-deal" in done.text
    deal = await _deal(deps)
    assert (deal.status, deal.extension_status) == ("withdrawn", None)
    async with deps.sessions() as session:
        [*_, event] = await deal_store.list_events(session, 1)
    assert (event.kind, event.from_status, event.to_status, event.actor_name) == (
        "withdrawn", "approved", "withdrawn", "Arne",
    )  # fmt: skip
    await deliver(deps)
    said = "Arne withdrew *DR-000001* (Acme Corp): Customer chose to buy direct"
    assert said in strip_marks(sender.all_text(sender.to_channel("C-ACME")))
    assert said in strip_marks(sender.all_text(sender.to_user("U-MIA")))
    # The extension card still in the manager's DM no longer acts; nor does a second
    # withdrawal; nothing is left to do on the row.
    card = sender.to_user("U-MIA")[-2].reply
    [late] = await click(deps, MANAGER, MANAGER_DM, button(card, "Approve extension"))
    assert "already answered" in late.text and (await _deal(deps)).extensions_granted == 0
    [again] = await submit(deps, REP_A, CHANNEL_A, form.form, {"reason": "twice"})
    assert "withdrawn; it can't be changed" in again.text
    [_, row] = await command(deps, REP_A, CHANNEL_A, "deals")
    assert not row.buttons
    # Another partner can't withdraw it by forging the button.
    forged = Button("x", "deal-withdraw:2", encode(DealRef(deal_id=2)))
    [refused] = await click(deps, REP_A, CHANNEL_A, forged)
    assert refused.text == "I couldn't find that registration."
    assert (await _deal(deps, 2)).status == "pending"


async def test_one_extension_request_at_a_time_approved_or_declined(
    deps: Deps, sender: RecordingSender
) -> None:
    [_, row] = await command(deps, REP_A, CHANNEL_A, "deals")
    assert "Request extension" not in [b.label for b in row.buttons]  # not approved yet
    await _approve(deps, sender)
    [_, row] = await command(deps, REP_A, CHANNEL_A, "deals")
    extend = button(row, "Request extension")
    [asked] = await click(deps, REP_A, CHANNEL_A, extend)
    assert "asked your channel manager" in asked.text
    [twice] = await click(deps, REP_A2, CHANNEL_A, extend)
    assert "already waiting" in twice.text
    await deliver(deps)
    card = sender.to_user("U-MIA")[-1].reply
    assert [b.label for b in card.buttons] == ["Approve extension", "Decline extension"]
    [done] = await click(deps, MANAGER, MANAGER_DM, button(card, "Approve extension"))
    assert "approved the extension" in done.text
    deal = await _deal(deps)
    assert deal.protected_until == FIXED_NOW + timedelta(days=90 + 30)
    assert (deal.extension_status, deal.extensions_granted) == ("approved", 1)
    [late] = await click(deps, ADMIN, MANAGER_DM, button(card, "Decline extension"))
    assert (
        strip_marks(late.text)
        == "The extension of DR-000001 was already answered by Mia on 2026-11-26 09:00 UTC."
    )
    await click(deps, REP_A, CHANNEL_A, extend)
    await deliver(deps)
    await click(
        deps, MANAGER, MANAGER_DM, button(sender.to_user("U-MIA")[-1].reply, "Decline extension")
    )
    assert (await _deal(deps)).extension_status == "declined"
    await deliver(deps)
    thread = sender.all_text(sender.to_channel("C-ACME"))
    assert "extension of *DR-000001* was approved" in thread and "was declined" in thread


async def test_export_csv_and_house_account_import(deps: Deps, sender: RecordingSender) -> None:
    rows = list(csv.DictReader(io.StringIO(await export_deals_csv(deps))))
    assert [(r["id"], r["partner"], r["domain"], r["value"], r["currency"]) for r in rows] == [
        ("DR-000002", "Beta Resellers", "initech.com", "9000.00", "EUR"),
        ("DR-000001", "Acme Partners", "acme.com", "50000.00", "USD"),
    ]
    only_acme = await export_deals_csv(deps, partner="acme partners", statuses=["pending"])
    assert "DR-000001" in only_acme and "DR-000002" not in only_acme
    with pytest.raises(InvalidInput) as info:
        await import_house_accounts(deps, [{"domain": "ok.com"}, {"domain": "nope"}])
    assert list(info.value.field_errors) == ["line 3"]
    report = await import_house_accounts(deps, [{"website": "https://www.ok.com", "owner": "Sam"}])
    assert (report.added, report.updated) == (1, 0)
