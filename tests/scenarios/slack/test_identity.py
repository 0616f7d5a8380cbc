"""A person's organisation and role change only by explicit action (an admin's
`managers add`, the CLI), never as a side effect of what one request carries."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from storage import people as people_store
from storage.engine import SessionFactory
from tests.scenarios.slack.conftest import MakePerson
from tests.scenarios.slack.fakes import HOME_TEAM, OTHER_TEAM, SlackDriver


async def _person(sessions: SessionFactory, user_id: str) -> people_store.Person:
    async with sessions() as session:
        person = await people_store.get_person(session, "slack", user_id)
    assert person is not None
    return person


def _click_without_team(user_id: str) -> str:
    """A block_actions payload whose `user` carries no team_id (Slack sends some)."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "name": "gina"},
        "team": {"id": HOME_TEAM},
        "channel": {"id": "C0PARTNER"},
        "container": {"message_ts": "1690000000.000100", "channel_id": "C0PARTNER"},
        "trigger_id": "t.9",
        "actions": [{"action_id": "menu-help", "value": ""}],
    }
    return urlencode({"payload": json.dumps(payload)})


async def test_a_guest_stays_external_after_a_payload_without_team_id(
    slack: SlackDriver, make_person: MakePerson, sessions: SessionFactory
) -> None:
    await make_person("U0GUEST", is_external=True)
    await make_person("U0ADMIN", role="admin")
    sent = await slack.post(
        _click_without_team("U0GUEST"), content_type="application/x-www-form-urlencoded"
    )
    assert sent.status == 200
    await slack.settle()
    assert (await _person(sessions, "U0GUEST")).is_external

    # ... so an admin still cannot make them staff.
    await slack.command("/partnerbot", "managers add <@U0GUEST|gina>", user="U0ADMIN")
    await slack.settle()
    guest = await _person(sessions, "U0GUEST")
    assert (guest.role, guest.is_external) == ("partner_rep", True)


async def test_one_request_from_another_team_does_not_demote_a_manager(
    slack: SlackDriver, make_person: MakePerson, sessions: SessionFactory
) -> None:
    await make_person("U0MANAGER", role="manager")
    await slack.command("/deals", user="U0MANAGER", team=OTHER_TEAM)
    await slack.settle()
    manager = await _person(sessions, "U0MANAGER")
    assert (manager.role, manager.is_external) == ("manager", False)

    # Their next ordinary request is a manager's again.
    sent = await slack.command("/partnerbot", "partners", user="U0MANAGER")
    await slack.settle()
    assert "only channel managers" not in sent.body


async def test_a_request_from_another_team_gets_no_staff_rights(
    slack: SlackDriver, make_person: MakePerson
) -> None:
    """The stored row stays a manager's, but a request that says its sender is from
    another organisation is answered as if they were."""
    await make_person("U0MANAGER", role="manager")
    sent = await slack.command("/partnerbot", "partners", user="U0MANAGER", team=OTHER_TEAM)
    await slack.settle()
    assert "only channel managers" in sent.body


async def test_a_click_keeps_the_display_name_and_the_greeting_uses_it(
    slack: SlackDriver, acme: None, sessions: SessionFactory
) -> None:
    """Clicks carry the username ("u0rep"), not the display name: it is never stored,
    and the next greeting still says the name `users.info` gave ("Someone")."""
    await slack.mention("", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    await slack.click("menu-help", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    assert (await _person(sessions, "U0REP")).name == "Someone"
    await slack.mention("", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    greetings = [c.params.get("text", "") for c in slack.calls("chat.postEphemeral")]
    assert greetings[-1].startswith("Hi Someone!") and "u0rep" not in " ".join(greetings)
