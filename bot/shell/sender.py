"""Proactive messages in the shell: printed as they are delivered."""

from __future__ import annotations

import itertools

from rich.console import Console
from rich.text import Text

from bot.core import Reply
from bot.core.delivery import Delivered, Destination
from bot.shell.render import print_replies


class ShellSender:
    """The `Sender` for platform "shell": prints the message, names where it went."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._ids = itertools.count(1)

    async def send(self, destination: Destination, reply: Reply) -> Delivered:
        where = destination.channel_id or f"DM with {destination.user_id}"
        self._console.print(Text(f"── message to {where} ──", style="dim"))
        print_replies(self._console, [reply])
        channel = destination.channel_id or f"dm-{destination.user_id}"
        return Delivered(
            message_id=f"shell-{next(self._ids)}",
            channel_id=channel,
            thread_id=destination.thread_id,
        )
