"""The one codec for what the bot carries through a platform and back: replies (the
outbox), button values and form metadata (small pydantic models as JSON), and the
`<base>:<id>` action ids that keep buttons unique within a message."""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.core.errors import NotFound
from bot.core.model import Reply

logger = logging.getLogger(__name__)

_REPLY = TypeAdapter(Reply)
M = TypeVar("M", bound=BaseModel)

#: Between an action's base id and the per-item suffix (`deal-approve:42`).
SUFFIX = ":"


def reply_to_json(reply: Reply) -> dict[str, Any]:
    dumped: dict[str, Any] = _REPLY.dump_python(reply, mode="json")
    return dumped


def reply_from_json(data: dict[str, Any]) -> Reply:
    return _REPLY.validate_python(data)


def encode(model: BaseModel) -> str:
    """A button value or form metadata string for `model`."""
    return model.model_dump_json()


def decode(model: type[M], raw: str) -> M:
    """Parse what `encode` wrote.

    Raises:
        NotFound: it is not what this code wrote (a forged or mangled button value or
            form metadata): the person is told so, and one WARNING line is logged.
    """
    try:
        return model.model_validate_json(raw)
    except (ValidationError, RecursionError) as exc:
        logger.warning("not a %s: %.80r", model.__name__, raw)
        raise NotFound("button or form", model.__name__) from exc


def action_id(base: str, item: object) -> str:
    """`base` made unique per item (Slack wants unique action ids within a message)."""
    return f"{base}{SUFFIX}{item}"


def action_base(action: str) -> str:
    """The registered id of `action`: `deal-approve:42` -> `deal-approve`."""
    return action.split(SUFFIX, 1)[0]
