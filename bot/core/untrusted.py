"""Text a person typed, marked inside neutral Markdown so that it renders inert.

Handlers write replies in neutral Markdown, and interpolate what people typed
(a company name, notes, a question, an answer, a display name). Wrapped with
`untrusted(...)`, that text is shown exactly as typed on every platform: its
`[label](url)` stays text instead of becoming a disguised link, and `<@U123>`,
`<at>…</at>` or `<!channel>` notify nobody. Everything around it keeps its
formatting::

    Reply(text=f"**{untrusted(deal.company)}** was registered by {untrusted(caller.name)}")

The mark is a pair of private-use characters around the text. Renderers
(bot/slack/mrkdwn.py, bot/teams/markdown.py, bot/shell/render.py) find the marked
spans with `protect`, render the rest as Markdown, and put each span back in
their own inert form; plain-text slots (titles, facts, button labels) only
`strip_marks`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

OPEN = "\ue000"
CLOSE = "\ue001"
#: A span's placeholder while the text around it is converted: private-use
#: characters around a number, which no Markdown rule matches or splits.
_HOLD_OPEN = "\ue002"
_HOLD_CLOSE = "\ue003"
_MARKS = re.compile("[\ue000-\ue003]")
#: A marked span; one that a cut left unclosed runs to the end of the text.
SPAN = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]*)(?:{CLOSE}|$)")
_HELD = re.compile(f"{_HOLD_OPEN}(\\d+){_HOLD_CLOSE}")


def untrusted(value: object) -> str:
    """`value` as text that renderers show verbatim, with links and mentions inert
    (None and "" give "", so `untrusted(name) or "someone"` works)."""
    text = _MARKS.sub("", "" if value is None else str(value))
    return f"{OPEN}{text}{CLOSE}" if text else ""


def strip_marks(text: str) -> str:
    """`text` without the marks (for plain-text slots, which are shown verbatim)."""
    return _MARKS.sub("", text)


def drop_untrusted(text: str) -> str:
    """`text` with every marked span removed (to look for the handler's own syntax)."""
    return strip_marks(SPAN.sub("", text))


def protect(text: str) -> tuple[str, Callable[[str, Callable[[str], str]], str]]:
    """Hold the marked spans of `text` out of a conversion.

    Returns the text with each span replaced by a placeholder, and a function that
    takes the converted text and a renderer of one span (its inert form in the
    target dialect) and puts the spans back::

        held, restore = protect(markdown)
        out = restore(convert(held), escape_span)
    """
    spans: list[str] = []

    def hold(match: re.Match[str]) -> str:
        spans.append(match.group(1))
        return f"{_HOLD_OPEN}{len(spans) - 1}{_HOLD_CLOSE}"

    held = SPAN.sub(hold, text).replace(CLOSE, "")

    def restore(converted: str, render: Callable[[str], str]) -> str:
        def put_back(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return render(spans[index]) if index < len(spans) else ""

        return strip_marks(_HELD.sub(put_back, converted))

    return held, restore
