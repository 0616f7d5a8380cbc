"""Registration drafts left unfinished expire after REGISTRATION_DRAFT_HOURS unanswered.

The scheduled run (`jobs run-due`, the `drafts_expired` step) drops their answers and
marks them expired, and forgets them KEEP_EXPIRED later. A draft past its hours is
treated as expired at once, whether or not the run has reached it yet, so a stale
draft can never be registered; its thread, its buttons and a late answer get
`expired_reply`, which says what happened and how to start again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core import Button, Reply, ids
from bot.core.model import Visibility
from handlers.deps import Deps
from storage import drafts as draft_store
from storage.drafts import RegistrationDraft


def idle_limit(deps: Deps) -> timedelta:
    return timedelta(hours=deps.settings.registration_draft_hours)


def keep_line(deps: Deps) -> str:
    """What a question or summary says about the draft's lifetime."""
    hours = deps.settings.registration_draft_hours
    return f"I keep your answers for {hours} hours after your last one."


def is_expired(draft: RegistrationDraft, deps: Deps, *, now: datetime) -> bool:
    """Expired by the scheduled run, or idle longer than the setting allows."""
    return draft.expired_at is not None or draft.updated_at <= now - idle_limit(deps)


def mark_expired(draft: RegistrationDraft, *, now: datetime) -> None:
    """Expire `draft` now (the run would have): its answers are dropped."""
    if draft.expired_at is None:
        draft.expired_at, draft.values, draft.asking = now, {}, None


def expired_reply(deps: Deps, *, visibility: Visibility = "everyone") -> Reply:
    """What a person is told about a registration that expired, and what to do next."""
    hours = deps.settings.registration_draft_hours
    text = (
        f"This registration expired: it waited more than {hours} hours for an answer, so "
        "nothing was registered and its answers were deleted. To start again, write "
        "“register” and what you know here (e.g. “register Acme Corp, acme.com, 50k”), "
        "or press Register a deal to fill in the form."
    )
    start = Button("Register a deal", ids.MENU_REGISTER_DEAL, style="primary")
    return Reply(
        text=text, buttons=(start,), in_thread=visibility == "everyone", visibility=visibility
    )


async def expire_drafts(deps: Deps, now: datetime) -> int:
    """Due step: expire drafts idle past REGISTRATION_DRAFT_HOURS and forget those
    expired long ago. Returns how many expired (nothing is posted: the person is told
    when they come back to the thread)."""
    async with deps.sessions() as session, session.begin():
        expired = await draft_store.expire_drafts(
            session, idle_since=now - idle_limit(deps), now=now
        )
        await draft_store.purge_expired(session, now=now)
    return expired
