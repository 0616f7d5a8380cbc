"""What a "does X support Y" question asks to be supported: Y, the object of the
support verb in its asking clause (issue 13). Pure functions; see
handlers.knowledge.grounding for how the "I don't know" decision uses it.

"does the CLI ship a Windows on ARM build?" is about the CLI (its page ranks first,
with the top passages on it) and asks about Windows on ARM, which the page never
names: the page covers the request's other words, and the agreement clause let it
through. The object's words must be on the page too.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from handlers.knowledge.asking import asked_part
from handlers.knowledge.coverage import coverage
from handlers.knowledge.terms import Query, stem, tokens

if TYPE_CHECKING:
    from handlers.knowledge.search import Retrieval

#: A yes/no question whose verb says X supports (ships, runs on, works with) Y; Y is
#: the rest of its clause. After "is"/"are" only "compatible with" is: "is the Linux
#: support GA?" asks whether it is ready, "support" a noun. Generic English.
SUPPORT = re.compile(
    r"(?:\b(?:does|do|did|can|could|will|would)\b[^?]*?\b(?:supports?|ships?|runs?\s+on"
    r"|works?\s+(?:with|on)|integrates?\s+with)|\b(?:is|are)\b[^?]*?\bcompatible\s+with)"
    r"\s+([^?]+)",
    re.IGNORECASE,
)


def support_object(question: str, query: Query) -> tuple[str, ...]:
    """The request's words (`Query.focus`) that name what a "does X support Y"
    question asks to be supported (Y); none when the question asks no such thing."""
    match = SUPPORT.search(asked_part(question))
    if match is None:
        return ()
    said = {stem(token) for token in tokens(match.group(1))}
    return tuple(word for word in query.focus or query.core if stem(word) in said)


def states_object(retrieval: Retrieval, page: int, *, top: int, share: float) -> bool:
    """Whether `page`'s passages among the `top` retrieved cover more than `share` of
    what a "does X support Y" question asks to be supported (True when it asks no
    such thing)."""
    words = support_object(retrieval.question, retrieval.query)
    if not words or retrieval.vocabulary is None:
        return True
    text = " ".join(
        f"{p.doc_title} {p.section} {p.body}"
        for p in (item.passage for item in retrieval.passages[:top])
        if p.document_id == page
    )
    asked = dataclasses.replace(retrieval.query, focus=words)
    return coverage(asked, text, retrieval.vocabulary) > share
