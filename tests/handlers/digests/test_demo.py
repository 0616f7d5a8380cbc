"""`demo seed`: fills an empty database so the first digest and scorecard show
something; refuses next to real partners unless forced, and refuses to seed twice."""

from __future__ import annotations

import pytest

from bot.core import Actor, Place
from bot.core.errors import NotAllowed
from handlers.demo.samples import PARTNERS
from handlers.demo.seed import seed_demo
from handlers.deps import Deps
from handlers.digests.build import build_digest
from storage import partners as partner_store
from storage import people as people_store
from tests.conftest import FIXED_NOW
from tests.handlers.deal_world import command, text_of

YOU = Actor(platform="shell", user_id="you", name="You")
DM = Place(platform="shell", channel_id="shell-general", kind="dm")


async def test_seed_then_digest_and_scorecard(deps: Deps) -> None:
    report = await seed_demo(deps)
    assert report.partners == len(PARTNERS) and report.deals > 50 and report.questions == 5
    assert {p[1] for p in PARTNERS} == {"gold", "silver", "bronze"}
    async with deps.sessions() as session:
        you = await people_store.get_person(session, "shell", "you")
        assert you is not None and you.role == "manager"
        digest = await build_digest(session, deps, you, since=FIXED_NOW, now=FIXED_NOW)
    titles = [s.title for s in digest.sections]
    assert titles[0] == "Partners at risk" and "Your partners this quarter" in titles
    risk = "\n".join(digest.sections[0].lines)
    assert "Proseware Digital" in risk and "Contoso Resellers" in risk
    said = text_of(await command(deps, YOU, DM, "partnerbot", "scorecard Northwind Traders"))
    assert "Scorecard: Northwind Traders" in said and "Win rate" in said
    with pytest.raises(NotAllowed, match="already there"):
        await seed_demo(deps)


async def test_refuses_next_to_real_partners_unless_forced(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        await partner_store.add_partner(session, "Our Real Partner")
    with pytest.raises(NotAllowed, match="--force"):
        await seed_demo(deps)
    report = await seed_demo(deps, force=True)
    assert report.partners == len(PARTNERS)
