"""Questions that ask for a figure of a kind, and how a quote states one (issue 13).
Generic English, nothing about any vendor. Pure functions.

A question about a documented area often asks for a figure the documentation does
not give ("how long does the warehouse keep raw events", "pro plan list price per
seat"): the page about that area covers the words, and the extractive answer quotes
its nearest sentences ("There are 2 ways to send events", "The Pro plan includes a
per-seat fee"). A quote that states no figure of the kind asked for does not answer
such a question (handlers.knowledge.figure_quotes decides, about what). The kinds: a
duration (asked with "how long", "how often", "retention period", "how many days", a
bound of time: "cache max age") states a number with a unit of time or an adverb of
time ("30 seconds", "10-minute", "daily", "immediately"); a price (asked with "price",
"cost", "how much is") states an amount of money or a share of one ("$20", "20 USD",
"20% off"); a version ("which node version", "minimum php version") and a count or
limit ("how many", "maximum", "rate limit", "how much storage") state a number
("1.70", "up to 5", "unlimited"); a share or service level ("uptime", "SLA", "what
percentage") a percentage, "nines" or a time; a place ("which region", "data
residency") a region's code, an area ("EU", "APAC", "Europe") or a name something is
hosted or stored in; a date ("when is X shipping", "any ETA") a month, a year or a
quarter ("coming soon" is none).
All the answer's quotes count, the second page's too: checking the first page's
alone declined one more answerable question (dev3a 3 -> 4).

Round 7 (dev3a/dev3b/dev4/dev5a/dev5b to tune, older rounds to check): unanswerable
declined dev5a 8 -> 9 of 11, dev5b 9 -> 10 of 11, dev3b 12 -> 13 of 13, dev4 and dev3a
unchanged; answerable declined unchanged on every round (14 of 370 on the five tune
rounds; 2 of 244 on tune, dev, dev2, blind3-5, whose unanswerable ones stay 51 of 57).
Round 8: versions, counts, shares and places (see handlers.knowledge.figure_quotes):
every answerable question of the tune rounds that asks for one is quoted with it.
Round 10: a duration may be the unit a number is given in or none ("the time it waits
for features to load (in ms). The default is 0 (no timeout)"): dev7 even answerable
declined 6 -> 5 of 95, fact coverage 0.763 -> 0.774; no other set changes. A
duration asked of keeping ("how long is raw event data retained") is a retention:
stated by a sentence (or heading) that speaks of keeping, not by "available within
seconds": dev7 even unanswerable declined 15 -> 16 of 19; no other set changes.
Round 11: cost named as what a comparison is judged on ("fact tables vs legacy
queries for scan cost?") asks which side is cheaper, not for an amount: dev8 even
answerable declined one fewer; no other explore set changes.
Round 13 (tune halves with dev16; explore / confirm, answerable declined "FR",
unanswerable declined "UD"): a yes/no question naming an SLA and no uptime asks
whether there is one (FR 43 -> 42 / -). Asked alone (one asked part: asked beside
other things both declined answerable questions), which plan needs a plan word
("requires a Pro subscription"; UD +1 / 0) and which port a number of 2-5 digits (UD
+1 / +1, FR +1 / 0: a wrong-page answer declined). A version must be written as one
(`VERSION_WRITTEN`; "fsGroup: 1000" stated a Kubernetes version: UD +1 / +2, FR +1 /
0: "3x better performance" had met "which version"). Round 14 (with dev17): asked by
every asking clause counts as asked alone ("is sticky bucketing a paid feature? which
tier?"; UD +1 / 0, FR unchanged).
"""

from __future__ import annotations

import re
from enum import Enum

from handlers.knowledge.asking import COMPARING, asked_part, asked_parts, every_part_asks
from handlers.knowledge.quote import is_yes_no
from handlers.knowledge.terms import tokens, without_examples


class Figure(Enum):
    """A kind of figure a question may ask for."""

    DURATION = "duration"
    RETENTION = "retention"
    PRICE = "price"
    VERSION = "version"
    COUNT = "count"
    SHARE = "share"
    PLACE = "place"
    DATE = "date"
    PLAN = "plan"
    PORT = "port"


