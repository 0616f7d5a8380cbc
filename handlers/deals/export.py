"""Operator use cases of deal registration: CSV export, house-account import."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.errors import InvalidInput, NotFound
from handlers import fields
from handlers.deals.identity import normalise_domain
from handlers.deps import Deps
from storage import deals as deal_store
from storage import house_accounts
from storage import partners as partner_store

logger = logging.getLogger(__name__)

EXPORT_COLUMNS = (
    "id", "partner", "company", "domain", "value", "currency", "close_date", "products",
    "stage", "status", "conflict", "submitted_at", "decided_at", "decided_by",
    "decision_reason", "protected_until", "extension_status", "won_amount", "lost_reason",
)  # fmt: skip


#: A cell starting with one of these is a formula to Excel, LibreOffice and Google
#: Sheets (OWASP "CSV Injection": `=HYPERLINK(...)`, `@SUM(...)`, `+cmd|...`).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: str) -> str:
    """A cell fit for a spreadsheet and a terminal: control characters (terminal escape
    sequences start with ESC) and bidi overrides dropped, and a formula prefix
    neutralised with a leading single quote, as OWASP advises."""
    cell = fields.plain(value)
    return f"'{cell}" if cell.startswith(FORMULA_PREFIXES) else cell


def _money(cents: int | None) -> str:
    if cents is None:
        return ""
    whole, rest = divmod(cents, 100)
    return f"{whole}.{rest:02d}"


async def export_deals_csv(
    deps: Deps, *, statuses: Iterable[str] = (), partner: str | None = None
) -> str:
    """Every registration (newest first) as CSV text with a header row.

    Raises:
        NotFound: `partner` names no partner.
    """
    async with deps.sessions() as session:
        partner_ids = None
        if partner is not None:
            found = await partner_store.get_partner_by_name(session, partner)
            if found is None:
                raise NotFound("partner", partner)
            partner_ids = [found.id]
        deals = await deal_store.list_deals(
            session, partner_ids=partner_ids, statuses=list(statuses)
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for d in deals:
        row = (
            d.ref,
            d.partner.name,
            d.company,
            d.domain,
            _money(d.value_cents),
            d.currency,
            d.close_date.isoformat(),
            ";".join(d.products),
            d.stage,
            d.status,
            d.conflict_kind or "",
            d.submitted_at.isoformat(),
            d.decided_at.isoformat() if d.decided_at else "",
            d.decided_by_name or "",
            d.decision_reason or "",
            d.protected_until.isoformat() if d.protected_until else "",
            d.extension_status or "",
            _money(d.won_amount_cents),
            d.lost_reason or "",
        )
        writer.writerow(safe_cell(cell) for cell in row)
    return out.getvalue()


@dataclass(frozen=True)
class ImportReport:
    added: int
    updated: int


async def import_house_accounts(deps: Deps, rows: Iterable[Mapping[str, str]]) -> ImportReport:
    """Add or update house accounts from CSV rows with `domain` (or `website`), and
    optionally `company` and `owner`. All or nothing.

    Raises:
        InvalidInput: a row whose domain is missing or invalid (line numbers given).
    """
    clean: dict[str, tuple[str, str, str]] = {}
    errors: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        raw = fields.one_line(row.get("domain") or row.get("website"))
        try:
            domain = normalise_domain(raw)
            company, owner = (
                fields.short_text(row.get(column), field=column, what=f"a {column}",
                                  limit=fields.HOUSE_TEXT_MAX)
                for column in ("company", "owner")
            )  # fmt: skip
        except ValueError as exc:
            errors[f"line {line}"] = f"{raw[:80]!r}: {exc}"
            continue
        except InvalidInput as exc:
            errors[f"line {line}"] = "; ".join(exc.field_errors.values())
            continue
        clean[domain] = (domain, company, owner)
    if errors:
        raise InvalidInput(errors)
    async with deps.sessions() as session, session.begin():
        added, updated = await house_accounts.upsert_house_accounts(
            session, clean.values(), now=deps.clock()
        )
    logger.info("house accounts: %d added, %d updated", added, updated)
    return ImportReport(added, updated)
