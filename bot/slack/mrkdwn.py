"""Neutral Markdown -> Slack mrkdwn, and the one place untrusted text is escaped.

Everything that reaches Slack as mrkdwn passes through here. Slack reads `&`, `<` and
`>` as control characters (`<!channel>`, `<@U123>`, `<url|label>`), so text from
partners, the LLM or the database is escaped; only the constructs PartnerBot itself
writes (neutral user mentions `<@U123>`, `[label](url)` links) become Slack syntax,
and never inside text a handler marked `untrusted` (bot.core.untrusted), which is
shown as typed.
"""

from __future__ import annotations

import logging
import re

from bot.core.untrusted import protect, strip_marks

logger = logging.getLogger(__name__)

#: Inline code: its content is escaped but never formatted or linked.
CODE_SPAN = re.compile(r"`[^`\n]+`")
#: A neutral Markdown link with a scheme Slack may open; other schemes stay text.
LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^()\s<>|]+)\)")
#: A neutral user mention written by a handler (`<@U123>` / `<@U123|name>`): kept as a mention.
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^<>]*)?>")
#: Any token that is not plain text, in priority order.
TOKEN = re.compile(f"{CODE_SPAN.pattern}|{LINK.pattern}|{USER_MENTION.pattern}")
#: `**bold**` (CommonMark) -> `*bold*` (mrkdwn); single `*x*` is already mrkdwn bold.
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
#: `- item` / `* item` bullets at the start of a line -> `• item`.
BULLET = re.compile(r"^(\s*)[-*] (?=\S)", re.MULTILINE)
#: Words Slack may turn into @-broadcasts (with `link_names`); a zero-width joiner breaks them.
BROADCAST_WORD = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
#: Slack's own escapes in inbound message text.
INBOUND_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_ZWJ = "\u2060"
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape Slack's three control characters (`&` first, so nothing is escaped twice)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _break_broadcasts(text: str) -> str:
    return BROADCAST_WORD.sub(lambda m: f"@{_ZWJ}{m.group(1)}", text)


def defang(text: str) -> str:
    """Untrusted text shown verbatim: no mentions, broadcasts or links survive.

    `<!channel>` and `<@U123>` become literal text (`&lt;!channel&gt;`), and the bare
    words `@channel`/`@here`/`@everyone` are broken with an invisible joiner.
    """
    return _break_broadcasts(escape(strip_marks(text)))


def _plain(text: str) -> str:
    return _break_broadcasts(BOLD.sub(r"*\1*", escape(text)))


def to_mrkdwn(markdown: str, *, allow_mentions: bool = True) -> str:
    """Convert neutral Markdown (see bot.core.model) to mrkdwn, escaping everything else.

    Args:
        markdown: the text, as a handler wrote it.
        allow_mentions: keep neutral `<@U123>` user mentions as mentions; False shows
            them as literal text (for text that came from outside).
    """
    markdown, restore = protect(markdown)
    return restore(_convert(markdown, allow_mentions=allow_mentions), defang)


def _convert(markdown: str, *, allow_mentions: bool) -> str:
    markdown = BULLET.sub(r"\1• ", markdown)
    out: list[str] = []
    pos = 0
    for match in TOKEN.finditer(markdown):
        out.append(_plain(markdown[pos : match.start()]))
        token = match.group(0)
        link = LINK.fullmatch(token)
        mention = USER_MENTION.fullmatch(token)
        if token.startswith("`"):
            out.append(escape(token))
        elif link is not None:
            label = escape(link.group(1)).replace("|", "¦")
            out.append(f"<{link.group(2).replace('&', '&amp;')}|{_break_broadcasts(label)}>")
        elif mention is not None and allow_mentions:
            out.append(f"<@{mention.group(1)}>")
        else:
            out.append(defang(token))
        pos = match.end()
    out.append(_plain(markdown[pos:]))
    return "".join(out)


def to_plain_text(markdown: str) -> str:
    """A readable plain-text form for notification fallbacks and plain_text objects:
    Markdown markers dropped, links as `label (url)`."""
    markdown, restore = protect(markdown)
    text = LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", markdown)
    text = BOLD.sub(r"\1", text)
    return restore(BULLET.sub(r"\1• ", text), str)


def from_slack(text: str) -> str:
    """Inbound message/command text -> neutral text (Slack escapes `& < >`)."""
    return INBOUND_ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, ending with an ellipsis when cut.

    Never ends inside an escape entity such as `&amp;`, which Slack would show broken.
    """
    text = strip_marks(text)  # a plain-text slot: shown verbatim anyway
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def split(text: str, limit: int) -> list[str]:
    """Split `text` into pieces of at most `limit` characters, preferring line breaks,
    then spaces, and never inside an escape entity or a `<...>` link."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        for opener, closer in (("&", ";"), ("<", ">")):
            start = text.rfind(opener, 0, cut)
            if start != -1 and start > 0 and text.find(closer, start, cut) == -1:
                cut = start
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n ")
    if text:
        pieces.append(text)
    return pieces