_UNITS = (
    r"(?:ms|milliseconds?|secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|months?|years?)"
)
#: A number starts at its first digit, not inside a run of dotted digits ("1.2.3"):
#: from every digit of a long run the search would be quadratic in its length.
NUMBER_START = r"(?<!\d)(?<!\d[.,])"
_COUNT = (
    rf"(?:{NUMBER_START}\d[\d.,]*|an?|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve|fifteen|twenty|thirty|sixty|ninety|hundred|several|few)"
)
#: A duration: a number and a unit of time ("30 seconds", "10-minute", "an hour",
#: "5m", not "10s of thousands"), or a word that is one ("daily", "immediately",
#: "within minutes"), or the unit a number is given in ("the time to wait (in ms)"),
#: or none ("no timeout").
DURATION = re.compile(
    rf"\b{_COUNT}[\s-]*{_UNITS}\b|\b\d+\s?(?:ms|s|m|h|d)\b(?!\s+of\b)"
    r"|\b(?:hourly|daily|weekly|monthly|yearly|annually|forever|indefinitely|real[- ]time"
    r"|instantly|immediately|seconds|minutes|hours|days|weeks|months|years)\b"
    r"|\bin (?:ms|milliseconds|seconds|minutes)\b|\bno (?:timeout|time limit|expiry)\b",
    re.IGNORECASE,
)
#: An amount of money: a currency sign or a currency after the number; or a share of
#: one ("20% off the list price", "a 2 percent fee").
PRICE = re.compile(
    r"[$€£¥]\s?\d|\d\s?(?:usd|eur|gbp|dollars?|euros?|cents?|%|percent)(?!\w)", re.IGNORECASE
)
#: A bound of time ("cache max age", "maximum timeout"): a duration, not a count.
_TIME_BOUND = (
    r"(?:max|maximum|min|minimum)[\s-]+(?:age|time|duration|delay|wait|timeout|ttl|lifetime)"
)
#: Asking for a duration.
ASKS_DURATION = re.compile(
    r"\bhow (?:long|often|soon|frequently)\b|\bretention (?:period|time|policy)\b"
    rf"|\bhow many {_UNITS}\b|\b{_TIME_BOUND}\b",
    re.IGNORECASE,
)
#: Keeping something for a time: asked with one of these words beside a duration
#: ("how long is raw event data retained"), a retention is stated with one too ("kept
#: for 90 days"), not by a time that says how soon it comes ("available within
#: seconds").
KEEPS = re.compile(
    r"\b(?:retain\w*|retention|kept|keeps?|keeping|stor(?:e|ed|es|ing)|delet\w*|purg\w*"
    r"|expir\w*|ttl)\b",
    re.IGNORECASE,
)
#: A time that says how soon ("within seconds", "real-time"), not how long: units up
#: to hours only, since "deleted within 30 days" does state a retention.
SOON = re.compile(
    r"\b(?:within|in under|in less than|after about)\s+(?:a few\s+|an?\s+|\d[\d.,]*\s*)?"
    r"(?:ms|milliseconds?|secs?|seconds?|mins?|minutes?|hrs?|hours?)\b"
    r"|\b(?:real[- ]?time|instantly|immediately)\b",
    re.IGNORECASE,
)
#: Asking for a price ("what's the referral fee" too); "how to cut cost" asks for a
#: way, not an amount (`ASKS_WAY`).
PRICE_WORDS = r"(?:price|prices|pricing|cost|costs|fee|fees)"
ASKS_PRICE = re.compile(rf"\b{PRICE_WORDS}\b", re.IGNORECASE)
ASKS_AMOUNT = re.compile(r"\bhow much (?:is|are|does|do|will|would)\b", re.IGNORECASE)
ASKS_WAY = re.compile(r"^\W*how (?:to|do|does|can|could|should|would)\b", re.IGNORECASE)
#: What a comparison is judged on ("fact tables vs legacy queries for scan cost",
#: "A or B in terms of price"): which is cheaper, not an amount.
CRITERION = re.compile(
    r"\b(?:for|on|in terms of|regarding|re)\s+(?:[\w-]+\s+){0,2}"
    rf"{PRICE_WORDS}\b",
    re.IGNORECASE,
)

