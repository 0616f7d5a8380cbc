"""The index's words for knowledge search: document frequencies (for weighting) and
typo repair of a question's words against the index's own words (rapidfuzz), built
from the indexed passages; see handlers.knowledge.terms for how a question uses it.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from handlers.knowledge.lexicon import in_english
from handlers.knowledge.words import stem, swaps, tokens, undouble

#: Typo repair: only for words of this length or more, with more than this similarity
#: (optimal string alignment: a swap of two letters is one edit, so fewer than one edit
#: per five letters; a five-letter word is repaired by a swap of two letters alone, as
#: shorter ones are), and to an indexed word at most this many letters longer or shorter.
TYPO_MIN_LEN = 5
TYPO_MIN_SCORE = 0.8
TYPO_MAX_LEN_DIFF = 2
SWAP_MIN_LEN = 4
#: Words whose `Vocabulary.joined` (and `repair`) answer is kept, per index snapshot.
JOINS_KEPT = 10_000
#: Words no word run together is made of ("elementor" is no "element or").
UNJOINED = frozenset(["a", "an", "and", "but", "nor", "of", "or", "the"])
#: Endings that make another word of a word ("look" -> "looker"): never a typo.
DERIVING_SUFFIXES = frozenset(["er", "ers", "or", "ors", "ly", "y", "ie", "ist", "ism", "ify"])


@dataclass
class Vocabulary:
    """The index's words with document frequencies, for weighting and typo repair."""

    df: Counter[str]
    passages: int
    _words: list[str]
    average_length: float = 0.0
    #: The indexed texts' words, space-separated (for `joined`), and its answers.
    _text: str = ""
    _joins: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    #: Indexed words of 4-5 letters (what a short misspelt word may be meant as).
    short_words: list[str] = field(default_factory=list)
    #: `repair`'s answers (a fuzzy scan of the vocabulary each) and `idf`'s, kept per
    #: snapshot.
    _repairs: dict[str, str | None] = field(default_factory=dict)
    _idfs: dict[str, float] = field(default_factory=dict)
    #: The indexed words by their spelling with no doubled letter (the most frequent
    #: of each): "reccomend" and "recommend" are both "recomend".
    undoubled: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, texts: Iterable[str]) -> Vocabulary:
        df: Counter[str] = Counter()
        count = length = 0
        lines: list[str] = []
        for text in texts:
            count += 1
            words = tokens(text)
            length += len(words)
            lines.append(" ".join(words))
            df.update({stem(t) for t in words} | set(words))
        vocabulary = sorted(w for w in df if len(w) >= TYPO_MIN_LEN and not w.isdigit())
        undoubled: dict[str, str] = {}
        for known in sorted(vocabulary, key=lambda w: -df[w]):
            undoubled.setdefault(undouble(known), known)
        return cls(
            df=df,
            passages=max(count, 1),
            _words=vocabulary,
            average_length=length / max(count, 1),
            _text=f" {' | '.join(lines)} ",
            short_words=sorted(w for w in df if len(w) in (4, TYPO_MIN_LEN) and w.isalpha()),
            undoubled=undoubled,
        )

    def knows(self, word: str) -> bool:
        return word in self.df or stem(word) in self.df

    @property
    def max_idf(self) -> float:
        """The idf of a word no passage holds."""
        return math.log(1 + (self.passages + 0.5) / 0.5)

    def idf(self, word: str) -> float:
        known = self._idfs.get(word)
        if known is not None:
            return known
        freq = max(self.df.get(word, 0), self.df.get(stem(word), 0))
        value = math.log(1 + (self.passages - freq + 0.5) / (freq + 0.5))
        if len(self._idfs) < JOINS_KEPT:
            self._idfs[word] = value
        return value

    def repair(self, word: str) -> str | None:
        """The closest indexed word to a misspelt `word`, or None."""
        if self.knows(word) or word.isdigit():
            return None
        if len(word) < TYPO_MIN_LEN:
            return self._swapped(word)  # too short for a fuzzy match: "tset" -> test
        if word in self._repairs:
            return self._repairs[word]
        found = None if self.derived(word) else self._closest(word)
        if found is None and len(word) == TYPO_MIN_LEN:
            found = self._swapped(word)
        if len(self._repairs) < JOINS_KEPT:  # each a fuzzy scan of the vocabulary
            self._repairs[word] = found
        return found

    def _swapped(self, word: str) -> str | None:
        """The indexed word two neighbouring letters of a short `word` English lacks
        swap into ("tset" -> test), or None."""
        if len(word) < SWAP_MIN_LEN or in_english(word):
            return None
        return next((swapped for swapped in sorted(swaps(word)) if swapped in self.df), None)

    def slip_of(self, word: str) -> str | None:
        """The indexed word `word` is a misspelling of, known or not (`repair` leaves
        a word the index knows by its stem alone), or None; a word made of an indexed
        one ("optimizely") only one edit from the word it slips for ("editer")."""
        found = None if word.isdigit() else self._closest(word)
        if found is not None and self.derived(word) and OSA.distance(word, found) > 1:
            return None
        return found

    def _closest(self, word: str) -> str | None:
        doubled = self.undoubled.get(undouble(word))
        if doubled is not None:
            return doubled  # "reccomend", "adress": a letter doubled or not, twice
        for candidate, _, _ in process.extract(
            word,
            self._words,
            scorer=OSA.normalized_similarity,
            score_cutoff=TYPO_MIN_SCORE,
            limit=5,
        ):
            if abs(len(candidate) - len(word)) <= TYPO_MAX_LEN_DIFF:
                return str(candidate)
        return None

    def writes(self, words: Iterable[str]) -> bool:
        """Whether one indexed text writes `words` side by side, in this order."""
        return f" {' '.join(words)} " in self._text

    def joined(self, word: str) -> tuple[str, str] | None:
        """The two indexed words `word` runs together when the texts write them side by
        side ("keenio" -> keen io, "vscode", "infront"): a spelling, not a word of its
        own. Not around a word that joins or names no thing (UNJOINED): "elementor" is
        no "element or"."""
        if len(word) < TYPO_MIN_LEN or word.isdigit() or self.knows(word):
            return None
        if word in self._joins:
            return self._joins[word]
        found = next(
            (
                (word[:i], word[i:])
                for i in range(2, len(word) - 1)
                if word[:i] in self.df
                and word[i:] in self.df
                and word[:i] not in UNJOINED
                and word[i:] not in UNJOINED
                and f" {word[:i]} {word[i:]} " in self._text
            ),
            None,
        )
        if len(self._joins) < JOINS_KEPT:  # a scan of the texts each: kept per snapshot
            self._joins[word] = found
        return found

    def starting(self, prefix: str) -> list[str]:
        """The indexed words (of TYPO_MIN_LEN letters or more) that begin with `prefix`."""
        start = bisect.bisect_left(self._words, prefix)
        end = bisect.bisect_left(self._words, prefix + "\uffff", start)
        return self._words[start:end]

    def derived(self, word: str) -> bool:
        """`word` is an indexed word plus a suffix: another word ("looker",
        "optimizely"), not a misspelling of one."""
        return any(
            word.endswith(end) and self.knows(word[: -len(end)])
            for end in DERIVING_SUFFIXES
            if len(word) - len(end) >= TYPO_MIN_LEN - 1
        )
