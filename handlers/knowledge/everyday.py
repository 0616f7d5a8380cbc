"""Everyday words and the words documentation writes for them ("download" ->
"export", "boss" -> "manager", "turn it off" -> "disable"): a generic English
thesaurus (everyday.txt beside this module), nothing about any vendor's product,
added to a question's words as alternatives (handlers.knowledge.terms). A vendor's
own words belong in their glossary.yml.

An entry is a word (`download: export`) or a verb and its particle (`turn off:
disable`), which the verb stands for when the particle follows it within
PARTICLE_REACH words ("turned the alerts off").
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

from handlers.knowledge.words import stem, tokens

FILE = Path(__file__).with_name("everyday.txt")
#: A particle this many words after its verb or fewer belongs to it ("switch it off").
PARTICLE_REACH = 3


class _Table(NamedTuple):
    words: dict[str, tuple[str, ...]]  # stem -> documentation words
    phrasal: dict[str, dict[str, tuple[str, ...]]]  # verb stem -> particle -> words


@cache
def _table() -> _Table:
    table = _Table({}, {})
    for line in FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head, _, rest = line.partition(":")
        meaning = tuple(w.strip() for w in rest.split(",") if w.strip())
        verb, _, particle = head.strip().partition(" ")
        if particle:
            table.phrasal.setdefault(stem(verb), {})[particle] = meaning
        else:
            table.words[stem(verb)] = meaning
    return table


def everyday(word: str) -> tuple[str, ...]:
    """The words documentation may write for the everyday `word` (or a form of it:
    "downloaded"); none for most words."""
    return tuple(w for w in _table().words.get(stem(word), ()) if w != word)


def phrasal(text: str) -> dict[str, tuple[str, ...]]:
    """Stem of each verb `text` uses with a particle -> the words documentation may
    write for the two ("switched it off" -> {"switch": ("disable",)})."""
    table = _table().phrasal
    words = tokens(text)
    out: dict[str, tuple[str, ...]] = {}
    for i, word in enumerate(words):
        verb = stem(word)
        particles = table.get(verb)
        if not particles:
            continue
        for after in words[i + 1 : i + 1 + PARTICLE_REACH]:
            if after in particles:
                out[verb] = out.get(verb, ()) + particles[after]
                break
    return out
