"""The request a chat message relays, apart from its framing ("our client wants to
know if ...", "reseller question: ...", "for the Acme deal, ..."). Generic English."""

from __future__ import annotations

import re

from handlers.knowledge.words import tokens

#: Chat framing around a relayed request (see request_part): a bracketed aside, a
#: label of at most LABEL_WORDS words before a colon, and a verb of asking, wanting or
#: telling ("the client says ...", "a prospect heard ...") within the first FRAME_WORDS
#: words.
ASIDE = re.compile(r"\([^)]*\)")
#: "for our big retail client, ..." / "re the Acme deal, ...": a leading phrase.
LEADING_CLAUSE = re.compile(r"^\s*(?:for|from|re|regarding|about|on behalf of)\b[^,?]*,", re.I)
LABEL_WORDS = 4
FRAME_WORDS = 8
_RELAY_TEXT = """wants want wanted needs need needed asks ask asked asking wonders wondering
    wondered requires required requests requested expects expected hopes hoping
    curious whether says said tells told claims claimed reports reported mentions mentioned
    heard hears noticed notices thinks thought complains complained"""
RELAY_VERBS = frozenset(_RELAY_TEXT.split())
#: A relay verb after these is said of the thing asked about, not of who asks ("can
#: change tickets be required before ..."): it frames nothing.
PASSIVE = frozenset({"be", "is", "are", "was", "were", "been", "being", "not"})


def request_part(question: str) -> str:
    """The request a chat message relays, without its framing: asides in brackets, a
    short label ("reseller question: ..."), a leading phrase ("for our retail client,
    ..."), and who is asking ("our fintech client wants to ...", "a prospect asked
    whether ..."). Generic English, no product words."""
    text = ASIDE.sub(" ", question)
    head, colon, rest = text.partition(":")
    if colon and rest.strip() and len(tokens(head)) <= LABEL_WORDS:
        text = rest
    lead = LEADING_CLAUSE.match(text)
    if lead and len(tokens(lead.group(0))) <= FRAME_WORDS:
        text = text[lead.end() :]
    words = text.split()
    for i, raw in enumerate(words[:FRAME_WORDS]):
        if "?" in raw:
            break  # a question asked already ("Are you ISO certified? Procurement needs")
        if i and tokens(raw)[:1] and tokens(raw)[0] in RELAY_VERBS and len(words) - i > 2:
            if tokens(words[i - 1])[-1:] and tokens(words[i - 1])[-1] in PASSIVE:
                continue
            return " ".join(words[i + 1 :])
    return text


#: A word in a text, with what comes before it (to tell a sentence's first word).
_WORD_AFTER = re.compile(r"(^|[.?!:;]\s*|\s)([A-Za-z][A-Za-z0-9]*)")


def written_as_names(question: str) -> frozenset[str]:
    """The words the asker capitalises inside a sentence ("an Oracle database", "is
    there a Terraform provider"): names, whether or not English has the word too."""
    return frozenset(
        match.group(2).lower()
        for match in _WORD_AFTER.finditer(question)
        if match.group(1).isspace() and match.group(2)[0].isupper()
    )
