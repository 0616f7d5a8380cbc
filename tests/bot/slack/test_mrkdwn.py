"""Neutral Markdown -> mrkdwn, and escaping of untrusted text."""

from __future__ import annotations

import pytest

from bot.slack.mrkdwn import defang, escape, from_slack, split, to_mrkdwn, to_plain_text, truncate


def test_escape_slack_control_characters() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape("&amp;") == "&amp;amp;"  # text that looks escaped is still text


@pytest.mark.parametrize(
    ("untrusted", "shown"),
    [
        ("<!channel> look", "&lt;!channel&gt; look"),
        ("<!here|here>", "&lt;!here|here&gt;"),
        ("<!subteam^S123>", "&lt;!subteam^S123&gt;"),
        ("hi <@U12345>", "hi &lt;@U12345&gt;"),
        ("<#C123|general>", "&lt;#C123|general&gt;"),
        ("<https://evil.example|bank>", "&lt;https://evil.example|bank&gt;"),
        ("ping @channel and @Here", "ping @\u2060channel and @\u2060Here"),
    ],
)
def test_defang_neutralises_mentions_and_links(untrusted: str, shown: str) -> None:
    assert defang(untrusted) == shown


def test_markdown_links_become_slack_links() -> None:
    assert to_mrkdwn("see [the guide](https://kb.example/a?x=1&y=2)") == (
        "see <https://kb.example/a?x=1&amp;y=2|the guide>"
    )
    # Only web and mail links; a label cannot smuggle in a pipe.
    assert to_mrkdwn("[x](javascript:alert(1))") == "[x](javascript:alert(1))"
    assert to_mrkdwn("[a|b](https://x.example)") == "<https://x.example|a¦b>"


def test_formatting_is_converted() -> None:
    assert to_mrkdwn("**bold** and _it_ and *also bold*") == "*bold* and _it_ and *also bold*"
    assert to_mrkdwn("- one\n- two") == "• one\n• two"
    assert to_mrkdwn("`a < b && <!channel>`") == "`a &lt; b &amp;&amp; &lt;!channel&gt;`"


def test_handler_mentions_survive_but_broadcasts_do_not() -> None:
    text = "<@U0ABC> and <@W0XYZ|maria> can now manage <!channel> partners <b>"
    assert to_mrkdwn(text) == (
        "<@U0ABC> and <@W0XYZ> can now manage &lt;!channel&gt; partners &lt;b&gt;"
    )
    assert to_mrkdwn("<@U0ABC>", allow_mentions=False) == "&lt;@U0ABC&gt;"


def test_plain_text_and_inbound_text() -> None:
    assert to_plain_text("**Hi** [guide](https://g.example)") == "Hi guide (https://g.example)"
    assert from_slack("a &amp; b &lt;c&gt;") == "a & b <c>"


def test_truncate_never_breaks_an_entity() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("ab &amp; cd", 6) == "ab …"
    assert len(truncate("x" * 5000, 3000)) == 3000


def test_split_prefers_line_breaks_and_keeps_links_whole() -> None:
    text = "\n".join(["a" * 40] * 5)
    pieces = split(text, 100)
    assert all(len(p) <= 100 for p in pieces)
    assert "\n".join(pieces) == text
    link = "x" * 90 + " <https://example.com/long|label>"
    assert split(link, 100) == ["x" * 90, "<https://example.com/long|label>"]
