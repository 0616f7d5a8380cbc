"""People's display names, looked up once per process (Slack events carry only an id)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

#: How many names one process keeps (a name not kept is looked up again).
MAX_NAMES = 10_000


class DisplayNames:
    """(platform, user id) -> display name, filled by a platform's lookup; held by Deps.

    Two messages from the same person at once share one lookup (the pending lookup is
    what is kept), and a failed lookup is remembered as "" too, so a person whose name
    cannot be read costs one call per process, not one per message."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, str], asyncio.Task[str]] = {}

    async def get(
        self, platform: str, user_id: str, lookup: Callable[[], Coroutine[Any, Any, str]]
    ) -> str:
        key = (platform, user_id)
        task = self._names.get(key)
        if task is None:
            if len(self._names) >= MAX_NAMES:
                self._names.clear()
            task = self._names[key] = asyncio.ensure_future(lookup())
        try:
            return await asyncio.shield(task)
        except Exception:
            self._names.pop(key, None)  # an unexpected failure is tried again next time
            raise
