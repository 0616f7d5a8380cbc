"""Loading the caller: first contact records the person once, even when requests race;
every request reads the person fresh, so a change made by another process applies to
the next one."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from bot.core import Actor, Place, Request
from bot.core.settings import Settings
from handlers.caller import load_caller
from handlers.deps import Deps
from storage import partners, people
from storage.engine import create_session_factory
from tests.scheduling.processes import ROOT, ServedDatabase, served_database

__all__ = ["served_database"]  # the fixture, used by name


async def test_simultaneous_first_requests_record_one_person(deps: Deps) -> None:
    request = Request(
        actor=Actor(platform="slack", user_id="U-new", name="Nia"),
        place=Place(platform="slack", channel_id="C1"),
        text="help",
    )
    callers = await asyncio.gather(*(load_caller(deps.sessions, request) for _ in range(5)))

    async with deps.sessions() as session:
        rows = await people.list_people(session)
    assert len({caller.person_id for caller in callers}) == 1
    assert [(row.user_id, row.name, row.role) for row in rows] == [("U-new", "Nia", "partner_rep")]


async def test_an_external_person_is_recorded_as_external_and_never_staff(deps: Deps) -> None:
    request = Request(
        actor=Actor(platform="slack", user_id="U-guest", is_external=True),
        place=Place(platform="slack", channel_id="C1"),
    )
    caller = await load_caller(deps.sessions, request)
    assert (caller.is_external, caller.is_staff) == (True, False)


def _request(user_id: str, channel_id: str = "C1", text: str = "help") -> Request:
    return Request(
        actor=Actor(platform="slack", user_id=user_id),
        place=Place(platform="slack", channel_id=channel_id),
        text=text,
    )


async def test_a_known_person_is_read_and_changes_are_still_recorded(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        acme = await partners.add_partner(session, "Acme")
        await partners.link_channel(session, acme, platform="slack", channel_id="C-acme")
    first = await load_caller(deps.sessions, _request("U-nia", "C-general"))
    assert (first.partner_id, first.channel_partner_id) == (None, None)

    renamed = Request(
        actor=Actor(platform="slack", user_id="U-nia", name="Nia Obi"),
        place=Place(platform="slack", channel_id="C-general"),
    )
    assert (await load_caller(deps.sessions, renamed)).name == "Nia Obi"
    in_acme = await load_caller(deps.sessions, _request("U-nia", "C-acme"))
    assert (in_acme.partner_name, in_acme.channel_partner_name) == ("Acme", "Acme")
    again = await load_caller(deps.sessions, _request("U-nia", "C-general"))
    assert (again.name, again.partner_name, again.channel_partner_id) == ("Nia Obi", "Acme", None)
    async with deps.sessions() as session:
        [row] = await people.list_people(session)
    assert (row.name, row.partner_id) == ("Nia Obi", acme.id)


async def test_a_role_the_cli_changes_applies_to_the_very_next_request(
    served_database: ServedDatabase, tmp_path: Path
) -> None:
    """Another process (the CLI) makes a rep a manager, then takes it back: each change
    shows on the next request of a running server, whose reads are the lean ones."""
    settings = Settings(_env_file=None, database_url=served_database.url)  # type: ignore[call-arg]
    deps = Deps(settings=settings, sessions=create_session_factory(served_database.engine))
    assert deps.people is not None and deps.people.mode != "session"
    try:
        request = _request("U-rho")
        assert not (await load_caller(deps.sessions, request, reader=deps.people)).is_staff
        for command, staff in (("add-manager", True), ("remove-manager", False)):
            cli = [sys.executable, str(ROOT / "app.py"), "admin", command]
            done = await asyncio.to_thread(
                subprocess.run,
                [*cli, "--platform", "slack", "--user-id", "U-rho"],
                env={**os.environ, "DATABASE_URL": served_database.url},
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            caller = await load_caller(deps.sessions, request, reader=deps.people)
            assert (caller.role == "manager", caller.is_staff) == (staff, staff)
    finally:
        deps.people.close()
