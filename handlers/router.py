"""Routes a neutral `Request` to the use case that owns it.

Each capability module exposes up to three tables, merged here:
`COMMANDS` (command word -> handler), `ACTIONS` (button action id -> handler) and
`FORMS` (form id -> handler), and `THREAD_REPLIES`: handlers offered every message
in a thread that did not mention the bot (a follow-up question, an answer to a
manager's request for information); each returns [] when the thread is not its own.
A handler is `async (request, caller, deps) -> [Reply]`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from types import ModuleType
from typing import Any

from bot.core import Command, Reply, Request
from bot.core.errors import NotAllowed, NotFound
from handlers.admin import chat as admin
from handlers.caller import Caller, cached_caller, load_caller
from handlers.deals import registration as deals
from handlers.deps import Deps
from handlers.help import menu as help
from handlers.knowledge import ask as knowledge

logger = logging.getLogger(__name__)

Handler = Callable[[Request, Caller, Deps], Awaitable[list[Reply]]]
#: A command answered from the caller alone: no database, no network.
InstantHandler = Callable[[Request, Caller], list[Reply]]

# Capability modules, in the order their tables are merged (later ones may not
# redefine an earlier key: a clash fails at import).
_MODULES: tuple[ModuleType, ...] = (help, admin, knowledge, deals)

#: Top-level commands: the Slack slash commands, and the same words as text.
TOP_LEVEL = ("register-deal", "deals", "ask", "help", "partnerbot")


def _merge(table: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for module in _MODULES:
        entries: Mapping[str, Any] = getattr(module, table, {})
        for key, handler in entries.items():
            if key in merged:
                raise RuntimeError(f"{table} key {key!r} is defined twice ({module.__name__})")
            merged[key] = handler
    return merged


COMMANDS: dict[str, Handler] = _merge("COMMANDS")
ACTIONS: dict[str, Handler] = _merge("ACTIONS")
FORMS: dict[str, Handler] = _merge("FORMS")
INSTANT_COMMANDS: dict[str, InstantHandler] = _merge("INSTANT_COMMANDS")
THREAD_REPLIES: tuple[Handler, ...] = tuple(
    handler for module in _MODULES for handler in getattr(module, "THREAD_REPLIES", ())
)


def parse_command(text: str) -> Command | None:
    """Read a command out of message text: `/deals open`, `deals open`,
    `partnerbot link Acme`, or a bare partnerbot sub-command such as `link Acme`.

    Returns None when the first word is not a command we know.
    """
    words = text.strip().split(maxsplit=1)
    if not words:
        return None
    word = words[0].lower().lstrip("/")
    rest = words[1].strip() if len(words) > 1 else ""
    if word in COMMANDS or word in TOP_LEVEL:
        return Command(name=word, text=rest)
    return None


def answer_now(request: Request, deps: Deps) -> list[Reply] | None:
    """The answer to `request` when it needs no waiting, else None (then `dispatch`).

    That is a command in INSTANT_COMMANDS (help, and what falls back to help) from a
    caller seen recently (deps.callers). An adapter that must answer within an HTTP
    response tries this first: the commonest answer then skips the background task
    and time budget that work which may wait on I/O needs.
    """
    command = request.command or parse_command(request.text)
    if command is None or request.click is not None or request.submit is not None:
        return None
    command = _effective(command)
    handler = INSTANT_COMMANDS.get(command.name)
    if handler is None:
        return None
    cache = deps.callers
    caller = cached_caller(deps.sessions, request, cache) if cache is not None else None
    if caller is None:
        return None
    return handler(_scoped(request, command), caller)


async def dispatch(request: Request, deps: Deps) -> list[Reply]:
    """Answer one request. Raises `InvalidInput` for form errors (adapters show them
    next to the fields); every other expected error becomes a reply to the actor."""
    caller = await load_caller(deps.sessions, request, cache=deps.callers)
    try:
        return await _route(request, caller, deps)
    except NotAllowed as exc:
        return [Reply(text=exc.reason, visibility="only_actor")]
    except NotFound as exc:
        return [Reply(text=f"I couldn't find that {exc.kind}.", visibility="only_actor")]


async def _route(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    if request.click is not None:
        handler = ACTIONS.get(request.click.action_id) or _prefix_match(request.click.action_id)
        if handler is None:
            logger.warning("no handler for action %s", request.click.action_id)
            return [Reply(text="That button has expired.", visibility="only_actor")]
        return await handler(request, caller, deps)
    if request.submit is not None:
        handler = FORMS.get(request.submit.form_id)
        if handler is None:
            logger.warning("no handler for form %s", request.submit.form_id)
            return [Reply(text="That form has expired.", visibility="only_actor")]
        return await handler(request, caller, deps)
    command = request.command or parse_command(request.text)
    if command is not None:
        return await _run_command(request, command, caller, deps)
    if not request.text.strip():
        return await help.menu(request, caller, deps)
    return await _free_text(request, caller, deps)


def _prefix_match(action_id: str) -> Handler | None:
    """Slack needs unique action ids within a message, so a handler registered as
    `deal-approve` also answers `deal-approve:42`."""
    base = action_id.split(":", 1)[0]
    return ACTIONS.get(base)


def _effective(command: Command) -> Command:
    """The command that answers: `partnerbot <sub>` is `<sub>`, and anything we do not
    know (or a bare `partnerbot`) is `help`."""
    if command.name == "partnerbot":
        command = parse_command(command.text) or Command(name="help", text=command.text)
    if command.name not in COMMANDS:  # also `partnerbot partnerbot`
        return Command(name="help", text=command.text)
    return command


def _scoped(request: Request, command: Command) -> Request:
    return Request(
        actor=request.actor,
        place=request.place,
        text=command.text,
        command=command,
        mentioned=request.mentioned,
    )


async def _run_command(
    request: Request, command: Command, caller: Caller, deps: Deps
) -> list[Reply]:
    command = _effective(command)
    return await COMMANDS[command.name](_scoped(request, command), caller, deps)


async def _free_text(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """Text that is not a command. Put to the bot (a DM, a mention), the knowledge base
    answers it; in a thread, the capability that owns the thread may; otherwise the
    bot stays quiet (it does not answer every message in a channel).

    The thread's owner is asked first even when the bot is mentioned: in Teams channels
    the bot only receives messages that @mention it, so an answer in a registration's
    thread always carries a mention."""
    if request.place.thread_id is not None:
        for handler in THREAD_REPLIES:
            replies = await handler(request, caller, deps)
            if replies:
                return replies
    if not (request.mentioned or request.place.kind == "dm"):
        return []
    fallback = COMMANDS.get("ask")
    if fallback is not None:
        scoped = Request(
            actor=request.actor,
            place=request.place,
            text=request.text,
            command=Command(name="ask", text=request.text),
            mentioned=request.mentioned,
        )
        return await fallback(scoped, caller, deps)
    return await help.show_help(request, caller, deps)