#: Asking for a version ("which node version", "minimum php version", "what versions
#: are supported"), not for a way to use versions ("version control", "roll back to
#: the previous version").
ASKS_VERSION = re.compile(
    r"\b(?:which|what|whats|min|minimum|required|requires|require|supported|oldest|lowest"
    r"|earliest|latest|newest)\b(?:\s+[\w.#+-]+){0,3}?\s+versions?\b(?!\s+control)"
    r"|\bversions?\s+(?:of\s+[\w.#+-]+\s+)?(?:is|are|does|do)\s+(?:needed|required|supported)\b",
    re.IGNORECASE,
)
#: Asking for a count or a limit ("how many seats", "max number of projects", "how
#: much storage", "the rate limit"): answered by a number, or by "unlimited". "How
#: much" only of a measured resource ("how much work is it" asks no number).
ASKS_COUNT = re.compile(
    rf"\bhow many\b(?!\s+{_UNITS}\b)|\b(?!{_TIME_BOUND}\b)(?:max|maximum)\b"
    r"|\bhow much\s+(?:ram|memory|cpu|disk|storage|space|bandwidth|traffic|data|load|volume)\b"
    r"|\b(?:rate|size|usage|storage|upload|file|request|seat|user|event)[\s-]limits?\b"
    r"|\blimits?\s+(?:on|of|for|per)\b|\bup to how\b",
    re.IGNORECASE,
)
#: Asking for a share or a service level: an uptime, an SLA, a percentage (an SLA
#: may also be a time: "a reply within 4 hours").
ASKS_SHARE = re.compile(
    r"\b(?:uptime|availability guarantee|what percent|what percentage)\b", re.IGNORECASE
)
#: ...or an SLA, unless a yes/no question names it, which asks whether there is one
#: ("do you support enterprise customers with a shared channel and SLAs?").
ASKS_SLA = re.compile(r"\bslas?\b", re.IGNORECASE)
#: Asking where in the world: a region, a country, a data centre, data residency.
ASKS_PLACE = re.compile(
    r"\b(?:which|what|whats|any)\s+(?:[\w-]+\s+){0,2}?(?:regions?|countries|country"
    r"|data\s+cent(?:er|re)s?|geograph(?:y|ies))\b|\bdata\s+residency\b|\bhosted\s+in\s+which\b",
    re.IGNORECASE,
)
#: A place: a cloud region's code ("eu-west-1"), an area ("EU", "APAC", "Europe"),
#: or a name where something is hosted, located or stored ("hosted in Frankfurt").
PLACE = re.compile(
    r"\b[a-z]{2}-[a-z]+-\d\b|\b(?:EU|US|USA|UK|APAC|EMEA|LATAM|AMER)\b"
    r"|\b(?:Europe|European|America|American|Asia|Asian|Africa|Australia|Oceania)\b"
    r"|\b(?:hosted|located|stored|based|kept|run|runs|served|regions?|cent(?:er|re)s?)\s+in\s+"
    r"(?:the\s+)?[A-Z]"
)
#: Asking when something comes out ("when exactly is X shipping?", "any ETA", "the
#: release date"): a date, not a way or a time of day ("when to ship an experiment").
ASKS_DATE = re.compile(
    r"\bwhen\s+(?:exactly\s+)?(?:is|are|will|would|does|do)\b[^?.]*\b(?:coming|ship|ships"
    r"|shipping|released|launch\w*|available|supported|land\w*)\b|\beta\b|\brelease date\b",
    re.IGNORECASE,
)
#: A date: a month, a year, a quarter or half ("March", "2025", "Q3", "H2").
DATE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b|\b(?:19|20)\d\d\b|\b[QH][1-4]\b"
)
#: Asking which plan a feature is on ("which plan do they need", "a paid feature?",
#: "Pro or Enterprise only?"): commercial plan words of any software vendor.
_PLAN_NAMES = r"(?:free|trial|starter|basic|standard|pro|professional|premium|enterprise|paid)"
ASKS_PLAN = re.compile(
    r"\b(?:which|what|whats)\s+(?:\w+\s+)?(?:plans?|tiers?|editions?|subscriptions?|licen[cs]es?)\b"
    rf"|\bpaid\s+(?:feature|plan|tier|add-?on|only)\b|\b{_PLAN_NAMES}[\s-]only\b"
    rf"|\bonly\s+(?:on|in|for)\s+(?:the\s+)?{_PLAN_NAMES}\b"
    rf"|\b(?:included|available)\s+(?:in|on)\s+(?:the\s+)?{_PLAN_NAMES}\b",
    re.IGNORECASE,
)
#: A plan: a plan word or a plan's name ("requires a Pro subscription").
PLAN = re.compile(
    rf"\b(?:plans?|tiers?|subscriptions?|editions?|licen[cs]e[sd]?|{_PLAN_NAMES})\b",
    re.IGNORECASE,
)
#: Asking for a network port ("default port", "what port does the proxy listen on"),
#: not why or how ports are set ("why does the guide run on port 4000").
ASKS_PORT = re.compile(r"^(?!\W*(?:why|how)\b).*\bports?\b", re.IGNORECASE)
#: A port: a number of two to five digits on its own ("5432", ":8080").
PORT = re.compile(r"(?<![\d.,])\d{2,5}(?![\d.,]\d)")
#: A number: digits, or a number word, or no limit at all.
NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|fifty"
    r"|hundred|thousand|million|billion|dozen|unlimited|any number|single|several|multiple)\b"
    r"|\bno (?:\w+ )?limits?\b",
    re.IGNORECASE,
)
#: A version as written: dotted ("8.1", "1.70.0"), "v2", "6+", "version 3", or a small
#: number after a name ("Node 18", "iOS 12", ".NET 6"); not any number ("fsGroup:
#: 1000", "3. Run helm upgrade") nor a number word ("the one release").
VERSION_WRITTEN = re.compile(
    r"\d+(?:\.\d+)+|\bv\d|\d\+|\bversions?\s+\d|\b[A-Z][\w#+-]*\s\d{1,2}\b"
    r"|(?:^|\s)\.?[A-Za-z][\w#+-]*[A-Z][\w#+-]*\s\d{1,2}\b"
)
#: A share: a percentage, or "nines" of availability.
SHARE = re.compile(r"\d\s?(?:%|percent)|\bnines\b|\b9s\b", re.IGNORECASE)
SHARE_OR_TIME = re.compile(f"{SHARE.pattern}|{DURATION.pattern}", re.IGNORECASE)

