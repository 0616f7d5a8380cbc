"""Set a partner's quarterly revenue target (chat `target` and CLI `partners set`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import InvalidInput, NotFound
from handlers.deals.money import format_money, parse_amount
from storage import partners as partner_store
from storage.quarters import Quarter
from storage.targets import set_target


@dataclass(frozen=True)
class TargetWords:
    partner: str
    cents: int
    currency: str | None
    quarter: Quarter | None


def parse_target_words(text: str) -> TargetWords:
    """`Acme Partners 250k [USD] [2026Q4]` -> its parts (the partner name is what is
    left before the amount).

    Raises:
        InvalidInput: no partner, no amount, or an amount we cannot read.
    """
    words = text.split()
    quarter = None
    if words:
        try:
            quarter = Quarter.parse(words[-1])
            words = words[:-1]
        except ValueError:
            pass
    for cut in (2, 1):
        if len(words) > cut:
            try:
                cents, currency = parse_amount(" ".join(words[-cut:]))
            except ValueError:
                continue
            return TargetWords(" ".join(words[:-cut]), cents, currency, quarter)
    raise InvalidInput({"target": "give a partner and an amount, e.g. `target Acme 250k USD`"})


async def set_partner_target(
    session: AsyncSession,
    partner_name: str,
    *,
    cents: int,
    currency: str,
    quarter: Quarter,
    now: datetime,
    manager_id: int | None = None,
) -> str:
    """Set the target and return the confirmation line.

    Args:
        manager_id: when given, the partner must be owned by this manager.

    Raises:
        NotFound: no such partner (or not the manager's).
        InvalidInput: a target that is not positive.
    """
    if cents <= 0:
        raise InvalidInput({"target": "a target must be more than zero"})
    partner = await partner_store.get_partner_by_name(session, partner_name)
    if partner is None or (manager_id is not None and partner.manager_id != manager_id):
        raise NotFound("partner", partner_name)
    await set_target(
        session, partner.id, quarter.label, amount_cents=cents, currency=currency, now=now
    )
    return f"Target of **{partner.name}** for {quarter.label}: {format_money(cents, currency)}."
