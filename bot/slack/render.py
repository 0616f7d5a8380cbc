"""Reply -> Block Kit message, built with slack_sdk.models (forms: bot/slack/modal.py).

`render_reply` composes private `_build_*` helpers in a fixed order: title, body,
facts, warning, sources, small print, buttons. Every limit Slack enforces is applied
here, so a reply is cut to fit rather than rejected (numbers from PLATFORM.md S7).
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core.model import Button, Citation, Reply
from bot.slack import ids
from bot.slack.mrkdwn import defang, split, to_mrkdwn, to_plain_text, truncate

logger = logging.getLogger(__name__)

MAX_MESSAGE_BLOCKS = 50
SECTION_TEXT_CHARS = 3000
#: Slack rejects messages whose blocks hold too much text in total (`msg_blocks_too_long`,
#: undocumented, about 12k characters); the body is cut well below that.
MAX_BODY_CHARS = 10000
FALLBACK_TEXT_CHARS = 3000
HEADER_CHARS = 150
FIELD_CHARS = 2000
MAX_FIELDS_PER_SECTION = 10
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT_CHARS = 2000
#: "Sources" label + MAX_CITATIONS items + one "+n more" element = a full context block.
MAX_CITATIONS = 8
CITATION_TITLE_CHARS = 80
ACTIONS_ELEMENTS = 25
BUTTON_TEXT_CHARS = 75
SHORTENED = "_(shortened: the full text was too long for Slack)_"


@dataclass(frozen=True)
class RenderedMessage:
    """A chat message: the notification/fallback `text` and its `blocks` (dicts)."""

    text: str
    blocks: list[dict[str, Any]]


def render_reply(reply: Reply) -> RenderedMessage:
    """Render a Reply as a Block Kit message that Slack will accept.

    The same reply (help, menus) renders once and is then served from a small cache;
    treat the result as read-only.
    """
    try:
        hash(reply)
    except TypeError:  # a reply holding a form with field errors (a dict): not cacheable
        return _render(reply)
    return _render_cached(reply)


@functools.lru_cache(maxsize=256)
def _render_cached(reply: Reply) -> RenderedMessage:
    return _render(reply)


def ephemeral_response(reply: Reply) -> str:
    """The JSON body of an HTTP response that answers a slash command with `reply`,
    shown only to the person who typed it. Like `render_reply`, a repeated reply is
    serialised once."""
    try:
        hash(reply)
    except TypeError:
        return _ephemeral_response(reply)
    return _ephemeral_response_cached(reply)


@functools.lru_cache(maxsize=256)
def _ephemeral_response_cached(reply: Reply) -> str:
    return _ephemeral_response(reply)


def _ephemeral_response(reply: Reply) -> str:
    rendered = render_reply(reply)
    body = {"response_type": "ephemeral", "text": rendered.text, "blocks": rendered.blocks}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _render(reply: Reply) -> RenderedMessage:
    tail = [
        *(_section(block_id, fields=texts) for block_id, texts in _fact_sections(reply)),
        *(
            b.to_dict()
            for b in (
                *_build_warning(reply),
                *_build_sources(reply.citations),
                *_build_context(reply),
                *_build_actions(reply.buttons),
            )
        ),
    ]
    head = [b.to_dict() for b in _build_title(reply)]
    budget = MAX_MESSAGE_BLOCKS - len(head) - len(tail)
    body = [
        _section(block_id, text=piece)
        for block_id, piece in _body_sections(reply.text, max_blocks=max(budget, 1))
    ]
    blocks = [*head, *body, *tail][:MAX_MESSAGE_BLOCKS]
    return RenderedMessage(text=fallback_text(reply), blocks=blocks)


def _section(block_id: str, *, text: str | None = None, fields: list[str] | None = None) -> Any:
    """`SectionBlock(block_id, text=MarkdownTextObject(text), fields=[MarkdownTextObject(
    f), ...]).to_dict()`, validated once per shape. The models' checks of a section
    depend on its block id, on which parts it has and how many fields, and on the
    length of each text; a text no longer than the builders make it (SECTION_TEXT_CHARS,
    FIELD_CHARS: Slack's own limits) passes them exactly as the longest one does. So
    the models validate a section of that shape with the longest texts once, and each
    reply fills its texts into a copy: a section's `to_dict()` cost ~30 us per text
    (issue 15). A longer text goes through the models (and fails there, as before)."""
    n = len(fields or ())
    if (text is not None and len(text) > SECTION_TEXT_CHARS) or any(
        len(f) > FIELD_CHARS for f in fields or ()
    ):
        return _section_block(block_id, text, fields).to_dict()
    filled = dict(_section_shape(block_id, text is not None, n))
    if text is not None:
        filled["text"] = {**filled["text"], "text": text}
    if fields:
        filled["fields"] = [{**f, "text": t} for f, t in zip(filled["fields"], fields, strict=True)]
    return filled


@functools.lru_cache(maxsize=64)
def _section_shape(block_id: str, has_text: bool, fields: int) -> dict[str, Any]:
    text = "x" * SECTION_TEXT_CHARS if has_text else None
    return _section_block(block_id, text, ["x" * FIELD_CHARS] * fields or None).to_dict()


def _section_block(block_id: str, text: str | None, fields: list[str] | None) -> SectionBlock:
    return SectionBlock(
        block_id=block_id,
        text=MarkdownTextObject(text=text) if text is not None else None,
        fields=[MarkdownTextObject(text=f) for f in fields] if fields else None,
    )


def fallback_text(reply: Reply) -> str:
    """The top-level `text`: what notifications and screen readers show."""
    text = to_mrkdwn(reply.text)
    if reply.title:
        text = f"{defang(reply.title)}: {text}"
    return truncate(text, FALLBACK_TEXT_CHARS)


def _build_title(reply: Reply) -> list[Block]:
    if not reply.title:
        return []
    title = truncate(to_plain_text(reply.title), HEADER_CHARS)
    return [HeaderBlock(block_id=ids.BLOCK_TITLE, text=PlainTextObject(text=title, emoji=True))]


def _body_sections(text: str, *, max_blocks: int) -> list[tuple[str, str]]:
    """The body's sections: (block id, mrkdwn text), each within SECTION_TEXT_CHARS."""
    converted = to_mrkdwn(text)
    shortened = len(converted) > MAX_BODY_CHARS
    pieces = split(truncate(converted, MAX_BODY_CHARS), SECTION_TEXT_CHARS) or [" "]
    if len(pieces) > max_blocks:
        pieces = pieces[:max_blocks]
        shortened = True
    if shortened:
        last = pieces[-1]
        room = SECTION_TEXT_CHARS - len(SHORTENED) - 1
        pieces[-1] = f"{truncate(last, room)}\n{SHORTENED}"
    return [
        (ids.BLOCK_BODY if i == 0 else f"{ids.BLOCK_BODY}-{i}", piece)
        for i, piece in enumerate(pieces)
    ]


def _fact_sections(reply: Reply) -> list[tuple[str, list[str]]]:
    """The facts' sections: (block id, up to MAX_FIELDS_PER_SECTION mrkdwn fields)."""
    fields = [
        truncate(f"*{defang(fact.label)}*\n{defang(fact.value)}", FIELD_CHARS)
        for fact in reply.facts
    ]
    return [
        (
            ids.BLOCK_FACTS if i == 0 else f"{ids.BLOCK_FACTS}-{i}",
            fields[i : i + MAX_FIELDS_PER_SECTION],
        )
        for i in range(0, len(fields), MAX_FIELDS_PER_SECTION)
    ]


def _build_warning(reply: Reply) -> list[Block]:
    if not reply.warning:
        return []
    text = truncate(f":warning: {defang(reply.warning)}", CONTEXT_TEXT_CHARS)
    return [ContextBlock(block_id=ids.BLOCK_WARNING, elements=[MarkdownTextObject(text=text)])]


def citation_items(citations: tuple[Citation, ...]) -> list[str]:
    """`[n] title` items (links when the source has a URL), one per source id, in the
    order cited, at most MAX_CITATIONS plus a `+k more` item."""
    seen: set[str] = set()
    unique = []
    for citation in citations:
        if citation.source_id not in seen:
            seen.add(citation.source_id)
            unique.append(citation)
    items = []
    for citation in unique[:MAX_CITATIONS]:
        title = defang(truncate(citation.title or citation.source_id, CITATION_TITLE_CHARS))
        safe_url = citation.url and not any(c in citation.url for c in "<>| \n")
        if safe_url and citation.url and citation.url.startswith(("https://", "http://")):
            title = f"<{citation.url.replace('&', '&amp;')}|{title.replace('|', '¦')}>"
        items.append(f"[{citation.n}] {title}")
    if len(unique) > MAX_CITATIONS:
        items.append(f"+{len(unique) - MAX_CITATIONS} more")
    return items


def _build_sources(citations: tuple[Citation, ...]) -> list[Block]:
    if not citations:
        return []
    elements = [MarkdownTextObject(text="*Sources*", verbatim=True)]
    elements += [MarkdownTextObject(text=item, verbatim=True) for item in citation_items(citations)]
    return [ContextBlock(block_id=ids.BLOCK_SOURCES, elements=elements[:CONTEXT_ELEMENTS])]


def _build_context(reply: Reply) -> list[Block]:
    if not reply.context:
        return []
    elements = [
        MarkdownTextObject(text=truncate(to_mrkdwn(line), CONTEXT_TEXT_CHARS))
        for line in reply.context[:CONTEXT_ELEMENTS]
    ]
    return [ContextBlock(block_id=ids.BLOCK_CONTEXT, elements=elements)]


def _button(button: Button) -> ButtonElement:
    text = PlainTextObject(text=truncate(button.label, BUTTON_TEXT_CHARS), emoji=True)
    return ButtonElement(
        text=text,
        action_id=button.action_id,
        value=button.value or None,
        style=button.style,
        url=button.url,
    )


def _build_actions(buttons: tuple[Button, ...]) -> list[Block]:
    return [
        ActionsBlock(
            block_id=ids.BLOCK_ACTIONS if i == 0 else f"{ids.BLOCK_ACTIONS}-{i}",
            elements=[_button(b) for b in buttons[i : i + ACTIONS_ELEMENTS]],
        )
        for i in range(0, len(buttons), ACTIONS_ELEMENTS)
    ]
