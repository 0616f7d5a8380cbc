"""Check-ins in the terminal: a manager sets the schedule in the partner's shell
channel, run_due posts the check-in there, and the partner answers with `> …` in its
thread: stored per message, acknowledged once."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.deps import Deps
from scheduling.jobs import run_due
from storage import checkins as checkin_store
from tests.scenarios.shell.driver import chat

DUE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday


async def test_a_partner_answers_the_check_in_in_its_thread(deps: Deps) -> None:
    await chat(deps, "hello", role="partner", partner_name="Acme")  # links shell-acme
    set_up = await chat(deps, "checkins weekly mon 09:00 UTC", role="manager", partner_name="Acme")
    assert "weekly on mon at 09:00 (UTC)" in set_up

    report = await run_due(deps, now=DUE)
    assert report.delivery.sent == 1
    answered = await chat(
        deps, "> Closed the Globex pilot.", "> Blocker: legal review.", role="partner",
        partner_name="Acme",
    )  # fmt: skip
    assert answered.count("Thanks, noted.") == 1  # one acknowledgement per person
    async with deps.sessions() as session:
        answers = await checkin_store.list_answers(session, 1)
    assert [a.text for a in answers] == ["Closed the Globex pilot.", "Blocker: legal review."]
