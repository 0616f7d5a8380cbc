"""Replies to and from JSON, for the outbox and for button/form metadata."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from bot.core.model import Reply

_REPLY = TypeAdapter(Reply)


def reply_to_json(reply: Reply) -> dict[str, Any]:
    dumped: dict[str, Any] = _REPLY.dump_python(reply, mode="json")
    return dumped


def reply_from_json(data: dict[str, Any]) -> Reply:
    return _REPLY.validate_python(data)
