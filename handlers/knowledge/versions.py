"""Whether a sentence states the version a question asks for, of the thing it asks
it of (issue 13, round 13). Generic English, nothing about any vendor. Pure
functions; handlers.knowledge.figure_quotes applies them to a question asking for a
version (handlers.knowledge.figures).

A near miss asks a documented area for the version of something the pages give none
for ("minimum postgres server version supported as a data source"), and the page
about the area states the version of something else ("Databricks - currently only
supported on version 10.2 and above"). So a version is stated of the thing versioned
(`versioned_words`: the words before "version", or after "version of"): a version as
written (handlers.knowledge.figures.VERSION_WRITTEN) within VERSIONED_WITHIN words of
one of them ("requires PHP version 8.1", "Node 18 or later"), or anywhere in a
sentence under a heading that names one ("PHP SDK": "requires 8.1 or later").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.knowledge.coverage import names_any
from handlers.knowledge.figures import VERSION_WRITTEN
from handlers.knowledge.terms import Query, Vocabulary, content_words, fixed_words, tokens

#: What a question versions: the words before "version(s)", or after "version(s) of".
_VERSIONED = (
    re.compile(r"((?:[\w.#+-]+\s+){1,2})versions?\b", re.IGNORECASE),
    re.compile(r"\bversions?\s+of\s+(?:the\s+)?((?:[\w.#+-]+\s*){1,2})", re.IGNORECASE),
)
#: Words around "version" that say which version, not of what.
_NOT_VERSIONED_TEXT = """min minimum max maximum which what whats latest oldest newest lowest
    earliest required supported current recommended exact specific same new old older newer
    pinned stable beta"""
_NOT_VERSIONED = frozenset(_NOT_VERSIONED_TEXT.split())
#: A version counts for a versioned word this many words away at most.
VERSIONED_WITHIN = 6


def versioned_words(question: str, query: Query, vocabulary: Vocabulary | None) -> tuple[str, ...]:
    """The query words naming what the question asks the version of ("minimum
    postgres server version" -> postgres, server); () when it names nothing."""
    out: list[str] = []
    for pattern in _VERSIONED:
        for match in pattern.finditer(question):
            for raw in content_words(match.group(1)):
                for word in fixed_words(raw, vocabulary):
                    if word in query.core and word not in _NOT_VERSIONED and word not in out:
                        out.append(word)
    return tuple(out)


def states_version(text: str, heading: str, versioned: Sequence[str], query: Query) -> bool:
    """Whether `text` (under `heading`) states a version of the `versioned` words."""
    if not VERSION_WRITTEN.search(text):
        return False
    if names_any(set(tokens(heading)), versioned, query):
        return True
    sequence = tokens(text)
    near = [i for i, word in enumerate(sequence) if names_any({word}, versioned, query)]
    if not near:
        return False
    for match in VERSION_WRITTEN.finditer(text):
        at = len(tokens(text[: match.start()]))
        if any(abs(at - i) <= VERSIONED_WITHIN for i in near):
            return True
    return False
