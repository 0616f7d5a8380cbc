"""The names a question asks about that a page must write to answer it (issue 13).
Generic English and structure only, nothing about any vendor. Pure functions.

A name the asker capitalises inside a sentence ("can event alerts go to Microsoft
Teams?", "where do I download the Safari version of the extension?") is the thing
asked about. When the documents write that name somewhere but the page the answer
would quote does not, the page answers another question: it covers the rest of the
words (alerts, versions, extensions) and says nothing of the thing named. A name the
documents never write is `named` (handlers.knowledge.grounding) and declined there;
a name most passages write (the product's own) says nothing about which page answers.

A next-ranked page (handlers.knowledge.grounding.lower_pages) that lacks such a name
no longer answers, and the one top page that writes them all is agreed on (round 11
of handlers.knowledge.grounding, with the figures).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from handlers.knowledge.coverage import found
from handlers.knowledge.forms import knows
from handlers.knowledge.framing import written_as_names
from handlers.knowledge.terms import Vocabulary, stem, tokens

if TYPE_CHECKING:
    from handlers.knowledge.search import Retrieval
    from storage.kb import PassageRow

#: A name whose idf is below this share of a word no passage holds (one written by
#: many passages: the product's own, "API", "SDK", "Visual Editor") does not tell
#: pages apart.
RARE_IDF_SHARE = 1 / 3
#: Names shorter than this are initials or numerals ("I", "II"), not things.
MIN_LEN = 3
#: The lengths of a word that may be an acronym of the page's words.
ACRONYM_LEN = (2, 5)


def asked_names(question: str, core: Iterable[str], vocabulary: Vocabulary) -> tuple[str, ...]:
    """The question's request words it capitalises mid-sentence that the documents
    write somewhere, but not on most passages."""
    names = written_as_names(question)
    floor = RARE_IDF_SHARE * vocabulary.max_idf
    return tuple(
        word
        for word in core
        if word in names
        and len(word) >= MIN_LEN
        and knows(word, vocabulary)
        and vocabulary.idf(word) >= floor
    )


def lacks_names(names: Iterable[str], texts: Iterable[str]) -> tuple[str, ...]:
    """The `names` none of `texts` (a page's title, headings and passages) writes."""
    words = {w for text in texts for w in tokens(text)}
    present = words | {stem(w) for w in words}
    return tuple(name for name in names if not found(name, words, present))


def names_alone(retrieval: Retrieval, page: int, top: int) -> bool:
    """Whether `page` is the one page of the `top` passages that writes every name the
    question asks (`asked_names`): the page about the thing asked."""
    if retrieval.vocabulary is None or not asked_names(
        retrieval.question, retrieval.query.core, retrieval.vocabulary
    ):
        return False
    pages = {item.passage.document_id for item in retrieval.passages[:top]}
    return not missing_names(retrieval, page) and all(
        missing_names(retrieval, other) for other in pages - {page}
    )


def missing_names(retrieval: Retrieval, page: int) -> tuple[str, ...]:
    """The names the question asks (`asked_names`) that none of the retrieved
    passages of `page` writes."""
    if retrieval.vocabulary is None:
        return ()
    names = asked_names(retrieval.question, retrieval.query.core, retrieval.vocabulary)
    if not names:
        return ()
    return lacks_names(
        names,
        (
            f"{p.doc_title} {p.section} {p.body}"
            for p in (item.passage for item in retrieval.passages)
            if p.document_id == page
        ),
    )


def spells_out(word: str, passage: PassageRow) -> bool:
    """Whether `word` is the initials of words the passage writes in a row ("aep":
    "Adobe Experience Platform"): the asker's acronym for a thing the page names."""
    if not ACRONYM_LEN[0] <= len(word) <= ACRONYM_LEN[1] or not word.isalpha():
        return False
    words = tokens(f"{passage.doc_title} {passage.section} {passage.body}")
    size = len(word)
    return any(
        "".join(w[0] for w in words[i : i + size]) == word for i in range(len(words) - size + 1)
    )
