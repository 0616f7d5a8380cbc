"""PartnerBot's one exception hierarchy; adapters map each kind to a platform answer."""

from __future__ import annotations


class PartnerBotError(Exception):
    """Base of every error PartnerBot raises on purpose."""


class NotFound(PartnerBotError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key!r} was not found")
        self.kind = kind
        self.key = key


class NotAllowed(PartnerBotError):
    """The actor may not do this; `reason` is safe to show to them."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidInput(PartnerBotError):
    """Form or command input that the user can fix.

    Args:
        field_errors: field name -> message shown next to that field.
        form: the form to show again (with the user's values kept), if any.
    """

    def __init__(self, field_errors: dict[str, str], form: object | None = None) -> None:
        detail = "; ".join(f"{k}: {v}" for k, v in field_errors.items())
        super().__init__(f"invalid input ({detail})")
        self.field_errors = field_errors
        self.form = form
