"""Odd values from Teams reach the database cleaned or cut, the same on SQLite and
PostgreSQL (issue #9, item 13): Azure AD allows 256-character display names, we keep
200; a name with U+0000 or an RTL override; a question with U+0000."""

from __future__ import annotations

import pytest

from handlers import messages
from handlers.deps import Deps
from storage import kb_questions as question_store
from storage import people as people_store
from tests.scenarios.teams.fakes import TeamsDriver, TeamsUser


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("N" * 256, "N" * 200),
        ("Bo\x00b \u202eRep\u202c", "Bob Rep"),
        ("ß" * 256, "ß" * 200),
    ],
)
async def test_a_display_name_the_database_cannot_keep_is_cut_not_an_apology(
    teams: TeamsDriver, deps: Deps, name: str, stored: str
) -> None:
    user = TeamsUser("29:long-name", name, "aad-long")
    for _ in range(2):  # the first message records them, the second reads them back
        teams.mark()
        assert await teams.personal("help", user=user) < 300
        [reply] = await teams.wait_for(1)
        assert reply.text != messages.APOLOGY
        assert "What I can do" in reply.shown
    async with deps.sessions() as session:
        person = await people_store.get_person(session, "teams", user.id)
    assert person is not None and person.name == stored


async def test_a_question_with_nul_is_answered(teams: TeamsDriver, deps: Deps) -> None:
    user = TeamsUser("29:asker", "Asker", "aad-asker")
    await teams.personal("can we pay\x00 in bitcoin?", user=user)
    [reply] = await teams.wait_for(1)
    assert reply.text != messages.APOLOGY
    async with deps.sessions() as session:
        [question] = await question_store.list_questions(session)
    assert question.text == "can we pay in bitcoin?"
