"""Survey answers: one per respondent, run and question (a second answer replaces the
first), found again by the platform message that gave it (an edit updates it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import insert_or_ignore
from storage.surveys import SurveyAnswer


async def save_answer(session: AsyncSession, values: dict[str, Any]) -> None:
    """Store an answer, replacing the respondent's earlier answer to that question."""
    stmt = insert_or_ignore(session, SurveyAnswer).values(**values)
    keep = {
        k: stmt.excluded[k]
        for k in (
            "score",
            "choice",
            "comment",
            "person_id",
            "platform",
            "message_id",
            "answered_at",
        )
    }
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["run_id", "respondent", "position"], set_=keep)
    )


async def answered_positions(session: AsyncSession, run_id: int, respondent: str) -> set[int]:
    stmt = select(SurveyAnswer.position).where(
        SurveyAnswer.run_id == run_id, SurveyAnswer.respondent == respondent
    )
    return set((await session.scalars(stmt)).all())


async def get_answer_by_message(
    session: AsyncSession, platform: str, message_id: str
) -> SurveyAnswer | None:
    stmt = select(SurveyAnswer).where(
        SurveyAnswer.platform == platform, SurveyAnswer.message_id == message_id
    )
    return await session.scalar(stmt.order_by(SurveyAnswer.position).limit(1))
