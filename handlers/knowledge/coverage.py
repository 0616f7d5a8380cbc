"""How much of a question a text covers: the idf-weighted share of the request's
words (`Query.focus`) that the text states, itself, through an alternative (generic
synonym, glossary) or, a little, through the words the documents associate with it
(handlers.knowledge.assoc). Pure functions; see handlers.knowledge.grounding for how
the "I don't know" decision uses it.

Measured on issue 13's tune halves (bench/kb_eval_splits.json, explore / confirm:
answerable declined FR 60 / 73, unanswerable declined UD 367 / 312, answered citing a
page that answers 1213 / 1092) and not kept, since each answered near misses at
about the rate it stopped refusing:
- a page word close to the asker's word in generic word vectors (all-MiniLM-L6-v2
  run on 44,000 single English words; cosine 0.6 or more, a different stem) counting
  half, for the words the documents use: FR 55 / 65, UD 363 / 307, answered from a
  right page 1218 / 1101; for every word: FR 55 / 65, UD 360 / 306 (cosine 0.7: FR
  60 / 71, UD 365 / 311);
- the first one, two or three passages of each top page (its introduction, where a
  page says in plain words what a feature is) counting with its top passages: FR
  59 / 71, 54 / 67, 46 / 65; UD 367 / 311, 359 / 310, 358 / 307; answered from a
  right page 1213 / 1095, 1215 / 1097, 1221 / 1099 (of 14 fewer explore refusals,
  8 answered from a right page);
- coverage within two neighbouring sentences, not the whole page, as the signal: on
  the explore half, declining below 0.4 would decline 14 unanswerable questions
  answered now and 42 answerable ones answered from the right page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from itertools import repeat

from handlers.knowledge.forms import knows
from handlers.knowledge.lexicon import inflected_english
from handlers.knowledge.terms import Query, Vocabulary, stem, tokens

#: A query word also matches indexed words that start with its stem this long or more
#: ("customize" ~ "customizable").
PREFIX_MIN = 5
#: In coverage a word the docs use weighs at most this share of a word they never use
#: (and so does an English verb or adverb form they never use, handlers.knowledge.
#: lexicon.inflected_english): a rare chat word the page lacks ("plug", "hop") no
#: longer outweighs its product words. Tune halves with dev17, the inflected forms at
#: this weight: answerable declined 46 -> 44 / 64 -> 64, unanswerable unchanged.
KNOWN_WEIGHT_SHARE = 0.5
#: A word the docs use that the text lacks counts this share of its weight when the
#: text holds at least ASSOCIATED_MIN of the words the documents pair it with: the
#: asker's paraphrase ("pay" on a page about billing, "copied" on one about syncing).
ASSOCIATED_SHARE = 0.5
ASSOCIATED_MIN = 3

#: Word -> the stems the documents associate with it (`Associations.neighbours`).
Related = Callable[[str], Sequence[str]]


def found(word: str, words: AbstractSet[str], present: AbstractSet[str]) -> bool:
    """Whether `word` (or its stem, or a longer word it starts) is among a text's words."""
    if word in present:
        return True
    root = stem(word)
    return root in present or (
        len(root) >= PREFIX_MIN and any(map(str.startswith, words, repeat(root)))
    )


def names_any(words: AbstractSet[str], wanted: Sequence[str], query: Query) -> bool:
    """Whether `words` (a text's) hold one of the `wanted` query words or one of its
    alternatives, as coverage finds them."""
    present = set(words) | {stem(w) for w in words}
    return any(found(alt, words, present) for w in wanted for alt in (w, *query.alternatives_of(w)))


def coverage(query: Query, text: str, vocabulary: Vocabulary) -> float:
    """The idf-weighted share of the query's request words (`focus`) found in `text`
    (0..1); a word also counts as found when one of its alternatives is."""
    words = set(tokens(text))
    return coverage_of(query, words, {stem(t) for t in words} | words, vocabulary)


def coverage_of(
    query: Query,
    words: AbstractSet[str],
    present: AbstractSet[str],
    vocabulary: Vocabulary,
    related: Related | None = None,
) -> float:
    """`coverage` over a text's words and their stems (`present`: words and stems);
    with `related`, a known word the text lacks counts ASSOCIATED_SHARE when the text
    holds ASSOCIATED_MIN of its associated stems."""
    if not query.core:
        return 0.0
    total = hit = 0.0
    for word in query.focus or query.core:
        # A word the documentation never uses weighs as much as a word can (and is
        # found nowhere): a question about something the docs do not cover usually
        # names it in a word of its own ("bitcoin", "FedRAMP").
        known = knows(word, vocabulary)
        if known:
            weight = min(vocabulary.idf(word), KNOWN_WEIGHT_SHARE * vocabulary.max_idf)
        elif inflected_english(word):
            # The asker's verb or adverb ("reshuffling", "spoofing"), not a thing's
            # name: it weighs as much as a known word can, not as much as a name.
            weight = KNOWN_WEIGHT_SHARE * vocabulary.max_idf
        else:
            weight = vocabulary.max_idf  # a name no stem of another word stands for
        total += weight
        spellings = (word, *query.alternatives_of(word)) if known else query.alternatives_of(word)
        if any(found(alt, words, present) for alt in spellings):
            hit += weight
        elif known and related is not None and associated(word, present, related):
            hit += ASSOCIATED_SHARE * weight
    return hit / total if total else 0.0


def associated(word: str, present: AbstractSet[str], related: Related) -> bool:
    """Whether a text (its words and stems) holds enough of `word`'s associated stems."""
    return sum(near in present for near in related(word)) >= ASSOCIATED_MIN
