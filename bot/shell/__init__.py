"""The terminal adapter: chat with PartnerBot with no chat platform at all.

Same handlers (`handlers.router.dispatch`), same database. Each line becomes a
`Request`; replies are printed with rich; buttons become numbered choices (type the
number to click); a form becomes one prompt per field. A line starting with `>`
replies in the thread the bot most recently started in the channel (a survey's
question, a check-in), the way a person answers in a Slack or Teams thread.
"""

from __future__ import annotations

import itertools
import logging
import re
from pathlib import Path
from typing import Final, Literal

from rich.console import Console
from rich.text import Text

from bot.core import Actor, Button, ButtonClick, FormSubmit, Place, Reply, Request, logcontext
from bot.core.errors import InvalidInput
from bot.shell.forms import complete_form
from bot.shell.io import Ask, StdinReader
from bot.shell.logs import logs_apart
from bot.shell.render import print_replies
from bot.shell.sender import ShellSender
from handlers.admin import operators
from handlers.deps import Deps
from handlers.notify import latest_thread_at
from handlers.router import dispatch

logger = logging.getLogger(__name__)

PLATFORM: Final = "shell"
USER_ID = "you"
USER_NAME = "You"
DEFAULT_PARTNER = "Demo Partner"
GENERAL_CHANNEL = "shell-general"
EXIT_WORDS = frozenset({"exit", "quit", ":q"})
MENU_WORD = "menu"
THREAD_MARK = ">"


def channel_for(partner_name: str | None) -> str:
    """The shell channel of a partner (shared by its manager and its reps)."""
    if partner_name is None:
        return GENERAL_CHANNEL
    slug = re.sub(r"[^a-z0-9]+", "-", partner_name.casefold()).strip("-")
    return f"shell-{slug or 'partner'}"


class ShellSession:
    """One person chatting in one shell channel."""

    def __init__(self, deps: Deps, *, console: Console, ask: Ask, channel_id: str) -> None:
        self.deps = deps
        self.console = console
        self.ask = ask
        self.actor = Actor(platform=PLATFORM, user_id=USER_ID, name=USER_NAME)
        self.place = Place(platform=PLATFORM, channel_id=channel_id, kind="channel")
        self.choices: list[Button] = []
        self._request_ids = (f"shell-{n}" for n in itertools.count(1))

    def request(
        self,
        text: str = "",
        *,
        click: ButtonClick | None = None,
        submit: FormSubmit | None = None,
        thread_id: str | None = None,
    ) -> Request:
        """Everything typed in the shell is addressed to the bot (like an @mention)."""
        place = self.place
        if thread_id is not None:
            place = Place(
                platform=PLATFORM,
                channel_id=place.channel_id,
                kind="channel",
                thread_id=thread_id,
                message_id=f"{thread_id}.{next(self._request_ids)}",
            )
        return Request(
            actor=self.actor,
            place=place,
            text=text,
            click=click,
            submit=submit,
            mentioned=True,
        )

    async def handle_line(self, line: str) -> None:
        """Answer one typed line: a choice number, `menu`, or text for the router."""
        text = line.strip()
        if text.startswith(THREAD_MARK):
            thread = await latest_thread_at(
                self.deps, platform=PLATFORM, channel_id=self.place.channel_id
            )
            if thread is None:
                self.console.print(Text("There is no thread here to reply in yet.", style="red"))
                return
            await self.turn(self.request(text=text[1:].strip(), thread_id=thread))
            return
        if text.isdigit() and self.choices:
            index = int(text) - 1
            if not 0 <= index < len(self.choices):
                self.console.print(Text(f"Choose 1-{len(self.choices)}.", style="red"))
                return
            button = self.choices[index]
            click = ButtonClick(action_id=button.action_id, value=button.value)
            await self.turn(self.request(click=click))
            return
        await self.turn(self.request(text="" if text.lower() == MENU_WORD else text))

    async def turn(self, request: Request) -> None:
        logcontext.bind(
            platform=PLATFORM, channel=self.place.channel_id, request_id=next(self._request_ids)
        )
        try:
            replies = await dispatch(request, self.deps)
        except InvalidInput as exc:  # outside a form: say what was wrong, keep chatting
            for message in exc.field_errors.values():
                self.console.print(Text(f"✗ {message}", style="red"))
            return
        await self.show(replies)

    async def show(self, replies: list[Reply]) -> None:
        if not replies:
            self.console.print(Text("(no reply)", style="dim"))
        self.choices = print_replies(self.console, replies)
        for reply in replies:
            if reply.form is not None:
                answered = await complete_form(
                    reply.form, ask=self.ask, console=self.console, submit=self._submit
                )
                if answered is not None:
                    await self.show(answered)
                return

    async def _submit(self, submit: FormSubmit) -> list[Reply]:
        return await dispatch(self.request(submit=submit), self.deps)


async def run_shell(
    deps: Deps,
    *,
    role: Literal["manager", "partner"] = "manager",
    partner_name: str | None = None,
    console: Console | None = None,
    ask: Ask | None = None,
    log_file: Path | None = None,
) -> int:
    """Chat until `exit`, `quit` or end of input. Returns the exit code (0).

    Logs never interleave with the chat: they go to `log_file` (dropped when None), and
    only warnings are shown, on their own styled line (`bot.shell.logs`)."""
    console = console or Console()
    ask = ask or StdinReader(console)
    with logs_apart(console, log_file):
        return await _chat(
            deps, role=role, partner_name=partner_name, console=console, ask=ask, log_file=log_file
        )


async def _chat(
    deps: Deps,
    *,
    role: Literal["manager", "partner"],
    partner_name: str | None,
    console: Console,
    ask: Ask,
    log_file: Path | None,
) -> int:
    if role == "partner" and partner_name is None:
        partner_name = DEFAULT_PARTNER
    channel_id = channel_for(partner_name)
    deps.senders[PLATFORM] = ShellSender(console)
    partner = await operators.set_up_local_user(
        deps,
        platform=PLATFORM,
        user_id=USER_ID,
        name=USER_NAME,
        role=role,
        partner_name=partner_name,
        channel_id=channel_id,
    )
    await deps.knowledge.warm(deps.sessions)  # the first `ask` does not wait for it
    who = "a channel manager" if role == "manager" else f"a partner rep of {partner}"
    where = f"{partner}'s channel" if partner else "a channel not linked to any partner"
    console.print(Text(f"PartnerBot shell: you are {who}, in {where} ({channel_id}).", "bold"))
    console.print(
        Text(
            "Type a command (help, link <partner>, partners …), `menu` for buttons, "
            "a number to click a choice, `> text` to reply in the latest thread, "
            "`exit` to leave.",
            style="dim",
        )
    )
    where_logs = f"Logs go to {log_file}; " if log_file else "Logs are off; "
    console.print(Text(where_logs + "warnings show here in yellow.", style="dim"))
    session = ShellSession(deps, console=console, ask=ask, channel_id=channel_id)
    while True:
        line = await ask("you> ")
        if line is None or line.strip().lower() in EXIT_WORDS:
            break
        if not line.strip():
            continue
        await session.handle_line(line)
    console.print(Text("Bye.", style="dim"))
    return 0
