"""Manager digests, partner KPIs, targets, scorecards and the QBR pack."""

from __future__ import annotations
