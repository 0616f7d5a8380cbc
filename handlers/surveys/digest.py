"""What the manager digest shows of surveys: new results and at-risk partners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.deps import Deps
from storage import survey_results as agg


@dataclass(frozen=True)
class SurveyNews:
    """Since a moment: runs with new answers from the manager's partners, and the
    partners who gave a detractor score (0–6 on a 0–10 question) — at risk.

    Attributes:
        results: (run id, survey key, new answers) per run.
        detractors: (partner id, partner name, run id, lowest score) per partner and run.
    """

    results: list[agg.NewResult]
    detractors: list[agg.Detractor]

    @property
    def empty(self) -> bool:
        return not self.results and not self.detractors


async def survey_news(deps: Deps, *, manager_id: int | None, since: datetime) -> SurveyNews:
    """New survey results for the manager's partners (`manager_id` is their `people.id`;
    None: every partner, for admins) since `since` (aware UTC). Read-only, one session."""
    async with deps.sessions() as session:
        results, detractors = await agg.new_results(session, manager_id=manager_id, since=since)
    return SurveyNews(results=results, detractors=detractors)
