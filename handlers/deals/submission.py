"""A submitted registration form, stored: the idempotency and conflict checks, the
row and its audit event, and the partner's and the manager's messages, before the
submission is acknowledged.

On PostgreSQL, unless the value may be approved at once, that is two statements with
no transaction around them (issue 15): the reads, which also take the registration's
id, then one statement of CTEs that stores the row, its event and its messages whole.
READ COMMITTED gave the reads no more than that inside a transaction (each statement
sees what was committed before it), and a BEGIN and a COMMIT were two of the five
round trips. Elsewhere, and for an approval at once (ORM work), it all goes in the
caller's transaction, which commits before the acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Reply, Request
from bot.core.errors import NotAllowed
from bot.core.untrusted import untrusted
from handlers import messages
from handlers.caller import Caller
from handlers.deals import approval as deal_approval
from handlers.deals.conflicts import (
    ConflictResult,
    ExistingRegistration,
    detect_conflict,
    fuzzy_matches,
)
from handlers.deals.identity import company_key, company_prefix
from handlers.deals.notices import (
    STATUS_LABELS,
    deal_facts,
    manager_card,
    manager_recipients,
    partner_row,
)
from handlers.deals.rules import DealDraft, auto_approve, may_auto_approve
from handlers.deps import Deps
from handlers.notify import outbox_row, person_destination, queue_new_rows
from storage import deal_conflicts, deal_writes, submit_reads
from storage import deals as deal_store
from storage.deals import Deal
from storage.engine import statements_alone
from storage.people import Person

FORM_USED = "This form was already used. Open a new one with `/register-deal`."
#: The columns of a new registration that only a decision, a change or the end of its
#: protection set.
_UNDECIDED: dict[str, object] = {
    "decided_at": None,
    "decided_by_id": None,
    "decided_by_name": None,
    "decision_reason": None,
    "info_question": None,
    "protected_until": None,
    "extension_status": None,
    "extension_requested_at": None,
    "extensions_granted": 0,
    "expiry_reminded_at": None,
    "won_amount_cents": None,
    "lost_reason": None,
}


@dataclass(frozen=True)
class Outcome:
    deal: Deal | None
    conflict: ConflictResult
    repeated: bool = False

    def reply(self) -> Reply:
        deal = self.deal
        if deal is None:  # refused duplicate of the partner's own registration
            own = self.conflict.matches[0]
            return Reply(
                text=(
                    f"Your organisation already registered *{own.domain}* as "
                    f"{deal_store.deal_ref(own.id)} ({STATUS_LABELS.get(own.status, own.status)}). "
                    "I didn't register it again."
                ),
                visibility="only_actor",
            )
        if deal.status == deal_store.APPROVED:
            until = deal.protected_until.date().isoformat() if deal.protected_until else "—"
            text = f"Registered and approved: *{deal.ref}*, protected until {until}."
        elif deal.conflict_kind is not None:
            text = (
                f"Registered *{deal.ref}*. It is under review: your channel manager will "
                "look at it and answer in the registration's thread."
            )
        else:
            text = f"Registered *{deal.ref}*. Your channel manager will review it."
        return Reply(text=text, facts=deal_facts(deal), visibility="only_actor")


async def store_registration(
    session: AsyncSession,
    request: Request,
    caller: Caller,
    deps: Deps,
    partner_id: int,
    draft: DealDraft,
    nonce: str,
) -> Outcome:
    key = company_key(draft.company)
    settings = deps.settings
    # Unless it may be approved at once (the approval is ORM work, in a transaction),
    # PostgreSQL stores it in one statement with its event and messages, under an id
    # taken with the reads: with no transaction around them (issue 15).
    alone = not may_auto_approve(
        draft.value_cents,
        currency=draft.currency,
        rules=settings.deal_auto_approve,
        rules_currency=settings.deal_auto_approve_currency,
    )
    if alone:
        await statements_alone(session)
    # The context and the conflict candidates in one round trip (issue 15); the
    # candidates go unused when the form was used or the partner is gone.
    found, lookup, next_id = await submit_reads.get_submit_reads(
        session,
        partner_id,
        idempotency_key=nonce,
        domain=draft.domain,
        prefix=company_prefix(key),
        allocate=alone,
    )
    if found is None:
        if await deal_store.get_deal_by_key(session, nonce) is not None:
            raise NotAllowed(FORM_USED)  # never show another partner's registration
        raise NotAllowed(messages.NOT_A_PARTNER_CHANNEL)
    if found.existing_deal_id is not None:
        existing = await deal_store.get_deal_by_key(session, nonce)
        assert existing is not None
        if existing.partner_id != partner_id:  # never show another partner's registration
            raise NotAllowed(FORM_USED)
        return Outcome(existing, ConflictResult("none"), repeated=True)
    partner, manager = found.partner, found.manager
    conflict = classify_conflict(lookup, partner_id=partner_id, domain=draft.domain, key=key)
    if conflict.refused:
        return Outcome(None, conflict)
    now = deps.clock()
    place = request.place
    conflict_with = [m.id for m in conflict.matches]
    values = {
        "partner_id": partner_id,
        "submitted_by_id": caller.person_id,
        "idempotency_key": nonce,
        "company": draft.company,
        "company_key": key,
        "company_prefix": company_prefix(key),
        "domain": draft.domain,
        "value_cents": draft.value_cents,
        "currency": draft.currency,
        "close_date": draft.close_date,
        "products": list(draft.products),
        "stage": draft.stage,
        "contact": draft.contact,
        "notes": draft.notes,
        "status": deal_store.PENDING,
        "conflict_kind": None if conflict.kind == "none" else conflict.kind,
        "conflict_with": conflict_with,
        "origin_platform": place.platform,
        "origin_channel_id": place.channel_id if place.kind != "dm" else None,
        "origin_thread_id": place.thread_id,
        "submitted_at": now,
        "updated_at": now,
        **_UNDECIDED,
    }
    # The row and its event in one round trip on the driver (the ORM's unit of work
    # cost more than the statements); the deal object below only renders the
    # confirmation and the messages.
    event = {
        "kind": "submitted",
        "at": now,
        "actor_id": caller.person_id,
        "actor_name": caller.name,
        "from_status": None,
        "to_status": deal_store.PENDING,
        "detail": {"conflict": conflict.kind, "conflict_with": conflict_with},
    }
    if next_id is not None:
        deal = deal_writes.detached_deal(next_id, values, partner=partner)
        rows = await _messages(
            session, deps, deal, caller, conflict, automatic=False, manager=manager
        )
        await deal_writes.insert_deal(session, values, event=event, deal_id=next_id, messages=rows)
        if rows:
            deps.outbox_wakeup.set()
        return Outcome(deal, conflict)
    deal_id = await deal_writes.insert_deal(session, values, event=event)
    deal = deal_writes.detached_deal(deal_id, values, partner=partner)
    automatic = conflict.kind == "none" and auto_approve(
        partner.tier,
        draft.value_cents,
        currency=draft.currency,
        rules=deps.settings.deal_auto_approve,
        rules_currency=deps.settings.deal_auto_approve_currency,
    )
    if automatic:
        session.add(deal)  # approving updates it: through the ORM, as every decision does
        await deal_approval.approve(session, deps, deal, actor_id=None, actor_name="auto-approval")
        await session.flush()  # its thread notice goes out before the manager's card
    rows = await _messages(
        session, deps, deal, caller, conflict, automatic=automatic, manager=manager
    )
    await queue_new_rows(session, deps, rows)
    return Outcome(deal, conflict)


async def check_conflict(
    session: AsyncSession, *, partner_id: int, domain: str, key: str
) -> ConflictResult:
    """Load the candidates by index in one round trip (same domain; same company-key
    prefix; the house account) and classify them with the pure `detect_conflict`."""
    found = await deal_conflicts.lookup_conflicts(
        session, domain=domain, prefix=company_prefix(key)
    )
    return classify_conflict(found, partner_id=partner_id, domain=domain, key=key)


def classify_conflict(
    found: deal_conflicts.ConflictLookup, *, partner_id: int, domain: str, key: str
) -> ConflictResult:
    """The conflict among the candidates `found` for a registration of `domain` and
    company key `key` by `partner_id`."""
    # Only the candidates that can take part in a conflict are handed on (the rest are
    # most of them): every one of the same domain, and those elsewhere whose company
    # fuzzy-matches. `detect_conflict` finds the same conflict in them as in all.
    candidates = found.candidates
    elsewhere = [row for row in candidates if row.domain != domain]
    matching = sorted(i for i, _ in fuzzy_matches(key, [row.company_key for row in elsewhere]))
    involved = [row for row in candidates if row.domain == domain]
    involved += [elsewhere[i] for i in matching]
    return detect_conflict(
        partner_id=partner_id,
        domain=domain,
        key=key,
        existing=[_existing(row) for row in involved],
        house_account=found.house_account,
    )


def _existing(row: deal_conflicts.Candidate) -> ExistingRegistration:
    return ExistingRegistration(
        id=row.id,
        partner_id=row.partner_id,
        domain=row.domain,
        company=row.company,
        company_key=row.company_key,
        status=row.status,
    )


async def _messages(
    session: AsyncSession,
    deps: Deps,
    deal: Deal,
    caller: Caller,
    conflict: ConflictResult,
    *,
    automatic: bool,
    manager: Person | None,
) -> list[dict[str, object]]:
    """The confirmation in the partner's thread and the manager's approval card: the
    messages of `post_to_partner` and `post_to_manager`, as outbox rows to queue in
    one INSERT."""
    now = deps.clock()
    rows: list[dict[str, object]] = []
    if not automatic:
        status = "under review" if conflict.held else "waiting for your channel manager"
        notice = Reply(
            text=f"*{deal.ref}* registered by {untrusted(caller.name)}: "
            f"{untrusted(deal.company)} ({deal.domain}). "
            f"Status: {status}. Updates will follow in this thread.",
            facts=deal_facts(deal),
        )
        if (row := partner_row(deal, notice, now=now)) is not None:
            rows.append(row)
    # Only the manager's card shows the registrations involved: load them in full.
    conflicts = await deal_store.get_deals(session, [m.id for m in conflict.matches])
    card = manager_card(
        deal,
        partner_name=deal.partner.name,
        submitted_by=caller.name,
        conflicts=conflicts,
        house_account=conflict.house_account,
    )
    if automatic:
        card = Reply(
            title=card.title,
            text=f"*{deal.partner.name}* registered a deal; it was approved automatically "
            f"(tier {deal.partner.tier}).",
            facts=card.facts,
        )
    for person in await manager_recipients(session, deal, manager=manager):
        rows.append(outbox_row(person_destination(person), card, now=now))
    return rows
