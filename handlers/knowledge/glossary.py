"""The vendor's glossary: acronyms, product nicknames and the words partners use for
what the documentation calls something else, kept beside the docs as `glossary.yml`.

    SSO: single sign-on
    GA4: [Google Analytics 4, GA]
    - "k8s = Kubernetes"

A mapping (term -> one meaning or a list of them) or a list of "term = meaning"
lines. Each entry works both ways: a question that says "SSO" also searches for
"single sign-on", and one that says "single sign-on" also searches for "SSO". Pure:
`kb ingest` reads the file and stores its entries; search builds a `Glossary` from them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import yaml

from handlers.knowledge.terms import content_words

logger = logging.getLogger(__name__)

#: The file `kb ingest` picks up from the top of an ingested folder.
FILE_NAME = "glossary.yml"
#: Entries past this many are ignored (a glossary, not a thesaurus).
MAX_ENTRIES = 5000


class GlossaryError(ValueError):
    """The glossary file is not a mapping or list of entries."""


def parse_glossary(text: str) -> list[tuple[str, str]]:
    """glossary.yml text -> (term, meaning) pairs, in file order.

    Raises:
        GlossaryError: when the YAML is malformed or not a mapping/list of entries.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise GlossaryError(f"not valid YAML: {exc}") from exc
    pairs: list[tuple[str, str]] = []
    if data is None:
        return pairs
    if isinstance(data, dict):
        for term, meanings in data.items():
            values = meanings if isinstance(meanings, list) else [meanings]
            pairs += [(str(term), str(m)) for m in values if m is not None]
    elif isinstance(data, list):
        for line in data:
            if isinstance(line, dict):
                pairs += [(str(k), str(v)) for k, v in line.items() if v is not None]
            elif isinstance(line, str) and "=" in line:
                term, meaning = line.split("=", 1)
                pairs.append((term, meaning))
            else:
                raise GlossaryError(f"entry {line!r} is not 'term = meaning'")
    else:
        raise GlossaryError("expected a mapping of term: meaning, or a list of entries")
    cleaned = [(t.strip(), m.strip()) for t, m in pairs if t.strip() and m.strip()]
    return cleaned[:MAX_ENTRIES]


@dataclass(frozen=True)
class Glossary:
    """Phrase (content words) -> the words of its equivalents, both directions."""

    links: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    #: First word -> the (position, phrase) of the links whose phrase starts with it.
    _by_first: dict[str, list[tuple[int, tuple[str, ...]]]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for position, phrase in enumerate(self.links):
            self._by_first.setdefault(phrase[0], []).append((position, phrase))

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Glossary:
        links: dict[tuple[str, ...], list[str]] = {}
        for term, meaning in pairs:
            left, right = tuple(content_words(term)), tuple(content_words(meaning))
            if not left or not right or left == right:
                continue
            for phrase, other in ((left, right), (right, left)):
                words = links.setdefault(phrase, [])
                words += [w for w in other if w not in words and w not in phrase]
        return cls({phrase: tuple(words) for phrase, words in links.items() if words})

    def expand(self, words: Sequence[str]) -> list[str]:
        """Words the glossary adds for a question's content `words` (not already in it)."""
        extra: list[str] = []
        # Only phrases starting with one of the words can be in them (in links order).
        starting = sorted(p for w in set(words) for p in self._by_first.get(w, ()))
        for _, phrase in starting:
            if _contains(words, phrase):
                extra += [w for w in self.links[phrase] if w not in words and w not in extra]
        return extra


def _contains(words: Sequence[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


#: An acronym in brackets, "(LFW)"; its long form is in the words just before it.
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9]{1,9})\)")
#: The words before an acronym (letters, digits, hyphens).
_WORDS_BEFORE = re.compile(r"[A-Za-z0-9][\w-]*")


def defined_acronyms(text: str) -> list[tuple[str, str]]:
    """(acronym, long form) pairs a text defines itself, as in "Single sign-on (SSO)" or
    "OpenID Connect (OIDC)": the acronym's letters appear in order in the words just
    before it, the first one starting a word (Schwartz & Hearst, 2003)."""
    pairs: list[tuple[str, str]] = []
    for match in _ACRONYM.finditer(text):
        acronym = match.group(1)
        if sum(c.isupper() for c in acronym) < 2 or sum(c.islower() for c in acronym) > 1:
            continue  # "(String)", "(Android)": a word in brackets, not an acronym
        before = text[max(0, match.start() - 120) : match.start()]
        if not before.endswith((" ", "-")) or re.search(r"[.;:!?,]\s*$", before):
            continue
        words = _WORDS_BEFORE.findall(before)[-(len(acronym) + 2) :]
        start = _long_form_start(acronym, " ".join(words))
        if start is not None:
            long_form = " ".join(words)[start:].strip(" -")
            first = long_form.split()[0].lower() if long_form.split() else ""
            if first != acronym.lower() and " " in long_form.replace("-", " "):
                pairs.append((acronym, long_form))
    return pairs


def _long_form_start(acronym: str, candidate: str) -> int | None:
    short, long = acronym.lower(), candidate.lower()
    si, li = len(short) - 1, len(long) - 1
    while si >= 0:
        char = short[si]
        if not char.isalnum():
            si -= 1
            continue
        while li >= 0 and (long[li] != char or (si == 0 and li > 0 and long[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
        si -= 1
    return long.rfind(" ", 0, li + 1) + 1
