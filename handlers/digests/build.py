"""A manager's digest: what needs them since the last one, and how their partners do.

The digest is one message (sections in a fixed order, each only when it has
something) plus one approval card per pending registration (at most MAX_CARDS), so
Approve / Reject / Ask act in place on their own card without touching the digest.
The body is fitted to BODY_BUDGET characters by cutting the longest sections with
"and N more", which keeps Slack under its 50 blocks and Teams under its size limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Reply
from handlers.deals.money import format_money
from handlers.deals.notices import CONFLICT_LABELS, deal_facts, decision_buttons
from handlers.deps import Deps
from handlers.digests.kpis import at_risk, kpi_line, load_kpis
from storage import digest_items as items
from storage import survey_results as survey_store
from storage.kpis import managed_partner_ids
from storage.people import Person
from storage.quarters import Quarter

#: Rows read per section (the rest is "and N more").
SECTION_ROWS = 8
#: Partners in the KPI table.
KPI_ROWS = 30
#: Approval cards sent with a digest.
MAX_CARDS = 5
#: Characters of the digest body (Slack cuts a message body at 10,000).
BODY_BUDGET = 7000
#: Characters of one quoted item (an answer, a question).
ITEM_CHARS = 180

#: Words that make a check-in answer a blocker, unless negated ("no blockers").
_BLOCKER = re.compile(
    r"\b(block(ed|er|ers|ing)?|stuck|waiting (on|for)|delay(ed)?|risk|escalat\w*|"
    r"can'?t|cannot|problem|issue)\b",
    re.IGNORECASE,
)
_NOT_BLOCKED = re.compile(
    r"\b(no|not|nothing|none|without) (real )?(block(ed|er|ers|ing)?|issues?|problems?|risks?)\b",
    re.IGNORECASE,
)


def is_blocker(text: str) -> bool:
    return bool(_BLOCKER.search(text)) and not _NOT_BLOCKED.search(text)


def _short(text: str, limit: int = ITEM_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


@dataclass
class Section:
    title: str
    lines: list[str]
    more: int = 0

    def render(self) -> str:
        tail = [f"_and {self.more} more_"] if self.more else []
        return "\n".join([f"**{self.title}**", *(f"- {line}" for line in self.lines), *tail])


@dataclass
class Digest:
    manager: str
    since: datetime
    sections: list[Section] = field(default_factory=list)
    cards: list[Reply] = field(default_factory=list)
    card_deal_ids: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(s.title != KPI_TITLE for s in self.sections)

    def replies(self) -> list[Reply]:
        since = self.since.strftime("%Y-%m-%d %H:%M UTC")
        if self.empty:
            line = (
                f"Quiet period: nothing needs you since {since}. "
                "`/partnerbot scorecard <partner>` shows a partner's figures."
            )
            return [Reply(title="Your digest", text=line)]
        body = "\n\n".join(section.render() for section in self.sections)
        main = Reply(title="Your digest", text=body, context=(f"Since {since}.",))
        return [main, *self.cards]

    def to_json(self) -> dict[str, object]:
        return {
            "manager": self.manager,
            "since": self.since.isoformat(),
            "empty": self.empty,
            "sections": [
                {"title": s.title, "items": s.lines, "more": s.more} for s in self.sections
            ],
            "approval_cards": self.card_deal_ids,
            "text": [reply.text for reply in self.replies()],
        }


KPI_TITLE = "Your partners this quarter"


def fit(sections: list[Section], budget: int = BODY_BUDGET) -> None:
    """Cut lines from the longest section until the body fits `budget` characters."""

    def size() -> int:
        return sum(len(s.render()) + 2 for s in sections)

    while size() > budget:
        longest = max(sections, key=lambda s: len(s.lines))
        if not longest.lines:
            break
        longest.lines.pop()
        longest.more += 1


def _section(title: str, lines: list[str], total: int) -> Section | None:
    if not lines:
        return None
    return Section(title, lines, max(0, total - len(lines)))


async def build_digest(
    session: AsyncSession, deps: Deps, person: Person, *, since: datetime, now: datetime
) -> Digest:
    """The digest of `person` (a manager or admin) for what happened since `since`."""
    currency = deps.settings.deal_default_currency
    partner_ids = await managed_partner_ids(session, person.id)
    digest = Digest(manager=person.name or person.user_id, since=since)
    found: list[Section | None] = []
    kpis = await load_kpis(session, deps.settings, partner_ids, Quarter.of(now), now=now)
    reasons_of = {k.partner: at_risk(k, deps.settings, now=now) for k in kpis.values()}
    new_runs, detractors = await survey_store.new_results(
        session, manager_id=None if person.role == "admin" else person.id, since=since
    )
    for d in detractors:  # a detractor score since the last digest puts the partner at risk
        if d.partner_id in partner_ids:
            reasons_of.setdefault(d.partner, []).append(
                f"a detractor score ({d.lowest_score}/10) in survey run {d.run_id}"
            )
    risky = sorted(
        ((name, reasons) for name, reasons in reasons_of.items() if reasons),
        key=lambda p: (-len(p[1]), p[0]),
    )
    found.append(
        _section(
            "Partners at risk",
            [f"**{name}**: {'; '.join(reasons)}" for name, reasons in risky[:SECTION_ROWS]],
            len(risky),
        )
    )
    pending, pending_total = await items.undecided_deals(
        session, partner_ids, held=False, limit=SECTION_ROWS
    )
    found.append(
        _section(
            "Waiting for your approval",
            [
                f"{d.ref} · {d.partner.name} · {_short(d.company, 60)} · "
                f"{format_money(d.value_cents, d.currency)} · since {d.submitted_at:%Y-%m-%d}"
                for d in pending
            ],
            pending_total,
        )
    )
    held, held_total = await items.undecided_deals(
        session, partner_ids, held=True, limit=SECTION_ROWS
    )
    found.append(
        _section(
            "Conflicts held for review",
            [
                f"{d.ref} · {d.partner.name} · {_short(d.company, 60)} · "
                f"{(d.conflict_kind or '').replace('_', ' ')}"
                for d in held
            ],
            held_total,
        )
    )
    for deal in [*pending, *held][:MAX_CARDS]:
        conflict = CONFLICT_LABELS.get(deal.conflict_kind or "")
        digest.cards.append(
            Reply(
                title=f"Waiting for your approval: {deal.ref}",
                text=f"*{deal.partner.name}* registered {deal.company}."
                + (f"\n**{conflict}.**" if conflict else ""),
                facts=deal_facts(deal, partner_name=deal.partner.name),
                buttons=decision_buttons(deal),
            )
        )
        digest.card_deal_ids.append(deal.id)
    expiring, expiring_total = await items.expiring_protections(
        session, partner_ids, now=now, until=now + timedelta(days=7), limit=SECTION_ROWS
    )
    found.append(
        _section(
            "Protection ending this week",
            [
                f"DR-{deal_id:06d} · {partner} · {_short(company, 60)} · ends {until:%Y-%m-%d}"
                for partner, company, deal_id, until in expiring
            ],
            expiring_total,
        )
    )
    answers, answers_total = await items.checkin_answers_since(
        session, partner_ids, since=since, limit=SECTION_ROWS
    )
    answers.sort(key=lambda a: not is_blocker(a.text))  # blockers first, stable otherwise
    found.append(
        _section(
            "Check-in answers",
            [
                f"{'⚠ ' if is_blocker(a.text) else ''}**{a.partner}** ({a.person}): "
                f"{_short(a.text)}"
                for a in answers
            ],
            answers_total,
        )
    )
    gaps, gaps_total = await items.knowledge_gaps_since(
        session, partner_ids, since=since, limit=SECTION_ROWS
    )
    unhelpful, unhelpful_total = await items.not_helpful_since(
        session, partner_ids, since=since, limit=SECTION_ROWS
    )
    found.append(
        _section(
            "Knowledge gaps and unhelpful answers",
            [f"Unanswered · {p}: {_short(q)}" for p, q in gaps]
            + [f"Not helpful · {p}: {_short(q)}" for p, q in unhelpful],
            gaps_total + unhelpful_total,
        )
    )
    if person.role == "admin":
        failed, failed_total = await items.failed_deliveries_since(
            session, since=since, limit=SECTION_ROWS
        )
        found.append(
            _section(
                "Failed deliveries",
                [f"{platform}:{where}: {_short(error, 120)}" for platform, where, error in failed],
                failed_total,
            )
        )
    rows = sorted(kpis.values(), key=lambda k: k.partner.casefold())
    found.append(_section(KPI_TITLE, [kpi_line(k, currency) for k in rows[:KPI_ROWS]], len(rows)))
    surveys = [
        f"Run {r.run_id} ({r.survey_key}): {r.answers} new answer(s); "
        f"`partnerbot survey results {r.run_id}`"
        for r in new_runs
    ]
    found.append(_section("Survey results", surveys[:SECTION_ROWS], len(surveys)))
    digest.sections = [s for s in found if s is not None]
    fit(digest.sections)
    return digest
