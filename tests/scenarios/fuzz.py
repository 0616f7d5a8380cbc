"""Seeded mutations of well-formed request bodies, for the fuzz tests of both adapters.

`Mutator(seed)` starts from a valid payload and breaks it the way hostile or sloppy
clients do: a field of the wrong type, a missing key, deep nesting, odd Unicode, a
truncated or non-UTF-8 body. The same seed gives the same cases on every run.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

ODD_STRINGS = [
    "",
    " ",
    "payload",
    "payload=%7B",
    "9" * 400,
    "\u0000",
    "\u202e\u202d",
    "\ud7ff\ue000\uffff",
    "ß" * 300,
    "<@U0MANAGER>",
    "<!channel>",
    "[x](https://evil.example)",
    "%%%",
    "{",
    "null",
]


class Mutator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def value(self, depth: int = 0) -> Any:
        """A random JSON value of any type, sometimes deeply nested."""
        roll = self.rng.random()
        if roll < 0.05:
            nested: Any = "x"
            for _ in range(self.rng.choice([50, 500, 5000])):
                nested = [nested] if self.rng.random() < 0.5 else {"a": nested}
            return nested
        choices: list[Any] = [
            None,
            True,
            self.rng.randint(-(10**20), 10**20),
            self.rng.random() * 1e308,
            self.rng.choice(ODD_STRINGS),
        ]
        if depth < 3:
            choices += [
                [self.value(depth + 1) for _ in range(self.rng.randint(0, 3))],
                {self.rng.choice(ODD_STRINGS): self.value(depth + 1)},
            ]
        return self.rng.choice(choices)

    def mutate(self, payload: dict[str, Any]) -> dict[str, Any]:
        """`payload` with a few fields replaced, removed or added, at any depth."""
        mutated = copy.deepcopy(payload)
        for _ in range(self.rng.randint(1, 3)):
            node = mutated
            while True:
                keys = list(node)
                if not keys:
                    break
                key = self.rng.choice(keys)
                child = node[key]
                if isinstance(child, dict) and child and self.rng.random() < 0.6:
                    node = child
                    continue
                action = self.rng.random()
                if action < 0.5:
                    node[key] = self.value()
                elif action < 0.8:
                    del node[key]
                else:
                    node[self.rng.choice(ODD_STRINGS)] = self.value()
                break
        return mutated

    def raw(self, body: str) -> bytes:
        """`body` as bytes, sometimes truncated, padded with junk or not UTF-8."""
        data = body.encode()
        roll = self.rng.random()
        if roll < 0.15:
            data = data[: self.rng.randint(0, len(data))]
        elif roll < 0.25:
            data = data + bytes(self.rng.randint(0, 255) for _ in range(8))
        elif roll < 0.3:
            data = bytes(self.rng.randint(0, 255) for _ in range(self.rng.randint(0, 64)))
        return data

    def content_type(self, usual: str) -> str:
        return self.rng.choice(
            [usual] * 6
            + [
                f"{usual}; charset=bogus",
                "text/plain",
                "application/json",
                "application/x-www-form-urlencoded",
                "",
            ]
        )


def dumps(value: Any) -> str:
    """JSON text, even for values nested deeper than json.dumps recurses."""
    try:
        return json.dumps(value)
    except (RecursionError, ValueError):
        return "[" * 10_000 + "]" * 10_000


def text(value: Any) -> str:
    """A form field's text for any value (JSON for anything but a string)."""
    return value if isinstance(value, str) else dumps(value)
