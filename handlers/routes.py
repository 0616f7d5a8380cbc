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


@dataclass(frozen=True)
class Routes:
    """What one capability answers.

    Attributes:
        commands: command word -> handler (`register-deal`, `deals`, `link` …).
        actions: button action id (without a `:<id>` suffix) -> handler.
        forms: form id -> handler.
        threads: thread key owner (`deal`, `question` …) -> handler of replies there.
    """

    commands: Mapping[str, CommandHandler] = field(default_factory=dict)
    actions: Mapping[str, ActionHandler] = field(default_factory=dict)
    forms: Mapping[str, FormHandler] = field(default_factory=dict)
    threads: Mapping[str, ThreadHandler] = field(default_factory=dict)


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
        ValueError: a command, action, form or thread owner appears in two of them.
    """
    return Routes(
        commands=_join("command", [r.commands for r in routes]),
        actions=_join("action", [r.actions for r in routes]),
        forms=_join("form", [r.forms for r in routes]),
        threads=_join("thread owner", [r.threads for r in routes]),
    )
