"""The quarterly business review pack of one partner: KPIs (with the quarter before),
won and lost registrations with reasons, pipeline by stage, check-in blockers,
questions asked, and survey results (NPS). Markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from bot.core.errors import NotFound
from handlers.deals.export import safe_cell
from handlers.deals.money import format_money
from handlers.deps import Deps
from handlers.digests.build import is_blocker
from handlers.digests.kpis import at_risk, kpi_facts, kpis_json, load_kpis, survey_results
from storage import partners as partner_store
from storage import qbr as store
from storage.deals import deal_ref
from storage.quarters import Quarter


@dataclass(frozen=True)
class QbrPack:
    partner: str
    quarter: str
    previous: str
    currency: str
    kpis: list[tuple[str, str, str]]
    kpis_json: dict[str, object]
    at_risk: list[str]
    closed: list[store.ClosedDeal]
    pipeline: list[tuple[str, str, int, int]]
    blockers: list[tuple[datetime, str, str]]
    questions: list[tuple[datetime, str, bool]]
    survey: str | None

    def rows(self) -> list[tuple[str, str, str, str]]:
        """Every fact as (section, item, value, detail): the CSV rows."""
        rows = [("kpi", label, now, before) for label, now, before in self.kpis]
        rows += [("at_risk", reason, "", "") for reason in self.at_risk]
        rows += [
            (
                d.status,
                f"{deal_ref(d.deal_id)} {d.company}",
                format_money(d.cents, d.currency),
                d.reason or "",
            )
            for d in self.closed
        ]
        rows += [
            ("pipeline", stage, format_money(cents, cur), f"{n} registrations")
            for stage, cur, n, cents in self.pipeline
        ]
        rows += [("blocker", f"{at:%Y-%m-%d} {who}", text, "") for at, who, text in self.blockers]
        rows += [
            ("question", f"{at:%Y-%m-%d}", text, "answered" if ok else "knowledge gap")
            for at, text, ok in self.questions
        ]
        if self.survey is not None:
            rows.append(("survey", self.survey, "", ""))
        return rows

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(("section", "item", "value", "detail"))
        for row in self.rows():
            writer.writerow([safe_cell(cell) for cell in row])
        return out.getvalue()

    def to_json(self) -> dict[str, object]:
        return {
            "partner": self.partner,
            "quarter": self.quarter,
            "kpis": self.kpis_json,
            "won": [_closed(d) for d in self.closed if d.status == "won"],
            "lost": [_closed(d) for d in self.closed if d.status == "lost"],
            "pipeline_by_stage": [
                {"stage": s, "currency": c, "count": n, "cents": cents}
                for s, c, n, cents in self.pipeline
            ],
            "blockers": [{"at": a.isoformat(), "by": w, "text": t} for a, w, t in self.blockers],
            "questions": [
                {"at": a.isoformat(), "text": t, "answered": ok} for a, t, ok in self.questions
            ],
            "survey": self.survey,
        }

    def to_markdown(self) -> str:
        lines = [f"# QBR: {self.partner}, {self.quarter}", ""]
        if self.at_risk:
            lines += ["**At risk:** " + "; ".join(self.at_risk), ""]
        lines += ["## KPIs", "", f"| | {self.quarter} | {self.previous} |", "|---|---|---|"]
        lines += [f"| {label} | {now} | {before} |" for label, now, before in self.kpis]
        for status, title in (("won", "Won"), ("lost", "Lost")):
            found = [d for d in self.closed if d.status == status]
            lines += ["", f"## {title} ({len(found)})", ""]
            lines += [
                f"- {deal_ref(d.deal_id)} {d.company}: {format_money(d.cents, d.currency)}"
                + (f" — {d.reason}" if d.reason else "")
                + f" ({d.closed_at:%Y-%m-%d})"
                for d in found
            ] or ["- none"]
        lines += ["", "## Pipeline by stage", ""]
        lines += [
            f"- {stage}: {n} · {format_money(cents, cur)}" for stage, cur, n, cents in self.pipeline
        ] or ["- none"]
        lines += ["", "## Check-in blockers", ""]
        lines += [f"- {at:%Y-%m-%d} {who}: {text}" for at, who, text in self.blockers] or ["- none"]
        lines += ["", f"## Questions asked ({len(self.questions)})", ""]
        lines += [
            f"- {at:%Y-%m-%d} {text}" + ("" if ok else " _(knowledge gap)_")
            for at, text, ok in self.questions
        ] or ["- none"]
        lines += ["", "## Survey results", "", self.survey or "- no surveys yet"]
        return "\n".join(lines) + "\n"


def _closed(d: store.ClosedDeal) -> dict[str, object]:
    return {
        "ref": deal_ref(d.deal_id),
        "company": d.company,
        "cents": d.cents,
        "currency": d.currency,
        "reason": d.reason,
        "closed_at": d.closed_at.isoformat(),
    }


async def build_qbr(deps: Deps, partner_name: str, quarter: Quarter, *, now: datetime) -> QbrPack:
    """Raises NotFound for an unknown partner."""
    currency = deps.settings.deal_default_currency
    start, end = quarter.start, min(quarter.end, now)
    async with deps.sessions() as session:
        partner = await partner_store.get_partner_by_name(session, partner_name)
        if partner is None:
            raise NotFound("partner", partner_name)
        this = (await load_kpis(session, deps.settings, [partner.id], quarter, now=now))[partner.id]
        before = (
            await load_kpis(session, deps.settings, [partner.id], quarter.previous(), now=now)
        )[partner.id]
        closed = await store.closed_deals(session, partner.id, start=start, end=end)
        current = quarter.start <= now < quarter.end
        pipeline = await store.pipeline_by_stage(
            session, partner.id, at=None if current else quarter.end
        )
        answers = await store.checkin_answers(session, partner.id, start=start, end=end)
        asked = await store.questions(session, partner.id, start=start, end=end)
    previous = dict(kpi_facts(before, currency))
    reasons = at_risk(this, deps.settings, now=now)
    return QbrPack(
        partner=partner.name,
        quarter=quarter.label,
        previous=quarter.previous().label,
        currency=currency,
        kpis=[(label, value, previous[label]) for label, value in kpi_facts(this, currency)],
        kpis_json=kpis_json(this, currency, reasons),
        at_risk=reasons,
        closed=closed,
        pipeline=pipeline,
        blockers=[a for a in answers if is_blocker(a[2])],
        questions=asked,
        survey=survey_results(this),
    )
