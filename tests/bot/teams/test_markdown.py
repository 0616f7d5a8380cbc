"""bot/teams/markdown.py: neutral Markdown to what Teams renders."""

from __future__ import annotations

from bot.teams.markdown import cut, mentioned_users, to_teams


def test_code_spans_lose_their_backticks() -> None:
    assert to_teams("run `/partnerbot help` now") == "run /partnerbot help now"


def test_mentions_become_at_tags_in_messages_and_text_in_cards() -> None:
    text = "<@29:bob> and <@29:amy|Amy> can manage"
    assert to_teams(text, mentions=True) == "<at>29:bob</at> and <at>Amy</at> can manage"
    assert to_teams(text) == "@29:bob and @Amy can manage"
    assert mentioned_users(text + " <@29:bob>") == [("29:bob", "29:bob"), ("29:amy", "Amy")]


def test_cut_adds_an_ellipsis_only_when_needed() -> None:
    assert cut("short", 10) == "short"
    assert cut("a" * 20, 10) == "a" * 9 + "…"
    assert len(cut("a" * 20, 10)) == 10
