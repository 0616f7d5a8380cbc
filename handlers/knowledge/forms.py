"""Whether the documentation uses a word the asker writes that English does not have
(issue 13). Pure functions.

The index matches words by their English (Snowball) stems, which suits English words
("billing" ~ "billed") but not names: "optimizely" stems to "optim", so a question
about importing from Optimizely looked covered by a page about query optimization
while no page names that product. A word English lacks altogether (not in the
general word list at any count, handlers.knowledge.lexicon) counts as used only when
the documents write it, or it with an inflection added or dropped ("webhooks" for
"webhook"), or it is a slip of a word they write ("tolerence").
"""

from __future__ import annotations

from handlers.knowledge.lexicon import INFLECTIONS, bases, in_english
from handlers.knowledge.terms import Vocabulary

#: Shorter words are never taken for names here (a stem of three letters or fewer
#: is as likely an abbreviation the stemmer keeps whole).
MIN_LEN = 4


def foreign(word: str) -> bool:
    """Whether English lacks the word altogether: a name (or a slip of one)."""
    return len(word) >= MIN_LEN and word.isalpha() and not in_english(word)


def written(word: str, vocabulary: Vocabulary) -> bool:
    """Whether the documents write `word`, or it with an inflection added or dropped."""
    df = vocabulary.df
    return (
        word in df
        or any(word + end in df for end in INFLECTIONS)
        or any(base in df for base in bases(word, MIN_LEN - 1))
    )


def knows(word: str, vocabulary: Vocabulary) -> bool:
    """Whether the documentation uses `word`: by its stem, and for a word English
    lacks, as written (`written`) or as a slip of a word it writes."""
    if not vocabulary.knows(word):
        return False
    if not foreign(word) or written(word, vocabulary):
        return True
    return vocabulary.slip_of(word) is not None
