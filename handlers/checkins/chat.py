"""Check-ins in chat: `/partnerbot checkins …` (a manager, in the partner channel) and
the answers people write in a check-in's thread."""

from __future__ import annotations

from datetime import date

from bot.core import ButtonClick, Field, Form, FormSubmit, Reply, Request, ids
from bot.core.errors import InvalidInput, NotAllowed
from handlers.caller import Caller
from handlers.checkins.due import checkin_id_of
from handlers.checkins.schedule import Change, change_schedule, view_of
from handlers.checkins.timing import parse_weekday
from handlers.deps import Deps
from handlers.routes import QUIET, ThreadKey
from storage import checkins as store
from storage import partners as partner_store

USAGE = (
    "Usage, in the partner's channel: `/partnerbot checkins weekly mon 09:00 [Europe/Berlin]` "
    "(or `biweekly`, `monthly`), `checkins pause until 2027-01-10`, `checkins resume`, "
    "`checkins off`, `checkins show`."
)
ACK = Reply(text="Thanks, noted.", acknowledge=True, in_thread=True)


def parse_change(text: str) -> Change | None:
    """The change a command asks for; None for `show` (or nothing).

    Raises:
        InvalidInput: words we cannot read.
    """
    words = text.split()
    if not words or words[0].lower() == "show":
        return None
    head, rest = words[0].lower(), words[1:]
    if head == "off":
        return Change(cadence="off")
    if head == "resume":
        return Change(resume=True)
    if head in ("pause", "snooze"):
        if rest and rest[0].lower() == "until":
            rest = rest[1:]
        try:
            return Change(paused_until=date.fromisoformat(rest[0]))
        except (IndexError, ValueError) as exc:
            raise InvalidInput({"until": "give a date like 2027-01-10"}) from exc
    if head not in ("weekly", "biweekly", "monthly"):
        raise InvalidInput({"cadence": f"{head!r} is not weekly, biweekly, monthly or off"})
    return Change(
        cadence=head,
        weekday=parse_weekday(rest[0]) if rest else None,
        local_time=rest[1] if len(rest) > 1 else None,
        timezone=rest[2] if len(rest) > 2 else None,
    )


async def checkins_command(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    if not caller.is_staff:
        raise NotAllowed("Only the channel manager can set check-ins.")
    if caller.channel_partner_id is None:
        return [Reply(text="Use this in a partner's channel. " + USAGE, visibility="only_actor")]
    try:
        change = parse_change(request.text)
    except InvalidInput as exc:
        problems = "; ".join(exc.field_errors.values())
        return [Reply(text=f"I couldn't read that: {problems}.\n{USAGE}", visibility="only_actor")]
    async with deps.sessions() as session, session.begin():
        partner = await partner_store.get_partner(session, caller.channel_partner_id)
        if partner is None:
            return [Reply(text="This channel's partner is gone.", visibility="only_actor")]
        if change is None:
            view = view_of(await store.get_schedule(session, partner.id), partner)
        else:
            try:
                view = await change_schedule(session, partner, change, now=deps.clock())
            except InvalidInput as exc:
                problems = "; ".join(exc.field_errors.values())
                return [Reply(text=f"I couldn't use that: {problems}.", visibility="only_actor")]
    return [Reply(text=view.line(), visibility="only_actor")]


async def answer_checkin(
    request: Request, thread: ThreadKey, caller: Caller, deps: Deps
) -> list[Reply]:
    """A message in a check-in's thread: stored as that person's answer; the first one
    of each person is acknowledged, everything else stays quiet (never answered twice,
    never taken for a knowledge question)."""
    checkin_id = checkin_id_of(thread.ident)
    text = request.text.strip()
    if checkin_id is None or not text or caller.is_staff or request.edited:
        return [QUIET]  # an edited message was stored (and acknowledged) when it was new
    first = await _store_answer(deps, checkin_id, caller, text)
    return [ACK] if first else [QUIET]


async def _store_answer(deps: Deps, checkin_id: int, caller: Caller, text: str) -> bool | None:
    """Store `text` as the caller's answer; True for their first in this check-in, None
    when the check-in is gone or not their partner's."""
    async with deps.sessions() as session, session.begin():
        checkin = await store.get_checkin(session, checkin_id)
        if checkin is None or checkin.partner_id != caller.acting_partner_id:
            return None
        return await store.add_answer(session, checkin.id, caller.person_id, text, now=deps.clock())


def answer_form(checkin_id: int) -> Form:
    return Form(
        form_id=ids.FORM_CHECKIN_ANSWER,
        title="Check-in",
        fields=(Field("answer", "Your answer", kind="multiline", required=True, max_length=3000),),
        submit_label="Send",
        metadata=str(checkin_id),
    )


async def on_answer_button(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    """The check-in's Answer button (for Teams without the RSC permission, or anyone
    who prefers a form): opens a one-field form."""
    if caller.is_staff or not click.value.isdigit():
        return [Reply(text="The Answer button is for the partner's team.", visibility="only_actor")]
    return [Reply(text="Answer the check-in", form=answer_form(int(click.value)))]


async def submit_answer(
    request: Request, submit: FormSubmit, caller: Caller, deps: Deps
) -> list[Reply]:
    if not submit.metadata.isdigit() or caller.is_staff:
        return [Reply(text="That form has expired.", visibility="only_actor")]
    checkin_id = int(submit.metadata)
    raw = submit.values.get("answer")
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise InvalidInput({"answer": "Write a line or two."}, form=answer_form(checkin_id))
    stored = await _store_answer(deps, checkin_id, caller, text)
    if stored is None:
        return [Reply(text="That check-in is not your team's.", visibility="only_actor")]
    return [Reply(text="Thanks, noted.", visibility="only_actor")]


__all__ = [
    "USAGE",
    "answer_checkin",
    "checkins_command",
    "on_answer_button",
    "parse_change",
    "submit_answer",
]
