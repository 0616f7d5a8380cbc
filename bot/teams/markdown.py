"""Neutral Markdown (see bot.core.model) -> the Markdown subset Teams renders.

Adaptive Card TextBlocks render `**bold**`, `_italic_`, `- ` lists and `[label](url)`
links, but no code spans and no HTML; plain Teams messages render the same subset.
Text a handler marked `untrusted` (bot.core.untrusted), and every plain-text slot
(titles, facts, warnings), goes out through `literal`: no link, autolink, mention
or tag in it survives.
"""

from __future__ import annotations

import re

from bot.core.untrusted import protect, strip_marks

#: `` `code` `` — Teams TextBlocks have no code style; the backticks would show literally.
CODE_SPAN = re.compile(r"`([^`\n]+)`")
#: Neutral user mention `<@id>` or `<@id|name>`, written by handlers.
USER_MENTION = re.compile(r"<@([^>|]+)(?:\|([^>]*))?>")
#: Slack-style `*bold*` (single stars) that handlers sometimes write: Markdown would
#: render it italic, which is close enough, so it is left alone.
_ELLIPSIS = "…"
#: An invisible word joiner, put after `<` (no tag, autolink or `<at>` mention can
#: start) and after `]` (no `[label](url)`, `[label][ref]` or `[ref]: url` can form).
_JOINER = "\u2060"
#: `<` and `]`: the characters every link, autolink, tag and mention needs.
_OPENERS = re.compile(r"[<\]]")


def to_teams(text: str, *, mentions: bool = False) -> str:
    """Convert neutral Markdown to Teams Markdown.

    Args:
        text: neutral Markdown.
        mentions: keep user mentions as `<at>…</at>` (plain messages, which carry
            mention entities); otherwise they become `@name` text (cards).
    """
    text, restore = protect(text)
    text = CODE_SPAN.sub(r"\1", text)

    def _mention(match: re.Match[str]) -> str:
        label = match.group(2) or match.group(1)  # untrusted parts: put back by restore
        return f"<at>{label}</at>" if mentions else f"@{label}"

    return restore(USER_MENTION.sub(_mention, text), literal)


def literal(text: str) -> str:
    """`text` shown as typed: Markdown emphasis may still apply, but no link,
    autolink, HTML tag or mention can form in it."""
    return _OPENERS.sub(lambda m: m.group(0) + _JOINER, strip_marks(text))


def mentioned_users(text: str) -> list[tuple[str, str]]:
    """(user id, label) of each neutral mention the handler wrote in `text` (never
    one inside untrusted text), in order, once each."""
    held, restore = protect(text)
    seen: dict[str, str] = {}
    for match in USER_MENTION.finditer(held):
        if strip_marks(match.group(1)) != match.group(1):
            continue  # the id itself came from outside
        seen.setdefault(match.group(1), restore(match.group(2) or match.group(1), literal))
    return list(seen.items())


def cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    text = strip_marks(text)
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + _ELLIPSIS
