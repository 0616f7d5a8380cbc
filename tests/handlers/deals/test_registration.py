"""Registering a deal: form, validation, conflicts, confirmation, approval, threads."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.core import Form, Place, Request
from bot.core.errors import InvalidInput
from bot.core.untrusted import strip_marks
from handlers.deals.export import import_house_accounts
from handlers.deps import Deps
from handlers.router import dispatch
from storage import deals as deal_store
from tests.conftest import FIXED_NOW
from tests.handlers.deal_world import (
    ADMIN,
    CHANNEL_A,
    CHANNEL_B,
    GOOD,
    MANAGER,
    MANAGER_DM,
    OTHER_MANAGER,
    REP_A,
    REP_A2,
    REP_B,
    RecordingSender,
    actor,
    build_world,
    button,
    click,
    command,
    deliver,
    open_form,
    register,
    submit,
    text_of,
)


@pytest.fixture
async def sender(deps: Deps) -> RecordingSender:
    return await build_world(deps)


async def _deal(deps: Deps, deal_id: int = 1) -> deal_store.Deal:
    async with deps.sessions() as session:
        deal = await deal_store.get_deal(session, deal_id)
    assert deal is not None
    return deal


async def _count(deps: Deps) -> int:
    async with deps.sessions() as session:
        return await deal_store.count_deals(session)


async def _events(deps: Deps, deal_id: int = 1) -> list[tuple[str, str | None, str | None]]:
    async with deps.sessions() as session:
        return [
            (e.kind, e.from_status, e.to_status)
            for e in await deal_store.list_events(session, deal_id)
        ]


async def test_the_command_opens_a_short_form_prefilled_from_the_text(
    deps: Deps, sender: RecordingSender
) -> None:
    form = await open_form(deps, REP_A, CHANNEL_A, "Acme Corp acme.com 50k USD close 2027-03-31")
    assert len(form.fields) <= 8
    initial = {f.name: f.initial for f in form.fields}
    assert initial["company"] == "Acme Corp" and initial["domain"] == "acme.com"
    assert initial["value"] == "50000 USD" and initial["close_date"] == "2027-03-31"
    required = {f.name for f in form.fields if f.required}
    # At most five required fields: the stage has a default, so it is not one of them.
    assert required == {"company", "domain", "value", "close_date", "products"}
    products = next(f for f in form.fields if f.name == "products")
    assert products.kind == "multiselect" and [o.value for o in products.options][:2] == [
        "Platform",
        "Analytics",
    ]
    assert len(form.metadata) < 3000


async def test_the_menu_button_opens_the_same_form(deps: Deps, sender: RecordingSender) -> None:
    [menu] = await dispatch(Request(actor=REP_B, place=CHANNEL_B, mentioned=True), deps)
    [reply] = await click(deps, REP_B, CHANNEL_B, button(menu, "Register a deal"))
    assert reply.form is not None and reply.form.title == "Register a deal"


async def test_someone_with_no_partner_is_told_the_channel_is_not_linked(
    deps: Deps, sender: RecordingSender
) -> None:
    stray = Place(platform="slack", channel_id="C-NOWHERE")
    [reply] = await command(deps, actor("U-NOBODY"), stray, "register-deal")
    assert reply.form is None and "isn't linked to a partner" in reply.text


async def test_register_confirm_in_thread_then_the_manager_approves(
    deps: Deps, sender: RecordingSender
) -> None:
    [reply] = await register(deps)
    assert reply.visibility == "only_actor" and "DR-000001" in reply.text
    await deliver(deps)
    [root] = sender.to_channel("C-ACME")
    assert root.destination.thread_id is None and "DR-000001" in root.reply.text
    [card] = sender.to_user("U-MIA")
    assert [b.label for b in card.reply.buttons] == ["Approve", "Reject", "Ask for info"]
    assert "Acme Partners" in text_of([card.reply]) and "acme.com" in text_of([card.reply])

    [done] = await click(deps, MANAGER, MANAGER_DM, button(card.reply, "Approve"))
    assert "You approved *DR-000001*" in done.text and done.replace_original
    await deliver(deps)
    decision = sender.to_channel("C-ACME")[-1]
    assert decision.destination.thread_id == root.message_id
    assert "approved" in decision.reply.text and "2027-02-24" in decision.reply.text
    deal = await _deal(deps)
    assert deal.status == "approved" and deal.decided_by_name == "Mia"
    assert deal.protected_until == FIXED_NOW + timedelta(days=90)
    assert await _events(deps) == [
        ("submitted", None, "pending"),
        ("approved", "pending", "approved"),
    ]


async def test_a_second_click_says_who_decided_and_when(
    deps: Deps, sender: RecordingSender
) -> None:
    await register(deps)
    await deliver(deps)
    [card] = sender.to_user("U-MIA")
    await click(deps, MANAGER, MANAGER_DM, button(card.reply, "Approve"))
    [again] = await click(deps, ADMIN, MANAGER_DM, button(card.reply, "Reject"))
    assert (
        strip_marks(again.text) == "DR-000001 was already approved by Mia on 2026-11-26 09:00 UTC."
    )
    assert (await _deal(deps)).status == "approved"


async def test_only_the_owning_manager_or_an_admin_decides(
    deps: Deps, sender: RecordingSender
) -> None:
    await register(deps)
    await deliver(deps)
    approve = button(sender.to_user("U-MIA")[0].reply, "Approve")
    [other] = await click(deps, OTHER_MANAGER, MANAGER_DM, approve)
    assert "Only Acme Partners's channel manager or an admin" in other.text
    [rep] = await click(deps, REP_A, CHANNEL_A, approve)
    assert rep.text == "I couldn't find that registration."
    assert (await _deal(deps)).status == "pending"
    [admin] = await click(deps, ADMIN, MANAGER_DM, approve)
    assert "You approved" in admin.text


async def test_reject_needs_a_reason_which_the_partner_sees(
    deps: Deps, sender: RecordingSender
) -> None:
    await register(deps)
    await deliver(deps)
    [card] = sender.to_user("U-MIA")
    [ask] = await click(deps, MANAGER, MANAGER_DM, button(card.reply, "Reject"))
    assert ask.form is not None and [f.name for f in ask.form.fields] == ["reason"]
    with pytest.raises(InvalidInput) as info:
        await submit(deps, MANAGER, MANAGER_DM, ask.form, {"reason": "  "})
    assert set(info.value.field_errors) == {"reason"}
    shown_again = info.value.form
    assert isinstance(shown_again, Form)  # the same form, with its own words, and the error
    assert (shown_again.title, shown_again.submit_label) == (ask.form.title, ask.form.submit_label)
    assert [f.label for f in shown_again.fields] == [f.label for f in ask.form.fields]
    await submit(deps, MANAGER, MANAGER_DM, ask.form, {"reason": "Direct sales owns this one."})
    await deliver(deps)
    decision = sender.to_channel("C-ACME")[-1]
    assert decision.destination.thread_id == "m1"
    assert "not approved" in decision.reply.text and "Direct sales owns" in decision.reply.text
    deal = await _deal(deps)
    assert deal.status == "rejected" and deal.decision_reason == "Direct sales owns this one."


async def test_info_request_answered_by_the_partner_in_the_thread(
    deps: Deps, sender: RecordingSender
) -> None:
    await register(deps)
    await deliver(deps)
    [card] = sender.to_user("U-MIA")
    root = sender.to_channel("C-ACME")[0]
    [ask] = await click(deps, MANAGER, MANAGER_DM, button(card.reply, "Ask for info"))
    await submit(deps, MANAGER, MANAGER_DM, ask.form, {"reason": "Who is the economic buyer?"})
    await deliver(deps)
    question = sender.to_channel("C-ACME")[-1]
    assert question.destination.thread_id == root.message_id
    assert "Who is the economic buyer?" in question.reply.text
    assert (await _deal(deps)).status == "info_requested"

    in_thread = Place(platform="slack", channel_id="C-ACME", thread_id=root.message_id)
    answer = Request(actor=REP_A2, place=in_thread, text="The CFO, Jane Roe.")
    [thanks] = await dispatch(answer, deps)
    assert thanks.in_thread and "passed your answer" in thanks.text
    await deliver(deps)
    forwarded = sender.to_user("U-MIA")[-1].reply
    assert "The CFO, Jane Roe." in forwarded.text and forwarded.buttons
    assert (await _deal(deps)).status == "pending"
    assert [k for k, _, _ in await _events(deps)] == [
        "submitted",
        "info_requested",
        "info_answered",
    ]
    # Once answered, further chatter in the thread is not the bot's business.
    assert await dispatch(answer, deps) == []


async def test_a_duplicate_from_the_same_partner_is_refused_with_the_existing_id(
    deps: Deps, sender: RecordingSender
) -> None:
    await register(deps)
    [reply] = await register(deps, REP_A2, CHANNEL_A, domain="sales.acme.com")
    assert "already registered *acme.com* as DR-000001 (waiting for approval)" in reply.text
    assert await _count(deps) == 1


async def test_a_horizontal_conflict_is_held_without_naming_the_other_partner(
    deps: Deps, sender: RecordingSender
) -> None:
    await register(deps)
    [reply] = await register(
        deps, REP_B, CHANNEL_B, company="ACME Inc", domain="eu.acme.com", value="75k USD"
    )
    assert "under review" in reply.text
    for leak in ("Acme Partners", "DR-000001", "Anna"):
        assert leak not in text_of([reply])
    await deliver(deps)
    beta = sender.all_text(sender.to_channel("C-BETA"))
    assert "DR-000002" in beta and "under review" in beta
    for leak in ("Acme Partners", "DR-000001", "Anna", "50,000"):
        assert leak not in beta
    card = sender.to_user("U-MIA")[-1].reply
    assert "Horizontal conflict" in card.text
    assert "DR-000001 · Acme Partners" in card.text
    deal = await _deal(deps, 2)
    assert (deal.status, deal.conflict_kind, deal.conflict_with) == ("pending", "horizontal", [1])


async def test_a_house_account_is_a_channel_conflict(deps: Deps, sender: RecordingSender) -> None:
    await import_house_accounts(deps, [{"domain": "https://globex.com", "company": "Globex"}])
    [reply] = await register(deps, company="Globex", domain="www.globex.com")
    assert "under review" in reply.text
    await deliver(deps)
    card = sender.to_user("U-MIA")[-1].reply
    assert "Channel conflict" in card.text and "House account: Globex" in card.text
    assert (await _deal(deps)).conflict_kind == "channel"


async def test_a_similar_company_under_another_domain_is_flagged(
    deps: Deps, sender: RecordingSender
) -> None:
    await register(deps)
    [reply] = await register(
        deps, REP_B, CHANNEL_B, company="The Acme Corporation", domain="acme-group.com"
    )
    assert "under review" in reply.text
    deal = await _deal(deps, 2)
    assert deal.conflict_kind == "possible_duplicate" and deal.conflict_with == [1]


async def test_a_double_submitted_form_creates_one_registration(
    deps: Deps, sender: RecordingSender
) -> None:
    form = await open_form(deps, REP_A, CHANNEL_A)
    first = await submit(deps, REP_A, CHANNEL_A, form, GOOD)
    again = await submit(deps, REP_A, CHANNEL_A, form, GOOD)
    together = await asyncio.gather(*(submit(deps, REP_A, CHANNEL_A, form, GOOD) for _ in range(3)))
    assert await _count(deps) == 1
    for replies in (first, again, *together):
        assert "DR-000001" in text_of(replies)
    await deliver(deps)
    assert len(sender.to_user("U-MIA")) == 1 and len(sender.to_channel("C-ACME")) == 1


async def test_invalid_fields_come_back_with_the_users_values(
    deps: Deps, sender: RecordingSender
) -> None:
    form = await open_form(deps, REP_A, CHANNEL_A)
    with pytest.raises(InvalidInput) as info:
        await submit(deps, REP_A, CHANNEL_A, form, {**GOOD, "close_date": "2020-01-01"})
    assert list(info.value.field_errors) == ["close_date"]
    again = info.value.form
    assert again.errors == info.value.field_errors and again.metadata == form.metadata
    assert {f.name: f.initial for f in again.fields}["company"] == "Acme Corp"
    assert await _count(deps) == 0


async def test_a_database_failure_keeps_the_input_and_a_resubmit_works(
    deps: Deps, sender: RecordingSender
) -> None:
    form = await open_form(deps, REP_A, CHANNEL_A)
    async with deps.sessions() as session, session.begin():
        await session.execute(text("ALTER TABLE deals RENAME TO deals_away"))
    with pytest.raises(InvalidInput) as info:
        await submit(deps, REP_A, CHANNEL_A, form, GOOD)
    assert "Nothing is lost" in info.value.field_errors["company"]
    kept = {f.name: f.initial for f in info.value.form.fields}
    assert kept["domain"] == GOOD["domain"] and kept["value"] == "50k USD"
    async with deps.sessions() as session, session.begin():
        await session.execute(text("ALTER TABLE deals_away RENAME TO deals"))
    [reply] = await submit(deps, REP_A, CHANNEL_A, info.value.form, GOOD)
    assert "DR-000001" in reply.text and await _count(deps) == 1


async def test_auto_approval_by_tier_and_value_when_there_is_no_conflict(
    deps: Deps, sender: RecordingSender
) -> None:
    settings = deps.settings.model_copy(
        update={
            "deal_auto_approve": {"gold": 60_000.0},
            "deal_protection_days_by_tier": {"gold": 120},
        }
    )
    auto = dataclasses.replace(deps, settings=settings)
    [reply] = await register(auto)
    assert "approved" in reply.text and "2027-03-26" in reply.text
    deal = await _deal(auto)
    assert deal.status == "approved" and deal.protected_until == FIXED_NOW + timedelta(days=120)
    assert [k for k, _, _ in await _events(auto)] == ["submitted", "auto_approved"]
    await deliver(auto)
    assert "approved automatically" in sender.all_text(sender.to_channel("C-ACME"))
    assert not sender.to_user("U-MIA")[0].reply.buttons
    # Over the limit, or in conflict: a manager decides.
    await register(auto, company="Big Co", domain="big.com", value="70k USD")
    await register(auto, REP_B, CHANNEL_B, company="Tiny", domain="tiny.com", value="1k USD")
    assert (await _deal(auto, 2)).status == "pending"
    assert (await _deal(auto, 3)).status == "pending"  # silver has no rule


async def test_a_replayed_form_from_another_partner_shows_nothing(
    deps: Deps, sender: RecordingSender
) -> None:
    form = await open_form(deps, REP_A, CHANNEL_A)
    await submit(deps, REP_A, CHANNEL_A, form, GOOD)
    [reply] = await submit(deps, REP_B, CHANNEL_B, form, {**GOOD, "domain": "other.com"})
    assert "already used" in reply.text and "DR-000001" not in text_of([reply])
    assert await _count(deps) == 1


async def test_every_state_change_is_an_audit_row(deps: Deps, sender: RecordingSender) -> None:
    await register(deps)
    await deliver(deps)
    [card] = sender.to_user("U-MIA")
    [ask] = await click(deps, MANAGER, MANAGER_DM, button(card.reply, "Ask for info"))
    await submit(deps, MANAGER, MANAGER_DM, ask.form, {"reason": "Budget?"})
    await click(deps, ADMIN, MANAGER_DM, button(card.reply, "Approve"))
    async with deps.sessions() as session:
        events = await deal_store.list_events(session, 1)
    assert [(e.kind, e.from_status, e.to_status, e.actor_name, e.reason) for e in events] == [
        ("submitted", None, "pending", "Anna", None),
        ("info_requested", "pending", "info_requested", "Mia", "Budget?"),
        ("approved", "info_requested", "approved", "Ada", None),
    ]
    assert all(e.at == FIXED_NOW for e in events)
