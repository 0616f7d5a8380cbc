"""The neutral model's own helpers."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.core.model import Field


def test_with_initial_is_replace_for_every_attribute() -> None:
    # A distinct object per attribute: an attribute added to Field but not copied by
    # with_initial comes back as its default and the comparison fails.
    values: dict[str, Any] = {f.name: object() for f in dataclasses.fields(Field)}
    field = Field(**values)
    for initial in ("acme.com", ["a", "b"], None):
        got = field.with_initial(initial)
        assert got == dataclasses.replace(field, initial=initial)
        assert got.initial is initial
    assert field.initial is values["initial"]  # the original is left as it was
