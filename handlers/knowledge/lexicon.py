"""Ordinary English words: a general English word list with usage counts (the
pyspellchecker package's, from its subtitles and books corpus), nothing about any
vendor. A word the documentation never uses but English does ("fake",
"mandatory", "paperwork") is the asker's own wording for something the documents may
well say otherwise; a word English does not have either ("bitbucket", "klaviyo",
"cockroachdb") names a thing, a product or a standard (see
handlers.knowledge.grounding).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

from spellchecker import SpellChecker

from handlers.knowledge.words import STOP_WORDS, swaps

#: A word counted this often in the list or more is an ordinary English word; rarer
#: ones are as often names ("looker", "tableau", "terraform" are counted 150-400 times).
MIN_COUNT = 1000


class _Lists(NamedTuple):
    common: frozenset[str]  # counted MIN_COUNT times or more
    every: frozenset[str]  # counted at all


@cache
def _english() -> _Lists:
    # Read once per process (about 0.4 s): by `load`, when the knowledge snapshot is
    # built (handlers.knowledge.index), so that no question waits for it.
    counts = list(SpellChecker(language="en", distance=1).word_frequency.items())
    return _Lists(
        frozenset(word for word, count in counts if count >= MIN_COUNT),
        frozenset(word for word, count in counts if count > 0),
    )


def load() -> None:
    """Read the word list now (once per process; later calls cost nothing)."""
    _english()


def loaded() -> bool:
    """Whether the word list has been read."""
    return _english.cache_info().currsize > 0


#: Endings that inflect a word without making another one ("upsides"); the word list
#: counts an inflected form apart, often too rarely to be common.
INFLECTIONS = ("s", "es", "d", "ed", "ing")
#: The shortest word `is_english` takes an inflection off to.
INFLECTED_MIN_LEN = 4


def bases(word: str, min_len: int) -> Iterator[str]:
    """`word` with each inflection it ends in taken off, where `min_len` letters remain."""
    for end in INFLECTIONS:
        if word.endswith(end) and len(word) - len(end) >= min_len:
            yield word[: -len(end)]


def is_english(word: str) -> bool:
    """Whether a lower-case word is an ordinary English word (not a name), itself or
    an ordinary word with an inflection added ("upsides", "shaded")."""
    common = _english().common
    return word in common or any(base in common for base in bases(word, INFLECTED_MIN_LEN))


def is_common(word: str) -> bool:
    """Whether a lower-case word, as written, is an ordinary English word: spelt right,
    so no slip for another word ("ladder" is no "adder")."""
    return word in _english().common


#: Endings of English verb and adverb forms, which names seldom have.
INFLECTED_ENDINGS = ("ing", "ed", "ly")


def inflected_english(word: str) -> bool:
    """A lower-case English word with a verb's or an adverb's ending ("reshuffling",
    "spoofing", "overridden"): the asker's wording, however rare, not a name."""
    return in_english(word) and word.endswith(INFLECTED_ENDINGS)


def in_english(word: str) -> bool:
    """Whether English has the lower-case word at all, however rarely ("spoofing",
    "terraform"); a word it lacks ("optimizely", "mixpanel") is a name or a slip."""
    return word in _english().every


#: A word this long one edit away from an English word is a slip of it
#: ("automaticaly"), not a name; shorter names often are one edit from a word.
SLIP_MIN_LEN = 8
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def is_english_slip(word: str) -> bool:
    """Whether a long lower-case word is one edit (a letter dropped, added, changed, or
    two swapped) from an English word."""
    if len(word) < SLIP_MIN_LEN:
        return False
    english = _english().common
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for head, tail in splits:
        if tail and head + tail[1:] in english:
            return True
        if len(tail) > 1 and head + tail[1] + tail[0] + tail[2:] in english:
            return True
        for letter in _LETTERS:
            if head + letter + tail in english or (tail and head + letter + tail[1:] in english):
                return True
    return False


def misspelt_stop(word: str) -> bool:
    """A short word that is a stop word with two neighbouring letters swapped ("teh"),
    or a word English lacks that is a stop word with a letter dropped ("wher")."""
    if not 3 <= len(word) <= 5 or word.isdigit():
        return False
    if not STOP_WORDS.isdisjoint(swaps(word)):
        return True
    return len(word) >= DROPPED_MIN_LEN and word in _STOPS_DROPPED and not in_english(word)


#: Stop-word slips with a letter dropped are this long or longer ("wher"; "hav" may be
#: a name as well as a slip).
DROPPED_MIN_LEN = 4
_STOPS_DROPPED = frozenset(
    stop[:i] + stop[i + 1 :] for stop in STOP_WORDS if len(stop) > DROPPED_MIN_LEN
    for i in range(len(stop))
) - STOP_WORDS  # fmt: skip
