"""Replies rendered in the terminal."""

from __future__ import annotations

import io

from rich.console import Console

from bot.core import Button, Citation, Fact, Reply
from bot.shell.render import print_replies


def render(*replies: Reply) -> tuple[str, list[Button]]:
    out = Console(file=io.StringIO(), width=120, color_system=None)
    choices = print_replies(out, replies)
    file = out.file
    assert isinstance(file, io.StringIO)
    return file.getvalue(), choices


def test_every_part_of_a_reply_is_shown() -> None:
    text, _ = render(
        Reply(
            title="Deal D-42",
            text="Registered **Initech** for you.",
            facts=(Fact("Stage", "qualify"), Fact("Value", "$10,000")),
            citations=(Citation(1, "doc-1", "Pricing guide", url="https://example.test/p"),),
            context=("Protected until 2027-02-28",),
            warning="No sources found",
            visibility="only_actor",
        )
    )
    for part in (
        "Deal D-42",
        "Registered Initech for you.",
        "Stage",
        "$10,000",
        "Sources",
        "[1] Pricing guide",
        "Protected until 2027-02-28",
        "No sources found",
        "only you can see this",
    ):
        assert part in text, part
    assert "**" not in text


def test_buttons_are_numbered_across_the_replies_of_one_turn() -> None:
    text, choices = render(
        Reply(text="first", buttons=(Button("Approve", "deal-approve", "1", style="primary"),)),
        Reply(
            text="second",
            buttons=(
                Button("Docs", "docs", url="https://example.test/docs"),
                Button("Reject", "deal-reject", "1", style="danger"),
            ),
        ),
    )
    assert "1) Approve" in text
    assert "2) Reject" in text
    assert "Docs: https://example.test/docs" in text
    assert [b.action_id for b in choices] == ["deal-approve", "deal-reject"]


def test_a_thread_reply_is_indented() -> None:
    text, _ = render(Reply(text="in the thread", in_thread=True))
    assert "↳ in thread" in text
    assert "    in the thread" in text
