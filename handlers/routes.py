"""The typed routing table each capability exports, and the one merge that joins them.

A capability package (`handlers/deals/`, `handlers/knowledge/` …) exports one
`ROUTES: Routes` from its `routes` module. The router merges them with
`merge_routes`, which refuses a key defined twice, so one capability can never
silently take over another's command, button, form or thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import ButtonClick, FormSubmit, Reply, Request
from handlers.caller import Caller
from handlers.deps import Deps

#: A command (`/deals open`) or the same words as text.
CommandHandler = Callable[[Request, Caller, Deps], Awaitable[list[Reply]]]
#: A click on one of the bot's buttons; the click is passed as its own argument.
ActionHandler = Callable[[Request, ButtonClick, Caller, Deps], Awaitable[list[Reply]]]
#: A submitted form; the submission is passed as its own argument.
FormHandler = Callable[[Request, FormSubmit, Caller, Deps], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class ThreadKey:
    """The name of a thread the bot started or answered in: `deal:DR-000042`,
    `question:17`. `owner` picks the capability, `ident` is that capability's own id."""

    owner: str
    ident: str

    @classmethod
    def parse(cls, key: str) -> ThreadKey:
        owner, _, ident = key.partition(":")
        return cls(owner=owner, ident=ident)

    def __str__(self) -> str:
        return f"{self.owner}:{self.ident}"


#: A thread owner returns `[QUIET]` to say "this message is mine and needs no answer":
#: the router stops there (it does not offer the message to the knowledge base) and
#: sends nothing. An empty list still means "not mine".
QUIET = Reply(text="")

#: A message in a thread the capability owns (found by the thread's key, once).
ThreadHandler = Callable[[Request, ThreadKey, Caller, Deps], Awaitable[list[Reply]]]
#: A message in a thread the capability owns, answered inside the request's one
#: transaction (`session`, begun): with the delivery's once-only record and the read of
#: the thread's keys, committed with them, so a retried event writes nothing twice and
#: a crash leaves neither the record without the work nor the work without it. For a
#: few statements only: it opens no session of its own (on SQLite the transaction holds
#: the server's one pooled connection) and waits on nothing slow (no LLM, no Web API).
ThreadStep = Callable[[AsyncSession, Request, ThreadKey, Caller, Deps], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Routes:
    """What one capability answers.

    Attributes:
        commands: command word -> handler (`register-deal`, `deals`, `link` …).
        actions: button action id (without a `:<id>` suffix) -> handler.
        forms: form id -> handler.
        threads: thread key owner (`deal`, `question` …) -> handler of replies there.
        thread_steps: thread key owner -> handler of replies there that works in the
            request's transaction (`ThreadStep`); an owner is in one of the two.
    """

    commands: Mapping[str, CommandHandler] = field(default_factory=dict)
    actions: Mapping[str, ActionHandler] = field(default_factory=dict)
    forms: Mapping[str, FormHandler] = field(default_factory=dict)
    threads: Mapping[str, ThreadHandler] = field(default_factory=dict)
    thread_steps: Mapping[str, ThreadStep] = field(default_factory=dict)

    def owns_thread(self, owner: str) -> bool:
        """Whether replies in threads of `owner` are answered (either way)."""
        return owner in self.threads or owner in self.thread_steps


H = TypeVar("H")


def _join(kind: str, tables: list[Mapping[str, H]]) -> Mapping[str, H]:
    merged: dict[str, H] = {}
    for table in tables:
        for key, handler in table.items():
            if key in merged:
                raise ValueError(f"{kind} {key!r} is routed twice")
            merged[key] = handler
    return MappingProxyType(merged)


def merge_routes(*routes: Routes) -> Routes:
    """One table from many.

    Raises:
        ValueError: a command, action, form or thread owner appears in two of them
            (a thread owner also when it is a `threads` entry in one and a
            `thread_steps` entry in another, or both in one).
    """
    threads = _join("thread owner", [r.threads for r in routes])
    steps = _join("thread owner", [r.thread_steps for r in routes])
    both = sorted(threads.keys() & steps.keys())
    if both:
        raise ValueError(f"thread owner {both[0]!r} is routed twice")
    return Routes(
        commands=_join("command", [r.commands for r in routes]),
        actions=_join("action", [r.actions for r in routes]),
        forms=_join("form", [r.forms for r in routes]),
        threads=threads,
        thread_steps=steps,
    )
