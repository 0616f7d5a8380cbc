"""The collaborators every use case receives, built once by app.py."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.delivery import Sender
from bot.core.names import DisplayNames
from bot.core.settings import Settings
from handlers.knowledge.index import KnowledgeIndex
from storage.engine import SessionFactory
from storage.people_reads import PersonReader

if TYPE_CHECKING:
    from openai import AsyncOpenAI

Clock = Callable[[], datetime]


class RecentResults:
    """Results of slow work (a model's reading of a sentence) kept a few minutes, so
    the same request run again soon (Slack re-runs a sentence when its form button is
    clicked, with 3 s to open the form) costs no second call. Bounded, per process."""

    def __init__(self, *, keep_seconds: float = 600.0, max_items: int = 1_000) -> None:
        self._keep, self._max = keep_seconds, max_items
        self._items: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()

    def get(self, key: Hashable) -> object | None:
        found = self._items.get(key)
        if found is None or time.monotonic() - found[0] > self._keep:
            self._items.pop(key, None)
            return None
        return found[1]

    def put(self, key: Hashable, value: object) -> None:
        self._items[key] = (time.monotonic(), value)
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    """Everything a use case may need, injected (no module-level clients).

    Attributes:
        settings: the one Settings object.
        sessions: the async session factory; callers own transactions.
        clock: returns "now" as an aware UTC datetime (tests pass a fixed one).
        llm: an `openai.AsyncOpenAI` client when OPENAI_API_KEY is set, else None.
        senders: platform -> Sender, filled in by each adapter's `register`.
        outbox_wakeup: set when a message is queued, so the outbox loop delivers it
            now rather than at its next tick.
        names: display names an adapter looked up (Slack `users.info`), per process.
        knowledge: the knowledge base's search state (vocabulary, embeddings, embedder).
        recent: results of model calls kept a few minutes (`RecentResults`).
        people: reads the person behind each request fresh, cheaply; built from the
            session factory's engine when not given (None: a factory without one).
    """

    settings: Settings
    sessions: SessionFactory
    clock: Clock = system_clock
    llm: AsyncOpenAI | None = None
    senders: dict[str, Sender] = field(default_factory=dict)
    outbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    names: DisplayNames = field(default_factory=DisplayNames)
    knowledge: KnowledgeIndex = field(default_factory=KnowledgeIndex)
    recent: RecentResults = field(default_factory=RecentResults)
    people: PersonReader | None = None

    def __post_init__(self) -> None:
        engine = getattr(self.sessions, "kw", {}).get("bind")
        if self.people is None and isinstance(engine, AsyncEngine):
            object.__setattr__(self, "people", PersonReader(engine))
