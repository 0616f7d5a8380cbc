"""Words of a text for knowledge search: tokens and Snowball stems, and the generic
English word lists (stop words with chat filler, synonyms). Nothing about a vendor's
product belongs here: domain words come from the vendor's glossary.yml and from the
documents themselves.
"""

from __future__ import annotations

import re

import Stemmer

#: Words: letters and digits (an apostrophe-s is dropped first).
WORD = re.compile(r"[a-z0-9]+")
#: "A/B", "A/A": one word ("ab", "aa"), as chat writes it.
LETTER_PAIR = re.compile(r"\b([a-z])/([a-z])\b")
#: Chat noise to drop before tokenising: user mentions, URLs, emoji codes.
NOISE = re.compile(r"<@[^>]+>|https?://\S+|:[a-z0-9_+-]+:")
#: The Snowball English stemmer (PostgreSQL's `english` configuration uses the same).
STEMMER = Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """The English (Snowball) stem of a lower-case word, for matching."""
    return str(STEMMER.stemWord(word))


#: Language names written with symbols ("C++", "C#", "F#"), one word each as
#: their own pages spell them in paths ("cpp", "csharp"): never the bare letter.
SYMBOL_NAMES = re.compile(r"\b([cf])(\+\+|#)(?!\w)")


def _symbol_name(match: re.Match[str]) -> str:
    return f" {match.group(1)}{'pp' if match.group(2) == '++' else 'sharp'} "


#: The endings of "we're", "they've", "I'll", "she'd", "I'm": stop words ("are",
#: "have", "will", "would", "am") that would otherwise leave a word of their own
#: ("re" matched "re-run" and ranked pages on it). Negations ("don't" -> "don", "t")
#: are left as they are: mending them too moved the tune halves' refusals through the
#: idf of "don" and "won" (explore answerable declined 44 -> 48 of 1172).
CONTRACTED = re.compile(r"(?<=[a-z])['’](?:re|ve|ll|d|m)\b")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of `text`, noise removed."""
    text = NOISE.sub(" ", text.lower()).replace("'s ", " ")
    if "'" in text or "’" in text:
        text = CONTRACTED.sub(" ", text)
    text = SYMBOL_NAMES.sub(_symbol_name, text)
    return WORD.findall(LETTER_PAIR.sub(r"\1\2", text))


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
    possible able use using used work works vs versus isnt arent wasnt werent doesnt
    didnt wont wouldnt shouldnt couldnt hasnt havent whats hows wheres whos wat pls thx
    ty stuff asap lol fyi imo tbh ish hiya folks whether cheers awesome cool great sup yo
    heya kinda sorta gonna wanna gotta lemme dunno tysm appreciate appreciated somebody
    someone anybody everyone mate mates lads yall legit gotcha gotchas hassle tricky
    urgent urgently curious wonder thru today yet currently"""
#: Words that carry no meaning for search (English function words and chat filler).
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())

#: Generic English equivalences (added, never replacing). Words of a vendor's own
#: product or domain do not belong here: they come from the vendor's glossary.yml
#: (`Glossary`) and from the documents themselves.
GENERIC_SYNONYMS: dict[str, tuple[str, ...]] = {
    "delete": ("remove",),
    "remove": ("delete",),
    "price": ("pricing", "cost"),
    "pricing": ("price", "cost"),
    "cost": ("price", "pricing"),
    "login": ("sign", "authentication"),
    "signin": ("sign", "login"),
    "permissions": ("roles", "access"),
    "perms": ("permissions", "roles"),
    "prod": ("production",),
    "dev": ("development",),
    "db": ("database",),
    "org": ("organization",),
    "orgs": ("organizations",),
    "creds": ("credentials",),
    "env": ("environment",),
    "envs": ("environments",),
    "reqs": ("requirements",),
    "config": ("configuration", "configure"),
    "auth": ("authentication", "authenticate"),
    "repo": ("repository",),
    "docs": ("documentation",),
    "alerts": ("notifications",),
    "notifications": ("alerts",),
}


_DOUBLED = re.compile(r"([a-z])\1+")


def undouble(word: str) -> str:
    """`word` with each run of one letter written once ("reccomend" -> "recomend"): a
    letter doubled or not is a common slip, two of them too far for typo repair."""
    return _DOUBLED.sub(r"\1", word)


def swaps(word: str) -> set[str]:
    """The other words two neighbouring letters of `word` swapped make ("tset" ->
    "test", "teh" -> "the", "complaint" -> "compliant")."""
    out = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    out.discard(word)
    return out
