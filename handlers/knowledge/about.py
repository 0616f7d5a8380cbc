"""Whether the page a question would be answered from is about what it asks: its title
holds a rare word of the request (issue 13, round 12). Generic, nothing about any
vendor. Pure functions; handlers.knowledge.grounding counts such a page as agreed on.

Most answerable questions still declined (46 of the 54 on the explore half) are
declined on coverage with the right page first, covering 0.35-0.5 of the request: the
words it lacks are the asker's ordinary English around the thing asked ("what's the
downside of running a holdout, they want to pitch it internally" on the Holdouts
page; "customer asking for an audit trail of who flipped which flag" on Audit Logs).
The unanswerable questions covered as much mostly name a thing no page writes
("Terraform", "HubSpot", "Braze"), or ask a page for a side it lacks ("does the CLI
ship a Windows on ARM build?", "the Safari version of the Visual Editor extension").
So a page counts as agreed on (the agreement clause: more than AGREED_COVERAGE, and
the object a "does X support Y" question asks for covered) when its title holds a word
of the request weighing at least TITLE_IDF_SHARE of the largest idf (not a word most
pages hold, such as the product's name), every word of the request is one the
documentation uses, and the page writes the names the question capitalises
(handlers.knowledge.names).

Measured on the tune halves (explore: dev7-dev14 even, dev2, dev4, dev5a, blind3,
blind4; confirm: dev7-dev14 odd, dev, dev3b, dev5b, blind5; `bench/kb_eval.py`):
answerable declined explore 54 -> 44 of 1022, confirm 60 -> 55 of 910; unanswerable
declined explore 251 -> 251 of 291, confirm 213 -> 212 of 265. Without the names
check explore lost 2 unanswerable questions more, without the "does X support Y"
check 2 more again; any title word (the product's name too) lost 2 more on confirm;
the relaxed bar at 0.35 or 0.45 instead of AGREED_COVERAGE did worse on explore.
"""

from __future__ import annotations

from handlers.knowledge.coverage import found
from handlers.knowledge.terms import Query, Vocabulary, stem, tokens

#: A title word this rare or rarer (a share of the largest idf) says what the page is
#: about; a commoner one (the product's name, "guide") says little.
TITLE_IDF_SHARE = 0.25


def titled_by(query: Query, vocabulary: Vocabulary, title: str) -> bool:
    """Whether `title` holds a word of the request at least TITLE_IDF_SHARE of the
    largest idf rare, found as coverage finds it (handlers.knowledge.coverage.found)."""
    words = set(tokens(title))
    present = words | {stem(word) for word in words}
    floor = TITLE_IDF_SHARE * vocabulary.max_idf
    return any(
        vocabulary.idf(word) >= floor and found(word, words, present)
        for word in query.focus or query.core
    )
