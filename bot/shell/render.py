"""Replies in the terminal: title, Markdown text, facts, sources, context, buttons."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from bot.core import Button, Reply
from bot.core.untrusted import protect, strip_marks

#: Characters CommonMark lets a backslash make literal.
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _escaped(text: str) -> str:
    """Untrusted text as Markdown that shows it as typed (rich follows CommonMark)."""
    return "".join(f"\\{c}" if c in _PUNCTUATION else c for c in text)


def markdown(text: str) -> Markdown:
    """Neutral Markdown for rich, with text marked untrusted shown verbatim."""
    held, restore = protect(text)
    return Markdown(restore(held, _escaped))


def render_reply(reply: Reply, *, first_choice: int = 1) -> tuple[RenderableType, list[Button]]:
    """One reply as a rich renderable, plus its clickable buttons in numbering order.

    Buttons are numbered from `first_choice` (several replies of one turn share the
    numbering); link buttons are shown as links and are not numbered.
    """
    parts: list[RenderableType] = []
    if reply.title:
        parts.append(Text(strip_marks(reply.title), style="bold"))
    if reply.text:
        parts.append(markdown(reply.text))
    if reply.facts:
        table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
        table.add_column(style="bold")
        table.add_column()
        for fact in reply.facts:
            table.add_row(strip_marks(fact.label), strip_marks(fact.value))
        parts.append(table)
    if reply.citations:
        parts.append(Text("Sources", style="bold"))
        for citation in reply.citations:
            line = Text(f"[{citation.n}] {citation.title}")
            if citation.section:
                line.append(f" — {citation.section}")
            if citation.url:
                line.append(f" ({citation.url})", style="dim")
            parts.append(line)
    if reply.warning:
        parts.append(Text(f"⚠ {strip_marks(reply.warning)}", style="yellow"))
    for small_print in reply.context:
        parts.append(Text(strip_marks(small_print), style="dim"))
    choices: list[Button] = []
    for button in reply.buttons:
        if button.url:
            parts.append(Text(f"↗ {button.label}: {button.url}", style="cyan"))
            continue
        number = first_choice + len(choices)
        look = {"primary": "bold green", "danger": "bold red"}.get(button.style or "", "bold")
        parts.append(Text.assemble((f"{number}) ", "cyan"), (strip_marks(button.label), look)))
        choices.append(button)
    notes = []
    if reply.visibility == "only_actor":
        notes.append("only you can see this")
    if reply.replace_original:
        notes.append("updates the message you clicked")
    if notes:
        parts.append(Text(f"({'; '.join(notes)})", style="dim italic"))
    body: RenderableType = Group(*parts)
    if reply.in_thread:
        body = Padding(Group(Text("↳ in thread", style="dim"), body), (0, 0, 0, 4))
    return body, choices


def print_replies(console: Console, replies: Sequence[Reply]) -> list[Button]:
    """Print a turn's replies; returns the numbered choices, in order."""
    choices: list[Button] = []
    for reply in replies:
        body, buttons = render_reply(reply, first_choice=len(choices) + 1)
        console.print(Text("PartnerBot", style="bold magenta"))
        console.print(body)
        console.print()
        choices.extend(buttons)
    return choices
