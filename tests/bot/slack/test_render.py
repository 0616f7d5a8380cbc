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

from bot.core.model import Button, Citation, Fact, Field, Form, Option, Reply
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
