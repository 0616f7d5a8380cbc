"""Slack-only action and callback ids (kebab-case); the neutral ones live in bot.core.ids."""

from __future__ import annotations

from bot.core.ids import FORM_ASK, MENU_ASK, MENU_HELP, MENU_MY_DEALS, MENU_REGISTER_DEAL

#: A button posted when a reply carries a form but the request had no `trigger_id`
#: (a mention or a DM): clicking it re-runs the command with a fresh trigger_id.
OPEN_FORM = "slack-open-form"

#: Block ids of the parts of a rendered message (stable, so snapshots and tests can find them).
BLOCK_TITLE = "pb-title"
BLOCK_BODY = "pb-body"
BLOCK_FACTS = "pb-facts"
BLOCK_WARNING = "pb-warning"
BLOCK_SOURCES = "pb-sources"
BLOCK_CONTEXT = "pb-context"
BLOCK_ACTIONS = "pb-actions"
BLOCK_INTRO = "pb-intro"

__all__ = [
    "BLOCK_ACTIONS",
    "BLOCK_BODY",
    "BLOCK_CONTEXT",
    "BLOCK_FACTS",
    "BLOCK_INTRO",
    "BLOCK_SOURCES",
    "BLOCK_TITLE",
    "BLOCK_WARNING",
    "FORM_ASK",
    "MENU_ASK",
    "MENU_HELP",
    "MENU_MY_DEALS",
    "MENU_REGISTER_DEAL",
    "OPEN_FORM",
]
