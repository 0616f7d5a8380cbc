"""What people type (and their display names) reaches Teams inert: no Markdown link,
no mention entity, no tag. Through the real CloudAdapter, on both databases."""

from __future__ import annotations

import json
import re
from typing import Any

from handlers.deps import Deps
from scheduling.outbox import deliver_due
from storage import people as people_store
from tests.scenarios.teams.fakes import ALICE, BOB, Sent, TeamsDriver, TeamsUser
from tests.scenarios.teams.test_deals import VALUES, _data, _form_card, world

__all__ = ["world"]

EVIL = "[Open invoice](https://evil.example/pay) <@29:alice|Boss> <at>Boss</at>"
SNEAKY_BOB = TeamsUser(BOB.id, f"Bob {EVIL}", BOB.aad_object_id)
#: Teams syntax that would make a link, a mention or a tag of what was typed.
LIVE = re.compile(r"\]\(https://evil|<at>Boss|<@29:alice")


def _texts(sent: Sent) -> list[str]:
    texts = [sent.text]
    card: dict[str, Any] | None = sent.card
    if card is not None:
        texts.append(json.dumps(card, ensure_ascii=False))
    return texts


async def test_names_and_fields_typed_by_partners_are_inert_on_teams(
    teams: TeamsDriver, deps: Deps, world: None
) -> None:
    teams.mark()
    await teams.channel("", user=SNEAKY_BOB)  # the menu greets Bob by name
    await teams.channel("register-deal", user=SNEAKY_BOB)
    form = _form_card(await teams.wait_for(1))
    hostile = {**_data(form), **VALUES, "company": f"Acme {EVIL}", "notes": f"Notes {EVIL}"}
    await teams.submit(
        hostile, reply_to=form.id, conversation=form.conversation_id, user=SNEAKY_BOB
    )
    await deliver_due(deps, per_channel_interval=0)
    async with deps.sessions() as session:
        bob = await people_store.get_person(session, "teams", BOB.id)
    assert bob is not None and EVIL in bob.name

    sent = teams.since()
    shown = "\n".join(t for s in sent for t in _texts(s))
    assert "Hi Bob [" in shown.replace("\u2060", "")  # the name is there, as typed
    assert "Acme [Open invoice]" in shown.replace("\u2060", "")
    assert [s.conversation_id for s in sent if ALICE.id in json.dumps(s.body)]  # her card
    assert not [t for s in sent for t in _texts(s) if LIVE.search(t)]
    assert not [s for s in sent if s.body.get("entities")]  # nobody is mentioned
