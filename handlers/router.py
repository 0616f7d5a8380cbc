"""Routes a neutral `Request` to the use case that owns it.

Each capability package exports one typed `ROUTES` (commands, actions, forms,
thread owners); `ROUTES` here is their merge, which refuses a key defined twice.
A message in a thread the bot knows is routed by the thread's key to the
capability that owns it; the keys of a thread are read once, in one query.
"""

from __future__ import annotations

import logging

from bot.core import Command, Reply, Request, logcontext
from bot.core.codec import action_base
from bot.core.errors import NotAllowed, NotFound
from handlers import thread_owners
from handlers.admin.routes import ROUTES as ADMIN
from handlers.caller import Caller, load_caller
from handlers.checkins.routes import ROUTES as CHECKINS
from handlers.deals.routes import ROUTES as DEALS
from handlers.deliveries import Once
from handlers.deps import Deps
from handlers.digests.routes import ROUTES as DIGESTS
from handlers.help.menu import menu
from handlers.help.routes import ROUTES as HELP
from handlers.intents.act import answer_in_words
from handlers.intents.routes import ROUTES as INTENTS
from handlers.knowledge.routes import ROUTES as KNOWLEDGE
from handlers.routes import Routes, ThreadKey, merge_routes
from handlers.surveys.routes import ROUTES as SURVEYS

logger = logging.getLogger(__name__)

ROUTES: Routes = merge_routes(HELP, ADMIN, KNOWLEDGE, DEALS, INTENTS, CHECKINS, SURVEYS, DIGESTS)

#: Top-level commands: the Slack slash commands, and the same words as text.
TOP_LEVEL = ("register-deal", "deals", "ask", "help", "partnerbot")


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
    if word in ROUTES.commands or word in TOP_LEVEL:
        return Command(name=word, text=rest)
    return None


async def dispatch(request: Request, deps: Deps, *, event_id: str | None = None) -> list[Reply]:
    """Answer one request. Raises `InvalidInput` for form errors (adapters show them
    next to the fields); every other expected error becomes a reply to the actor.

    The caller (role, partner) is read from the database for every request, so a
    role or link changed anywhere takes effect on the next one.

    `event_id` (the platform's id of the delivery, when it has one) is recorded once:
    a retry of it is answered with nothing. A reply in a thread records it in the one
    transaction of its work (`_in_thread`); anything else records it first, alone."""
    once = Once(deps, request.place.platform, event_id)
    command = _command_of(request)
    if not _in_thread(request, command) and not await once.alone():
        return []
    caller = await load_caller(deps.sessions, request, reader=deps.people)
    logcontext.bind(partner=caller.channel_partner_name or caller.partner_name)
    try:
        return await _route(request, command, caller, deps, once)
    except NotAllowed as exc:
        return [Reply(text=exc.reason, visibility="only_actor")]
    except NotFound as exc:
        return [Reply(text=f"I couldn't find that {exc.kind}.", visibility="only_actor")]


def _command_of(request: Request) -> Command | None:
    if request.click is not None or request.submit is not None:
        return None
    return request.command or (None if request.edited else parse_command(request.text))


def _in_thread(request: Request, command: Command | None) -> bool:
    """Whether `request` is text in a thread, offered to the thread's owners first."""
    return (
        request.click is None
        and request.submit is None
        and command is None
        and bool(request.text.strip())
        and request.place.thread_id is not None
    )


async def _route(
    request: Request, command: Command | None, caller: Caller, deps: Deps, once: Once
) -> list[Reply]:
    if request.click is not None:
        click = request.click
        action = ROUTES.actions.get(action_base(click.action_id))
        if action is None:
            logger.warning("no handler for action %s", click.action_id)
            return [Reply(text="That button has expired.", visibility="only_actor")]
        return await action(request, click, caller, deps)
    if request.submit is not None:
        submit = request.submit
        form = ROUTES.forms.get(submit.form_id)
        if form is None:
            logger.warning("no handler for form %s", submit.form_id)
            return [Reply(text="That form has expired.", visibility="only_actor")]
        return await form(request, submit, caller, deps)
    if command is not None:
        return await _run_command(request, command, caller, deps)
    if not request.text.strip():
        return await menu(request, caller, deps)
    return await _free_text(request, caller, deps, once)


def _effective(command: Command) -> Command:
    """The command that answers: `partnerbot <sub>` is `<sub>`, and anything we do not
    know (or a bare `partnerbot`) is `help`."""
    if command.name == "partnerbot":
        command = parse_command(command.text) or Command(name="help", text=command.text)
    if command.name not in ROUTES.commands:  # also `partnerbot partnerbot`
        return Command(name="help", text=command.text)
    return command


def scoped(request: Request, command: Command) -> Request:
    """`request` as the given command (its text is the command's own text)."""
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
    return await ROUTES.commands[command.name](scoped(request, command), caller, deps)


async def _free_text(request: Request, caller: Caller, deps: Deps, once: Once) -> list[Reply]:
    """Text that is not a command. In a thread the bot knows, the capability that owns
    the thread answers (or stays quiet); put to the bot (a DM, a mention), what it asks
    for is run (`handlers.intents`: "show me my deals") or the knowledge base answers
    it; otherwise the bot stays quiet (it does not answer every
    message in a channel).

    The thread's owner is asked first even when the bot is mentioned: in Teams channels
    the bot only receives messages that @mention it, so an answer in a registration's
    thread always carries a mention."""
    place = request.place
    if place.thread_id is not None:
        replies = await thread_owners.answer(ROUTES, request, caller, deps, once)
        if replies is not None:
            return replies
    if request.edited:  # an edit is for the thread's owner only, never a new question
        return []
    if not (request.mentioned or place.kind == "dm"):
        return []
    return await answer_in_words(request, caller, deps)


__all__ = ["ROUTES", "ThreadKey", "dispatch", "parse_command", "scoped"]
