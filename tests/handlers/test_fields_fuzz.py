"""Fuzzing the values people type, through the use cases, on SQLite and PostgreSQL
(issue #9): long, non-Latin, NUL, control, bidi and lone-surrogate strings as partner
names, tiers, regions, display names, company names and questions. No database error
may escape, and every refusal is a field error of one clear line.

Bounded and deterministic: fixed seeds, a few dozen values per kind (about a second).
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable

import pytest

from bot.core import Actor, Command, Place, Reply, Request
from bot.core.errors import InvalidInput
from handlers import fields
from handlers.admin import operators
from handlers.deps import Deps
from handlers.router import dispatch
from storage import deals as deal_store
from storage import partners as partner_store
from storage import people as people_store
from tests.handlers.deal_world import CHANNEL_A, REP_A, build_world, register

SEEDS = range(24)
#: Pieces strings are built from: what broke PostgreSQL or misled a reader before.
PIECES = (
    "Acme", " ", "  ", "gold", "%", "_", ",", "'", '"', "-", "=", "@", "ß", "ﬃ", "İ",
    "\u0000", "\u0007", "\u001b[31m", "\u009b", "\u007f", "\t", "\n", "\r\n",
    "\u202e", "\u202c", "\u2066", "\u200f", "\ud800", "\udfff", "\ufeff", "\u200b",
    "😀", "👩‍👩‍👧", "東京", "עברית", "e\u0301", "xn--zz", "<@U123>", "[x](https://evil)",
)  # fmt: skip
Attempt = Callable[[str], Awaitable[object]]


def odd_strings(seed: int) -> list[str]:
    """A handful of odd strings for one seed: short mixes, and ones near or past the
    column limits (200, 255) in characters that grow when case-folded."""
    rng = random.Random(seed)
    out = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))]
    out.append(rng.choice(("ß", "ﬃ", "A", "😀")) * rng.choice((49, 50, 51, 199, 200, 201, 256)))
    out.append("".join(chr(rng.randint(0, 0x3000)) for _ in range(rng.randint(1, 300))))
    return out


def assert_clear_refusal(exc: InvalidInput) -> None:
    assert exc.field_errors, "a refusal names what to fix"
    for field, message in exc.field_errors.items():
        for text in (field, message):
            assert "\n" not in text and fields.plain(text) == text, repr(text)
            assert len(text) < 300, text


async def attempt_all(attempt: Attempt, values: list[str]) -> int:
    """Run `attempt` on each value; count refusals (InvalidInput). Anything else that
    is raised (a database error above all) fails the test with the value."""
    refused = 0
    for value in values:
        try:
            await attempt(value)
        except InvalidInput as exc:
            assert_clear_refusal(exc)
            refused += 1
    return refused


def every_value() -> list[str]:
    return [value for seed in SEEDS for value in odd_strings(seed)]


def all_text(replies: list[Reply]) -> str:
    return "\n".join(f"{r.title or ''}\n{r.text}" for r in replies)


async def test_partner_names_tiers_and_regions_from_the_command_line(deps: Deps) -> None:
    values = every_value()
    refused = 0
    for kind in ("name", "tier", "region"):

        async def add(value: str, kind: str = kind) -> object:
            arguments = {"name": "Fuzz", kind: value}
            return await operators.add_partner(deps, **arguments)

        refused += await attempt_all(add, values)
    assert 0 < refused < 3 * len(values)
    async with deps.sessions() as session:
        for partner in await partner_store.list_partners(session):
            for text in (partner.name, partner.tier or "", partner.region or ""):
                assert fields.plain(text) == text and text == text.strip()


async def test_partner_names_and_tiers_linked_in_chat(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        await people_store.upsert_person(session, "slack", "U-MGR", name="Mgr", role="manager")
    manager = Actor(platform="slack", user_id="U-MGR", name="Mgr")

    async def link(value: str) -> object:
        place = Place(platform="slack", channel_id=f"C-{abs(hash(value)) % 10**9}")
        for text in (value, f"Fuzz tier={value}", f"Fuzz region={value}"):
            request = Request(actor=manager, place=place, text=text, command=Command("link", text))
            replies = await dispatch(request, deps)
            assert replies and "went wrong" not in all_text(replies)
        return None

    await attempt_all(link, every_value())


async def test_display_names_from_the_platform(deps: Deps) -> None:
    async def speak(value: str) -> object:
        for platform in ("slack", "teams"):
            actor = Actor(platform=platform, user_id=f"U-{abs(hash(value))}", name=value)
            place = Place(platform=platform, channel_id="D-FUZZ", kind="dm")
            replies = await dispatch(Request(actor=actor, place=place, text="help"), deps)
            assert "What I can do" in all_text(replies)
        return None

    assert await attempt_all(speak, every_value()) == 0  # a name is cut, never refused
    async with deps.sessions() as session:
        for person in await people_store.list_people(session):
            assert len(person.name) <= fields.PERSON_NAME_MAX
            assert fields.plain(person.name) == person.name


async def test_company_names_of_registrations(deps: Deps) -> None:
    await build_world(deps)
    values = every_value()
    domains = iter(range(10**6))

    async def submit(value: str) -> object:
        replies = await register(
            deps, REP_A, CHANNEL_A, company=value, domain=f"fuzz{next(domains)}.com", notes=value
        )
        assert replies and "went wrong" not in all_text(replies)
        return replies

    refused = await attempt_all(submit, values)
    async with deps.sessions() as session:
        stored = await deal_store.list_deals(session)
    assert len(stored) + refused == len(values)
    for deal in stored:
        assert fields.plain(deal.company) == deal.company and len(deal.company_key) <= 200


@pytest.mark.parametrize("platform", ["slack", "teams"])
async def test_questions(deps: Deps, platform: str) -> None:
    asker = Actor(platform=platform, user_id="U-ASKER", name="Asker")  # type: ignore[arg-type]

    async def ask(value: str) -> object:
        place = Place(platform=platform, channel_id="D-ASK", kind="dm")  # type: ignore[arg-type]
        request = Request(actor=asker, place=place, text=value, command=Command("ask", value))
        replies = await dispatch(request, deps)
        assert replies
        return replies

    await attempt_all(ask, [*every_value(), "q" * (fields.QUESTION_MAX + 1)])
