"""Platform-neutral conversation model: who, where, what was asked, what the bot says."""

from __future__ import annotations

from bot.core.model import (
    Actor,
    Button,
    ButtonClick,
    Citation,
    Command,
    Fact,
    Field,
    FieldKind,
    Form,
    FormSubmit,
    Option,
    Place,
    PlaceKind,
    Platform,
    Reply,
    Request,
    Role,
    Visibility,
)

__all__ = [
    "Actor",
    "Button",
    "ButtonClick",
    "Citation",
    "Command",
    "Fact",
    "Field",
    "FieldKind",
    "Form",
    "FormSubmit",
    "Option",
    "Place",
    "PlaceKind",
    "Platform",
    "Reply",
    "Request",
    "Role",
    "Visibility",
]
