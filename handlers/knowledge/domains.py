"""A web domain the question names that the documentation never writes (issue 13):
"migrate a customer's flags from Split.io", "the free .webflow.io staging domain",
"Datadog's EU site (datadoghq.eu)". A brand's domain names one thing exactly, so
pages that never write it do not answer about it, whatever else they cover. Generic,
nothing about any vendor. Pure functions; handlers.knowledge.grounding declines on it.

Only a brand's own domain (one name and a top-level domain: "split.io"), not a host
with a subdomain ("gb.acme.com": the asker's own server, which no page writes either).
On the tune rounds, the two-part domains the pages never write were all in
unanswerable questions (6); of the answerable ones' two-part domains, the pages write
both ("keen.io", "dhi.io"). Tune halves (explore / confirm): unanswerable declined
325 -> 328 of 366 / 284 -> 285 of 340, answerable declined unchanged (46 / 64). The
whole question is looked at, its asides too ("Datadog's EU site (datadoghq.eu)").
"""

from __future__ import annotations

import re

from handlers.knowledge.terms import Vocabulary, tokens

#: A brand's domain: a name and a common top-level domain, not part of a longer host
#: ("gb.acme.com") nor of a path or an e-mail address.
DOMAIN = re.compile(
    r"(?<![\w@/-])(?<!\w\.)\.?"
    r"([a-z0-9][a-z0-9-]*\.(?:io|com|org|net|eu|ai|dev|app|co|cloud|us|uk|de))"
    r"(?![\w.-]*\w)",
    re.IGNORECASE,
)


def unwritten_domains(question: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The brand domains of the question (its asides too: "the EU site (datadoghq.eu)")
    that no indexed text writes."""
    return tuple(
        domain.lower()
        for domain in DOMAIN.findall(question)
        if not vocabulary.writes(tokens(domain))
    )
