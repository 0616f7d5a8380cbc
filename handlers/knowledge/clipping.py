"""Chat clippings and abbreviations of the documents' words: "infra" for
"infrastructure", "custs" for "customers", "acct" for "account". A lower-case word the
documentation never uses that is the start of a longer English word it writes (its
plural too), or that keeps a longer word's consonants in order ("acct", "mgmt"), is
the asker's shorthand for that word, not the name of an undocumented thing:
handlers.knowledge.terms gives the words it stands for as its alternatives, so it is
no named thing (handlers.knowledge.asking) and a text holding one of them covers it. Generic
English, no product words. Pure.
"""

from __future__ import annotations

from handlers.knowledge.lexicon import is_english
from handlers.knowledge.vocabulary import Vocabulary

#: A clipped word has at least this many letters, and at least this many fewer than
#: the word it clips.
CLIPPED_MIN_LEN = 4
CLIPPED_MIN_CUT = 3
#: An abbreviation keeps no vowel but a first one ("acct", "mgmt") and drops at least
#: this many letters.
ABBREVIATION_MIN_CUT = 2
#: The words a shorthand stands for, the most used first, at most this many.
MEANINGS = 3
_VOWELS = frozenset("aeiou")


def meanings(word: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The English words of the documents that `word` (one they never use) clips or
    abbreviates, the most used first; none when it is no such shorthand."""
    if len(word) < CLIPPED_MIN_LEN or not word.isalpha() or vocabulary.knows(word):
        return ()
    if is_english(word) or is_english(word.removesuffix("s")):
        return ()  # "funds": a word of its own, not a clipping
    clipped = (word, word[:-1]) if word.endswith("s") and len(word) > CLIPPED_MIN_LEN else (word,)
    found = next(
        (longer for start in clipped if (longer := _longer(start, vocabulary, CLIPPED_MIN_CUT))),
        [],
    )
    if not found and not _VOWELS.intersection(word[1:]):
        found = [
            full
            for full in vocabulary.starting(word[:1])
            if len(full) >= len(word) + ABBREVIATION_MIN_CUT
            and full[-1] == word[-1]
            and _keeps(word, full)
        ]
    english = [full for full in found if is_english(full)]
    return tuple(sorted(english, key=vocabulary.idf)[:MEANINGS])


def _longer(start: str, vocabulary: Vocabulary, cut: int) -> list[str]:
    """The indexed words that begin with `start` and are at least `cut` letters longer."""
    return [full for full in vocabulary.starting(start) if len(full) >= len(start) + cut]


def _keeps(short: str, full: str) -> bool:
    """Whether `short`'s letters appear in `full` in order."""
    letters = iter(full)
    return all(letter in letters for letter in short)
