"""Query normalisation for knowledge search: tokens, stop words, synonyms, typo repair.

Pure functions plus `Vocabulary`, built from the indexed passages, which knows each
term's document frequency (for weighting) and repairs misspelt query words against
the index's own words with rapidfuzz.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

#: Words: letters and digits (an apostrophe-s is dropped first).
WORD = re.compile(r"[a-z0-9]+")
#: Chat noise to drop before tokenising: user mentions, URLs, emoji codes.
NOISE = re.compile(r"<@[^>]+>|https?://\S+|:[a-z0-9_+-]+:")

_STOP_WORD_TEXT = """a about above after again all also am an and any are as at be because
    been before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would
    you your yours yourself yourselves hi hey hello thanks thank pls please plz anyone
    know tell wondering question quick ok okay hmm u ur im i'm ya yeah btw guys team
    got get gets need needs want wants way ways like really actually still something
    thing things there's let lets us we're you're it's doesn't dont don't cant can't
    possible able use using used work works vs versus"""
#: Words that carry no meaning for search (English function words and chat filler).
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())

#: Partner chat words -> the documentation's words (added, never replacing).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "sso": ("saml", "oidc", "single", "sign"),
    "saml": ("sso",),
    "login": ("sign", "authentication", "sso"),
    "signin": ("sign", "login"),
    "ab": ("experiment", "test"),
    "abtest": ("experiment",),
    "split": ("experiment",),
    "flag": ("feature",),
    "flags": ("feature",),
    "toggle": ("feature", "flag"),
    "price": ("pricing", "plan", "cost"),
    "pricing": ("plan", "price"),
    "cost": ("pricing", "price"),
    "costs": ("pricing", "price"),
    "tier": ("plan",),
    "selfhost": ("self", "hosted"),
    "selfhosted": ("self", "hosted"),
    "onprem": ("self", "hosted"),
    "prem": ("self", "hosted"),
    "premise": ("self", "hosted"),
    "docker": ("container",),
    "k8s": ("kubernetes",),
    "dw": ("warehouse",),
    "warehouse": ("data", "source"),
    "db": ("database",),
    "prod": ("production",),
    "dev": ("development",),
    "gdpr": ("privacy", "compliance"),
    "hipaa": ("compliance",),
    "soc": ("compliance", "security"),
    "soc2": ("soc", "compliance", "security"),
    "delete": ("remove", "deleting"),
    "remove": ("delete",),
    "permissions": ("roles", "access"),
    "rbac": ("roles", "permissions"),
    "perms": ("permissions", "roles"),
    "api": ("rest",),
    "key": ("keys",),
    "webhook": ("webhooks",),
    "metric": ("metrics",),
    "stats": ("statistics", "statistical"),
    "bayesian": ("bayes",),
    "frequentist": ("frequentist",),
    "sdk": ("library", "sdks"),
    "js": ("javascript",),
    "ts": ("typescript",),
    "py": ("python",),
    "rn": ("react", "native"),
    "ios": ("swift",),
    "android": ("kotlin",),
    "bandit": ("bandits",),
    "mab": ("bandits",),
    "rollout": ("rollouts", "release"),
    "canary": ("rollout",),
    "kill": ("disable",),
    "killswitch": ("kill", "switch", "disable"),
    "audit": ("log", "history"),
    "logs": ("log", "audit"),
    "bigquery": ("bigquery",),
    "bq": ("bigquery",),
    "ga4": ("google", "analytics"),
    "ga": ("google", "analytics"),
    "gtm": ("google", "tag", "manager"),
}

#: Typo repair: only for words of this length or more, with this similarity or more
#: (optimal string alignment: a swap of two letters is one edit, so at most one edit
#: per five letters), and to an indexed word at most this many letters longer or shorter.
TYPO_MIN_LEN = 5
TYPO_MIN_SCORE = 0.8
TYPO_MAX_LEN_DIFF = 2
#: A query word also matches indexed words that start with its stem this long or more
#: ("customize" ~ "customizable").
PREFIX_MIN = 5


def stem(word: str) -> str:
    """A light English stemmer for matching (plurals, -ing, -ed)."""
    for suffix, keep in (
        ("ies", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + keep
    return word


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of `text`, noise removed."""
    text = NOISE.sub(" ", text.lower()).replace("'s ", " ")
    return WORD.findall(text)


def content_words(text: str) -> list[str]:
    """Tokens minus stop words (order kept, duplicates dropped)."""
    seen: list[str] = []
    for token in tokens(text):
        if token not in STOP_WORDS and token not in seen and (len(token) > 1 or token.isdigit()):
            seen.append(token)
    return seen


@dataclass
class Vocabulary:
    """The index's words with document frequencies, for weighting and typo repair."""

    df: Counter[str]
    passages: int
    _words: list[str]
    average_length: float = 0.0

    @classmethod
    def build(cls, texts: Iterable[str]) -> Vocabulary:
        df: Counter[str] = Counter()
        count = length = 0
        for text in texts:
            count += 1
            words = tokens(text)
            length += len(words)
            df.update({stem(t) for t in words} | set(words))
        vocabulary = sorted(w for w in df if len(w) >= TYPO_MIN_LEN and not w.isdigit())
        return cls(
            df=df,
            passages=max(count, 1),
            _words=vocabulary,
            average_length=length / max(count, 1),
        )

    def knows(self, word: str) -> bool:
        return word in self.df or stem(word) in self.df

    def idf(self, word: str) -> float:
        freq = max(self.df.get(word, 0), self.df.get(stem(word), 0))
        return math.log(1 + (self.passages - freq + 0.5) / (freq + 0.5))

    def repair(self, word: str) -> str | None:
        """The closest indexed word to a misspelt `word`, or None."""
        if len(word) < TYPO_MIN_LEN or self.knows(word) or word.isdigit():
            return None
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


@dataclass(frozen=True)
class Query:
    """A normalised question: `core` words (typo-repaired), `terms` (+ synonyms)."""

    core: tuple[str, ...]
    terms: tuple[str, ...]
    repaired: tuple[tuple[str, str], ...] = ()


def normalise(question: str, vocabulary: Vocabulary | None) -> Query:
    """Question text -> search terms: content words, repaired typos, synonyms."""
    core: list[str] = []
    repaired: list[tuple[str, str]] = []
    for word in content_words(question):
        fixed = vocabulary.repair(word) if vocabulary is not None else None
        if fixed is not None:
            repaired.append((word, fixed))
            word = fixed
        if word not in core:
            core.append(word)
    terms = list(core)
    for word in core:
        for extra in SYNONYMS.get(word, ()):
            if extra not in terms:
                terms.append(extra)
    return Query(core=tuple(core), terms=tuple(terms), repaired=tuple(repaired))


def _found(word: str, words: set[str], present: set[str]) -> bool:
    root = stem(word)
    return (
        word in present
        or root in present
        or (len(root) >= PREFIX_MIN and any(t.startswith(root) for t in words))
    )


def coverage(query: Sequence[str], text: str, vocabulary: Vocabulary) -> float:
    """The idf-weighted share of query words found in `text` (0..1); a word also
    counts as found when one of its synonyms is."""
    if not query:
        return 0.0
    words = set(tokens(text))
    present = {stem(t) for t in words} | words
    total = found = 0.0
    for word in query:
        weight = vocabulary.idf(word)
        total += weight
        if any(_found(alt, words, present) for alt in (word, *SYNONYMS.get(word, ()))):
            found += weight
    return found / total if total else 0.0
