"""A small world for deal-registration tests: two partners (Acme Partners, Beta Resellers)
with their own Slack channels and reps, their manager, a second manager and an admin,
and a recording sender for the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core import Actor, ButtonClick, Command, FormSubmit, Place, Reply, Request
from bot.core.delivery import Delivered, Destination
from handlers.admin.chat import add_manager
from handlers.deps import Deps
from handlers.router import dispatch
from scheduling.outbox import deliver_due
from storage import partners as partner_store
from storage import people as people_store

CHANNEL_A = Place(platform="slack", channel_id="C-ACME", team_id="T1")
CHANNEL_B = Place(platform="slack", channel_id="C-BETA", team_id="T1")
MANAGER_DM = Place(platform="slack", channel_id="D-MGR", kind="dm")
GOOD = {
    "company": "Acme Corp",
    "domain": "https://www.acme.com/",
    "value": "50k USD",
    "close_date": "2027-03-31",
    "products": ["Platform"],
    "stage": "qualified",
    "contact": "",
    "notes": "",
}


def actor(user_id: str) -> Actor:
    return Actor(platform="slack", user_id=user_id, name=user_id.removeprefix("U-").title())


REP_A, REP_A2, REP_B = actor("U-ANNA"), actor("U-ARNE"), actor("U-BEN")
MANAGER, OTHER_MANAGER, ADMIN = actor("U-MIA"), actor("U-MAX"), actor("U-ADA")


@dataclass
class Sent:
    destination: Destination
    reply: Reply
    message_id: str


@dataclass
class RecordingSender:
    sent: list[Sent] = field(default_factory=list)

    async def send(self, destination: Destination, reply: Reply) -> Delivered:
        message_id = f"m{len(self.sent) + 1}"
        self.sent.append(Sent(destination, reply, message_id))
        channel = destination.channel_id or f"D-{destination.user_id}"
        return Delivered(message_id=message_id, channel_id=channel, thread_id=destination.thread_id)

    def to_channel(self, channel_id: str) -> list[Sent]:
        return [s for s in self.sent if s.destination.channel_id == channel_id]

    def to_user(self, user_id: str) -> list[Sent]:
        return [s for s in self.sent if s.destination.user_id == user_id]

    def all_text(self, sent: list[Sent]) -> str:
        return "\n".join(_reply_text(s.reply) for s in sent)


def _reply_text(reply: Reply) -> str:
    parts = [reply.title or "", reply.text, *(f"{f.label}: {f.value}" for f in reply.facts)]
    parts.extend(reply.context)
    parts.extend(b.label for b in reply.buttons)
    return "\n".join(parts)


def text_of(replies: list[Reply]) -> str:
    return "\n".join(_reply_text(r) for r in replies)


async def build_world(deps: Deps) -> RecordingSender:
    """Partners, people and channels; returns the sender the outbox will use."""
    async with deps.sessions() as session, session.begin():
        mia = await add_manager(session, "slack", "U-MIA", actor="test", deps=deps, name="Mia")
        await add_manager(session, "slack", "U-MAX", actor="test", deps=deps, name="Max")
        await add_manager(
            session, "slack", "U-ADA", actor="test", deps=deps, name="Ada", role="admin"
        )
        for name, tier, place, reps in (
            ("Acme Partners", "gold", CHANNEL_A, ("U-ANNA", "U-ARNE")),
            ("Beta Resellers", "silver", CHANNEL_B, ("U-BEN",)),
        ):
            partner = await partner_store.add_partner(session, name, tier=tier, manager_id=mia.id)
            await partner_store.link_channel(
                session, partner, platform="slack", channel_id=place.channel_id
            )
            for user_id in reps:
                await people_store.upsert_person(
                    session,
                    "slack",
                    user_id,
                    name=user_id.removeprefix("U-").title(),
                    partner_id=partner.id,
                )
    sender = RecordingSender()
    deps.senders["slack"] = sender
    return sender


async def deliver(deps: Deps) -> None:
    await deliver_due(deps, per_channel_interval=0)


async def command(deps: Deps, who: Actor, place: Place, name: str, text: str = "") -> list[Reply]:
    request = Request(actor=who, place=place, text=text, command=Command(name, text))
    return await dispatch(request, deps)


async def click(deps: Deps, who: Actor, place: Place, button: Any) -> list[Reply]:
    request = Request(
        actor=who, place=place, click=ButtonClick(action_id=button.action_id, value=button.value)
    )
    return await dispatch(request, deps)


async def submit(
    deps: Deps, who: Actor, place: Place, form: Any, values: dict[str, Any]
) -> list[Reply]:
    request = Request(
        actor=who,
        place=place,
        submit=FormSubmit(form_id=form.form_id, values=values, metadata=form.metadata),
    )
    return await dispatch(request, deps)


async def open_form(deps: Deps, who: Actor, place: Place, text: str = "") -> Any:
    [reply] = await command(deps, who, place, "register-deal", text)
    assert reply.form is not None
    return reply.form


async def register(
    deps: Deps, who: Actor = REP_A, place: Place = CHANNEL_A, **overrides: Any
) -> list[Reply]:
    form = await open_form(deps, who, place)
    return await submit(deps, who, place, form, {**GOOD, **overrides})


def button(reply: Reply, label: str) -> Any:
    return next(b for b in reply.buttons if b.label == label)
