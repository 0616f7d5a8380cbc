"""Word associations learnt from the vendor's own documents: the words that keep
company with a word in the indexed passages (pointwise mutual information over
stems), so that an asker's word the answering page does not use ("pay", "toggle")
still counts a little when the page uses the words the documentation pairs it with
("billing", "flag"). Nothing about a product is written here: every association is
counted from the passages of the current index snapshot, once per word asked about.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from handlers.knowledge.words import STOP_WORDS, stem

#: Neighbours kept per word.
NEIGHBOURS = 5
#: A neighbour must share at least this many passages with the word...
MIN_SHARED = 2
#: ...and at least this share of the word's passages.
MIN_SHARE = 0.2
#: A word in more than this share of the passages says nothing about any other.
MAX_DF_SHARE = 0.05
#: Associations kept per snapshot (each costs a pass over the word's passages).
KEPT = 20_000
_STOP_STEMS = frozenset(stem(w) for w in STOP_WORDS)


@dataclass
class Associations:
    """Stem -> its most associated stems, counted lazily from passages' stem sets."""

    stems: Mapping[int, frozenset[str]]
    #: Stem -> (passage id, impact) of the passages holding it (the BM25F postings).
    holders: Mapping[str, Sequence[tuple[int, float]]]
    passages: int
    _kept: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def neighbours(self, word: str) -> tuple[str, ...]:
        """The stems that co-occur with `word` (or its stem) most beyond chance."""
        root = stem(word)
        if root in self._kept:
            return self._kept[root]
        found = self._count(root)
        if len(self._kept) < KEPT:
            self._kept[root] = found
        return found

    def _df(self, root: str) -> int:
        return len(self.holders.get(root, ()))

    def _count(self, root: str) -> tuple[str, ...]:
        holders = self.holders.get(root, ())
        df = len(holders)
        if df < MIN_SHARED or df > MAX_DF_SHARE * self.passages:
            return ()
        shared: Counter[str] = Counter()
        for pid, _ in holders:
            shared.update(self.stems.get(pid, ()))
        least = max(MIN_SHARED, math.ceil(MIN_SHARE * df))
        scored = []
        for other, count in shared.items():
            if count < least or other == root or other in _STOP_STEMS or len(other) < 3:
                continue
            if other.isdigit():
                continue
            pmi = math.log(count * self.passages / (df * self._df(other)))
            if pmi > 0:
                scored.append((pmi, other))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return tuple(other for _, other in scored[:NEIGHBOURS])