STATES = {
    Figure.DURATION: DURATION,
    Figure.RETENTION: DURATION,
    Figure.PRICE: PRICE,
    Figure.VERSION: VERSION_WRITTEN,
    Figure.COUNT: NUMBER,
    Figure.SHARE: SHARE_OR_TIME,
    Figure.PLACE: PLACE,
    Figure.DATE: DATE,
    Figure.PLAN: PLAN,
    Figure.PORT: PORT,
}
#: What each kind of question asks with (a cheap first look at the whole question).
ASKS = (
    ASKS_DURATION, ASKS_PRICE, ASKS_AMOUNT, ASKS_VERSION, ASKS_COUNT, ASKS_SHARE, ASKS_SLA,
    ASKS_PLACE, ASKS_DATE, ASKS_PLAN, ASKS_PORT,
)  # fmt: skip


def asked_figures(question: str) -> tuple[Figure, ...]:
    """The kinds of figure the question's asking clauses (`asked_part`) ask for."""
    if not any(pattern.search(question) for pattern in ASKS):
        return ()  # most questions: skip finding the asking clauses
    asked = without_examples(asked_part(question))
    kinds = []
    if ASKS_DURATION.search(asked):
        kinds.append(Figure.DURATION)
        if KEEPS.search(asked):
            kinds.append(Figure.RETENTION)
    if ASKS_AMOUNT.search(asked) or (
        ASKS_PRICE.search(asked) and not ASKS_WAY.search(asked) and not _judged_on(asked)
    ):
        kinds.append(Figure.PRICE)
    if ASKS_VERSION.search(asked) and not ASKS_WAY.search(asked):
        kinds.append(Figure.VERSION)
    if ASKS_COUNT.search(asked) and Figure.PRICE not in kinds:
        kinds.append(Figure.COUNT)
    if ASKS_SHARE.search(asked) or (ASKS_SLA.search(asked) and not is_yes_no(asked)):
        kinds.append(Figure.SHARE)
    if ASKS_PLACE.search(asked):
        kinds.append(Figure.PLACE)
    if ASKS_DATE.search(asked):
        kinds.append(Figure.DATE)
    if not kinds:  # asked alone, or by every asking clause (see the module docstring)
        alone = asked_parts(question) == 1
        kinds += [kind for kind, asks in ((Figure.PLAN, ASKS_PLAN), (Figure.PORT, ASKS_PORT))
                  if asks.search(asked) and (alone or every_part_asks(question, asks))]  # fmt: skip
    return tuple(kinds)


def _judged_on(asked: str) -> bool:
    """Whether a comparison names cost as what its sides are judged on."""
    return not COMPARING.isdisjoint(tokens(asked)) and bool(CRITERION.search(asked))


#: A version number as written ("1.70.0", "v2", "8.0+"), plainer than any number.
VERSION_NUMBER = re.compile(r"\d+(?:\.\d+)+|\bv\d|\d\+")


def plainly_states(kind: Figure, text: str) -> bool:
    """Whether `text` states a figure of `kind` as such figures are written (a version
    number rather than any number); a sentence that does is preferred."""
    return bool((VERSION_NUMBER if kind is Figure.VERSION else STATES[kind]).search(text))
