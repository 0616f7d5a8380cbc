"""Questions that ask for a figure of a kind (a duration, a price) and whether a quote
states one (issue 13). Generic English, nothing about any vendor. Pure functions.

A question about a documented area often asks for a figure the documentation does
not give ("how long does the warehouse keep raw events", "pro plan list price per
seat"): the page about that area covers the words, and the extractive answer quotes
its nearest sentences ("There are 2 ways to send events", "The Pro plan includes a
per-seat fee"). A quote that states no figure of the kind asked for does not answer
such a question, so it is declined (handlers.knowledge.answer.compose_extractive).
Only two kinds are told apart, the ones an ordinary number does not settle: a
duration (asked with "how long", "how often", "retention period", "how many days")
states a number with a unit of time or an adverb of time ("30 seconds", "10-minute",
"daily", "immediately"); a price (asked with "price", "cost", "how much is") states
an amount of money or a share of one ("$20", "20 USD", "20% off"). Counts and limits
("how many", "maximum") are not checked: digits are in nearly every quote (on the
tune rounds that check declined one answerable question and no unanswerable one).
All the answer's quotes count, the second page's too: checking the first page's
alone declined one more answerable question (dev3a 3 -> 4).

Round 7 (dev3a/dev3b/dev4/dev5a/dev5b to tune, older rounds to check): unanswerable
declined dev5a 8 -> 9 of 11, dev5b 9 -> 10 of 11, dev3b 12 -> 13 of 13, dev4 and dev3a
unchanged; answerable declined unchanged on every round (14 of 370 on the five tune
rounds; 2 of 244 on tune, dev, dev2, blind3-5, whose unanswerable ones stay 51 of 57).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum

from handlers.knowledge.asking import asked_part


class Figure(Enum):
    """A kind of figure a question may ask for."""

    DURATION = "duration"
    PRICE = "price"


_UNITS = (
    r"(?:ms|milliseconds?|secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|months?|years?)"
)
_COUNT = (
    r"(?:\d[\d.,]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fifteen|twenty|thirty|sixty|ninety|hundred|several|few)"
)
#: A duration: a number and a unit of time ("30 seconds", "10-minute", "an hour",
#: "5m"), or a word that is one ("daily", "immediately", "within minutes").
DURATION = re.compile(
    rf"\b{_COUNT}[\s-]*{_UNITS}\b|\b\d+\s?(?:ms|s|m|h|d)\b"
    r"|\b(?:hourly|daily|weekly|monthly|yearly|annually|forever|indefinitely|real[- ]time"
    r"|instantly|immediately|seconds|minutes|hours|days|weeks|months|years)\b",
    re.IGNORECASE,
)
#: An amount of money: a currency sign or a currency after the number; or a share of
#: one ("20% off the list price", "a 2 percent fee").
PRICE = re.compile(
    r"[$€£¥]\s?\d|\d\s?(?:usd|eur|gbp|dollars?|euros?|cents?|%|percent)(?!\w)", re.IGNORECASE
)
#: Asking for a duration.
ASKS_DURATION = re.compile(
    r"\bhow (?:long|often|soon|frequently)\b|\bretention (?:period|time|policy)\b"
    rf"|\bhow many {_UNITS}\b",
    re.IGNORECASE,
)
#: Asking for a price; "how to cut cost" asks for a way, not an amount (`ASKS_WAY`).
ASKS_PRICE = re.compile(r"\b(?:price|prices|pricing|cost|costs)\b", re.IGNORECASE)
ASKS_AMOUNT = re.compile(r"\bhow much (?:is|are|does|do|will|would)\b", re.IGNORECASE)
ASKS_WAY = re.compile(r"^\W*how (?:to|do|does|can|could|should|would)\b", re.IGNORECASE)

STATES = {Figure.DURATION: DURATION, Figure.PRICE: PRICE}


def asked_figures(question: str) -> tuple[Figure, ...]:
    """The kinds of figure the question's asking clauses (`asked_part`) ask for."""
    if not (
        ASKS_DURATION.search(question)
        or ASKS_PRICE.search(question)
        or ASKS_AMOUNT.search(question)
    ):
        return ()  # most questions: skip finding the asking clauses
    asked = asked_part(question)
    kinds = []
    if ASKS_DURATION.search(asked):
        kinds.append(Figure.DURATION)
    if ASKS_AMOUNT.search(asked) or (ASKS_PRICE.search(asked) and not ASKS_WAY.search(asked)):
        kinds.append(Figure.PRICE)
    return tuple(kinds)


def states_figures(question: str, quotes: Iterable[str]) -> bool:
    """Whether the quotes state a figure of every kind the question asks for."""
    text = " ".join(quotes)
    return all(STATES[kind].search(text) for kind in asked_figures(question))
