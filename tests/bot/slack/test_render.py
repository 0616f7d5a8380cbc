"""Reply -> Block Kit and Form -> modal, compared with snapshots.

Snapshots live in tests/bot/slack/snapshots/; regenerate them after an intended
change with `UPDATE_SNAPSHOTS=1 python -m pytest tests/bot/slack/test_render.py`
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.core.model import Button, Citation, Fact, Field, Form, Option, Reply
from bot.slack import render
from bot.slack.modal import render_form
from bot.slack.render import MAX_CITATIONS, citation_items, render_reply

SNAPSHOTS = Path(__file__).parent / "snapshots"

REPLIES = {
    "plain": Reply(text="Hello **there**, see [the guide](https://kb.example/guide)."),
    "help": Reply(
        title="What I can do for you",
        text="This channel belongs to partner *Acme*.\n- `/deals [status]`: registrations",
        context=("Each command also works as a message: `@PartnerBot deals`, or in a DM.",),
        visibility="only_actor",
    ),
    "menu": Reply(
        text="Hi Maria! What would you like to do?",
        buttons=(
            Button("Register a deal", "menu-register-deal", style="primary"),
            Button("My deals", "menu-my-deals"),
            Button("Docs", "open-docs", url="https://kb.example"),
        ),
    ),
    "linked": Reply(
        text="Created partner and linked this channel to *Acme <!channel>*.",
        facts=(Fact("Tier", "gold"), Fact("Region", "<@U0EVIL>"), Fact("Time zone", "UTC")),
    ),
    "answer": Reply(
        text="Deal protection lasts 90 days [1][2].",
        citations=(
            Citation(1, "kb/deals.md", "Deal registration policy", "https://kb.example/deals"),
            Citation(2, "kb/faq.md", "FAQ <b>"),
            Citation(1, "kb/deals.md", "Deal registration policy (again)"),
        ),
        buttons=(
            Button("Helpful", "answer-helpful:7", value="7"),
            Button("Not helpful", "answer-unhelpful:7", value="7", style="danger"),
        ),
    ),
    "ungrounded": Reply(text="I don't know that yet.", warning="No sources found for this answer."),
}

FORM = Form(
    form_id="deal-register",
    title="Register a deal with a very long title",
    intro="Tell us about the opportunity.",
    fields=(
        Field("company", "Company", required=True, initial="Acme", max_length=200),
        Field("notes", "Notes", kind="multiline", hint="Anything the manager should know"),
        Field("value", "Deal value (USD)", kind="number", initial="50000"),
        Field("close", "Expected close", kind="date", initial="2027-01-31"),
        Field("contact", "Contact e-mail", kind="email", placeholder="name@example.com"),
        Field(
            "stage",
            "Stage",
            kind="select",
            initial="qualified",
            options=(Option("lead", "Lead"), Option("qualified", "Qualified")),
        ),
        Field(
            "products",
            "Products",
            kind="multiselect",
            initial=["a"],
            options=(Option("a", "Product A"), Option("b", "Product B")),
        ),
    ),
    errors={"company": "Acme is already registered by another partner."},
)


def check_snapshot(name: str, rendered: Any) -> None:
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(rendered, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing snapshot {path.name}; run with UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs from the snapshot"


@pytest.mark.parametrize("name", sorted(REPLIES))
def test_render_reply_matches_snapshot(name: str) -> None:
    rendered = render_reply(REPLIES[name])
    check_snapshot(f"reply_{name}", {"text": rendered.text, "blocks": rendered.blocks})


def test_render_form_matches_snapshot() -> None:
    check_snapshot("form_deal_register", render_form(FORM, private_metadata='{"m":"x"}'))


def test_untrusted_parts_are_defanged() -> None:
    rendered = json.dumps(render_reply(REPLIES["linked"]).blocks)
    assert "<!channel>" not in rendered and "<@U0EVIL>" not in rendered


def test_citations_are_deduplicated_and_capped() -> None:
    many = tuple(Citation(i, f"doc-{i}", f"Doc {i}") for i in range(1, 21))
    items = citation_items(many + many[:3])
    assert len(items) == MAX_CITATIONS + 1
    assert items[0] == "[1] Doc 1"
    assert items[MAX_CITATIONS - 1] == f"[{MAX_CITATIONS}] Doc {MAX_CITATIONS}"
    assert items[-1] == f"+{20 - MAX_CITATIONS} more"
    blocks = render_reply(Reply(text="x", citations=many)).blocks
    [sources] = [b for b in blocks if b["block_id"] == "pb-sources"]
    assert len(sources["elements"]) == 10  # Slack's context-block maximum


def test_long_citation_titles_are_cut() -> None:
    [item] = citation_items((Citation(1, "d", "word " * 100, "https://kb.example/d"),))
    assert item.startswith("[1] <https://kb.example/d|word word")
    assert len(item) < 140


def _through_the_models(reply: Reply) -> list[dict[str, Any]]:
    """What `render_reply` made before its sections were filled into validated shapes:
    every block built from slack_sdk models and converted by `to_dict()`."""
    tail = [
        *(
            SectionBlock(block_id=block_id, fields=[MarkdownTextObject(text=t) for t in texts])
            for block_id, texts in render._fact_sections(reply)
        ),
        *render._build_warning(reply),
        *render._build_sources(reply.citations),
        *render._build_context(reply),
        *render._build_actions(reply.buttons),
    ]
    head = render._build_title(reply)
    budget = render.MAX_MESSAGE_BLOCKS - len(head) - len(tail)
    body = [
        SectionBlock(block_id=block_id, text=MarkdownTextObject(text=piece))
        for block_id, piece in render._body_sections(reply.text, max_blocks=max(budget, 1))
    ]
    return [b.to_dict() for b in [*head, *body, *tail][: render.MAX_MESSAGE_BLOCKS]]


_LONG = "word " * 2500  # several sections, shortened past MAX_BODY_CHARS
_FACTS = tuple(
    Fact(f"Label {i} <!here>", ("é" * 3000) if i % 7 == 0 else f"v{i}") for i in range(25)
)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(text=""),
        Reply(text="Registered *DR-000001*.", facts=_FACTS[:7], visibility="only_actor"),
        Reply(title="Deal registration DR-000001", text=_LONG, facts=_FACTS),
        Reply(text="x" * 2999 + "\n" + "y" * 3001, facts=_FACTS[:11], warning="careful"),
        Reply(
            text="Approve?",
            facts=_FACTS[:3],
            buttons=tuple(Button(f"B{i}", f"deal-approve:{i}", value=str(i)) for i in range(30)),
            context=("small print",),
            citations=(Citation(1, "s1", "Title", "https://example.com/a"),),
        ),
        Reply(text=_LONG * 3, facts=_FACTS * 3),  # more blocks than Slack allows
    ],
)
def test_filled_sections_equal_what_the_models_produce(reply: Reply) -> None:
    assert render.render_reply(reply).blocks == _through_the_models(reply)


def test_a_text_past_the_builders_limits_goes_through_the_models() -> None:
    with pytest.raises(SlackObjectFormationError):
        render._section("pb-body", text="x" * (render.SECTION_TEXT_CHARS + 1))
    field = "x" * (render.FIELD_CHARS + 1)
    expected = SectionBlock(block_id="pb-facts", fields=[MarkdownTextObject(text=field)])
    assert render._section("pb-facts", fields=[field]) == expected.to_dict()
