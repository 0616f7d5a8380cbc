"""Neutral Markdown (see bot.core.model) -> the Markdown subset Teams renders.

Adaptive Card TextBlocks render `**bold**`, `_italic_`, `- ` lists and `[label](url)`
links, but no code spans and no HTML; plain Teams messages render the same subset.
"""

from __future__ import annotations

import re

#: `` `code` `` — Teams TextBlocks have no code style; the backticks would show literally.
CODE_SPAN = re.compile(r"`([^`\n]+)`")
#: Neutral user mention `<@id>` or `<@id|name>`, written by handlers.
USER_MENTION = re.compile(r"<@([^>|]+)(?:\|([^>]*))?>")
#: Slack-style `*bold*` (single stars) that handlers sometimes write: Markdown would
#: render it italic, which is close enough, so it is left alone.
_ELLIPSIS = "…"


def to_teams(text: str, *, mentions: bool = False) -> str:
    """Convert neutral Markdown to Teams Markdown.

    Args:
        text: neutral Markdown.
        mentions: keep user mentions as `<at>…</at>` (plain messages, which carry
            mention entities); otherwise they become `@name` text (cards).
    """
    text = CODE_SPAN.sub(r"\1", text)

    def _mention(match: re.Match[str]) -> str:
        label = match.group(2) or match.group(1)
        return f"<at>{label}</at>" if mentions else f"@{label}"

    return USER_MENTION.sub(_mention, text)


def mentioned_users(text: str) -> list[tuple[str, str]]:
    """(user id, label) of each neutral mention in `text`, in order, once each."""
    seen: dict[str, str] = {}
    for match in USER_MENTION.finditer(text):
        seen.setdefault(match.group(1), match.group(2) or match.group(1))
    return list(seen.items())


def cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + _ELLIPSIS
