"""Everyday words and the words documentation writes for them ("download" ->
"export", "view-only" -> "read-only"): a generic English thesaurus (everyday.txt
beside this module), nothing about any vendor's product, added to a question's words
as alternatives (handlers.knowledge.terms). A vendor's own words belong in their
glossary.yml.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from handlers.knowledge.words import stem

FILE = Path(__file__).with_name("everyday.txt")


@cache
def _table() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head, _, rest = line.partition(":")
        table[stem(head.strip())] = tuple(w.strip() for w in rest.split(",") if w.strip())
    return table


def everyday(word: str) -> tuple[str, ...]:
    """The words documentation may write for the everyday `word` (or a form of it:
    "downloaded"); none for most words."""
    return tuple(w for w in _table().get(stem(word), ()) if w != word)
