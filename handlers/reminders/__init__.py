"""Reminders the bot sends on its own: deal protection, stalled approvals, quiet deals."""
