"""Untrusted text through every renderer: what a person typed is shown as typed, with
links and mentions inert; the handler's own Markdown around it keeps working.

The property test builds replies the way handlers do (untrusted text interpolated in
the body and small print, and as titles, facts and warnings) from hostile fragments
chosen by a seeded random generator, and checks that nothing live comes out in Slack
blocks, Teams cards or plain Teams messages."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest

from bot.core import Fact, Reply
from bot.core.untrusted import protect, strip_marks, untrusted
from bot.shell.render import markdown
from bot.slack.mrkdwn import to_mrkdwn, to_plain_text
from bot.slack.render import render_reply
from bot.teams import cards
from bot.teams.markdown import literal, mentioned_users, to_teams
from bot.teams.render import reply_activity

#: Pieces of what a partner might type to smuggle a link, a mention or a broadcast.
HOSTILE = [
    "[label](https://evil.example/x)",
    "[ref][1]\n[1]: https://evil.example/r",
    "<https://evil.example|Your invoice>",
    "<https://evil.example>",
    "<@U0MANAGER>",
    "<@U0MANAGER|Boss>",
    "<@29:mgr|Boss>",
    "<at>Boss</at>",
    "<!channel>",
    "<!here>",
    "@channel",
    "<a href='https://evil.example'>x</a>",
    "**bold**",
    "`code`",
    "&amp; &lt; &gt;",
    "\ue000\ue001\ue002\ue003",
    "|",
    "]",
    "(",
    "\n- item\n",
    "Acme",
    " ",
    "ß ﬃ 🎉",
]


def _hostile(rng: random.Random) -> str:
    return "".join(rng.choice(HOSTILE) for _ in range(rng.randint(1, 5)))


#: Live Slack syntax: a link `<http…|…>`/`<mailto:…>`, a user/group mention, a broadcast.
SLACK_LIVE = re.compile(r"<(?:https?:|mailto:|@|!|#)")
#: Live Teams syntax: an inline, reference or auto link, an <at> mention, any HTML tag.
TEAMS_LIVE = re.compile(r"\]\(|\]\[|\]:|<(?:https?:|at\b|a\b|/)|<[A-Za-z]")


def _mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for node in blocks:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                if isinstance(value, list | dict):
                    found.extend(_mrkdwn_texts(value if isinstance(value, list) else [value]))
    return found


def _card_texts(card: dict[str, Any]) -> list[str]:
    texts = []
    for element in card.get("body", []):
        if element.get("type") == "TextBlock":
            texts.append(element["text"])
        elif element.get("type") == "FactSet":
            texts.extend(f"{f['title']} {f['value']}" for f in element["facts"])
    return texts


def _reply(text: str) -> Reply:
    return Reply(
        title=text,
        text=f"**{untrusted(text)}** registered a deal: {untrusted(text)}.\n"
        f"Notes:\n> {untrusted(text)}",
        facts=(Fact("Company", text), Fact(text, "x")),
        context=(f"by {untrusted(text)}",),
        warning=text,
    )


@pytest.mark.parametrize("seed", range(300))
def test_untrusted_text_never_comes_out_live(seed: int) -> None:
    rng = random.Random(1234 + seed)
    typed = _hostile(rng)
    reply = _reply(typed)

    slack = render_reply(reply)
    for text in [slack.text, *_mrkdwn_texts(slack.blocks)]:
        assert not SLACK_LIVE.search(text), text
        assert not re.search("[\ue000-\ue003]", text)
    assert "\ue000" not in json.dumps(slack.blocks)

    card = cards.reply_card(reply)
    for text in _card_texts(card):
        assert not TEAMS_LIVE.search(text), text
    plain = reply_activity(Reply(text=f"Hi {untrusted(typed)}!"))
    assert not TEAMS_LIVE.search(plain.text or ""), plain.text
    assert not plain.entities
    assert "\ue000" not in json.dumps(card)


def test_the_handlers_own_markdown_keeps_working_around_untrusted_text() -> None:
    text = f"**{untrusted('Acme')}** via [the guide](https://kb.example/a) for <@U0MGR>"
    assert to_mrkdwn(text) == "*Acme* via <https://kb.example/a|the guide> for <@U0MGR>"
    teams = to_teams(text, mentions=True)
    assert teams == "**Acme** via [the guide](https://kb.example/a) for <at>U0MGR</at>"
    assert mentioned_users(text) == [("U0MGR", "U0MGR")]


def test_each_platform_shows_what_was_typed() -> None:
    typed = "[Pay](https://evil.example) <@U0MGR> <!channel>"
    assert to_mrkdwn(untrusted(typed)) == (
        "[Pay](https://evil.example) &lt;@U0MGR&gt; &lt;!channel&gt;"
    )
    assert to_plain_text(f"x {untrusted(typed)}") == f"x {typed}"
    assert strip_marks(to_teams(untrusted(typed))).replace("\u2060", "") == typed
    assert "](" not in literal(typed)
    assert mentioned_users(f"hi {untrusted('<@29:mgr|Boss>')}") == []
    shown = markdown(f"**{untrusted(typed)}**").markup
    assert "\\[Pay\\]\\(https\\:" in shown and "\\<\\@U0MGR\\>" in shown


def test_marks_typed_by_someone_cannot_close_a_span_early() -> None:
    typed = "a\ue001[x](https://evil.example)\ue000"
    held, restore = protect(f"before {untrusted(typed)} after")
    assert restore(held, lambda span: f"<{span}>") == "before <a[x](https://evil.example)> after"


def test_a_cut_span_stays_untrusted_to_the_end() -> None:
    cut = f"x {untrusted('[a](https://evil.example) and more')}"[:-6]
    assert "<https" not in to_mrkdwn(cut)
    assert untrusted(None) == untrusted("") == ""
