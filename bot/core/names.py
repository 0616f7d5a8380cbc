"""People's display names, looked up once per process (Slack events carry only an id)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

#: How many names one process keeps (a name not kept is looked up again).
MAX_NAMES = 10_000


class DisplayNames:
    """(platform, user id) -> display name, filled by a platform's lookup; held by Deps.

    A failed lookup is remembered as "" too, so a person whose name cannot be read
    costs one call per process, not one per message."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, str], str] = {}

    async def get(self, platform: str, user_id: str, lookup: Callable[[], Awaitable[str]]) -> str:
        key = (platform, user_id)
        if key not in self._names:
            if len(self._names) >= MAX_NAMES:
                self._names.clear()
            self._names[key] = await lookup()
        return self._names[key]
