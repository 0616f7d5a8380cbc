"""Which command a sentence asks for: an offline matcher, patterns plus scoring.

`match_intent("can we extend DR-12?")` -> `IntentMatch("extend_deal", 0.9, {"ref": "DR-000012"})`.

How it decides, in order:
1. The text is normalised: lower case, emoji shortcodes (`:tada:`), @mentions and a leading
   greeting dropped, a registration's ref becomes `dealref` and a
   web domain `webdomain`, common typos and chat shorthand fixed (`regsiter` ->
   `register`, `pls` -> `please`), long words close to a keyword corrected by edit
   distance, and indirect framings put plainly ("I was wondering whether you could"
   -> "can you", "would it be possible to" -> "please"; `vocabulary.FRAMINGS`).
2. Each command intent scores its patterns (`patterns.INTENTS`: a verb and an object,
   a status, a ref, a name and its domain). A request framing (`I want to`, `please`,
   `can you`, an imperative first word) adds to the best one, except inside a
   wh-question ("how many times can I extend …?") or an imperative that asks for
   information ("show me how to …"). An auxiliary opening a question is no
   imperative: "do survey results …?" is scored without its "do".
3. A knowledge-base score adds up question signals: a question word leading the
   sentence, and words that ask how something works (`work`, `mean`, `happen`,
   `long`, `policy`, `if` …), "do I / should we …", "what X do I need", "is that
   allowed?", a negated request ("I don't want to register, just …"), questions
   about who may see or do something, a yes/no question about a thing rather than the
   asker ("do registered deals get …?", "can a registration be extended twice?"),
   how long / how often / how many times, and "what if …". A question may open any
   clause ("registering a deal: does it …?"). A sentence asking how, why or what something
   is stays a question even when it names a command (`how does deal protection
   work?`), unless it plainly acts on the asker's own data (`my`, a ref).
4. The command wins only by a margin over that score: a clear win is confident,
   a narrow one is `medium` (the router asks with buttons), anything else is `ask`.
5. A second opinion (`learned.py`, a linear model over words and letter groups trained
   on the phrasing sets) never runs anything by itself: a message the patterns leave
   to the docs, with few question signals, but the model is sure is a command is
   offered with buttons, and so is a command the patterns are sure of that the model
   is sure is a question; one the patterns are unsure of goes to the docs if the
   model is all but certain it is a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from handlers.intents import learned
from handlers.intents import patterns as p
from handlers.intents import vocabulary as v

#: At or above: run the command. Between MEDIUM and CONFIDENT: ask with buttons.
CONFIDENT = 0.75
MEDIUM = 0.45
UNSURE = 0.6
#: The learned scorer's probability of a command at which a message the patterns left
#: to the docs is offered with buttons; its probability of a question at which a
#: command the patterns are sure of is offered with buttons instead of run, and at
#: which one they are unsure of goes to the docs (chosen by cross-validation on the
#: training groups: bench/train_intent_model.py --sweep; bench/blind/README.md).
RESCUE = 0.98
DOUBT = 0.9
SETTLED = 0.97
#: Below this question score the patterns' "ask" may be overruled (to buttons); a
#: message that plainly reads as a question stays one.
PLAIN = 3.5


@dataclass(frozen=True)
class IntentMatch:
    """The intent a sentence asks for, how sure the matcher is (0..1), and its details."""

    intent: str
    confidence: float
    slots: dict[str, str] = field(default_factory=dict)

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT

    @property
    def unsure(self) -> bool:
        """A command, but not sure enough to run it: ask with buttons."""
        return self.intent != "ask" and MEDIUM <= self.confidence < CONFIDENT


#: Emoji shortcodes (":tada:", typed so in Slack, Teams and the shell) and @mentions
#: carry no intent.
_NOISE = re.compile(r":[a-z0-9_+'-]+:|<@[^>]*>|(?<![a-z0-9.])@[\w.-]+")
#: Where a clause ends: "registering a deal: does it …?", "my deal expires, what …?".
_CLAUSE_END = re.compile(r"[:;,?!()]+|\.(?=\s|$)|\s[-–—]+\s|\sbut\s", re.I)
_ASKED = re.compile(r"\?[^\w]*$")
_ASKED_FIRST = re.compile(r"\?\W*\w")
#: A registration's ref as people write it: "DR-000012", "dr 12", "#12", "registration
#: 203", "reg #45", "deal #92"; not an amount ("deal 50 000", "reg 40 k").
_REF = re.compile(
    r"(?<![a-z0-9])(?:#?dr[\s_#.–—-]*|(?:(?:deal\s+)?(?:registration|reg)|deal)(?:\s+(?:no\.?|number))?"
    r"\s*#?\s*(?=\d)|#\s?(?=\d))0*(\d{1,7})\b(?![.,]\d|\s?(?:k|m|000|usd|eur|gbp|%)\b)",
    re.I,
)
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")
#: A web domain ("acme.co.uk"), started where a name does (not after a letter, a digit,
#: a dot or a hyphen: from inside a long dotted run the search was quadratic, 2 s on
#: 16,000 characters).
DOMAIN = re.compile(
    r"(?<![a-z0-9.-])(?:[a-z0-9-]+\.)+"
    r"(?:com|io|net|org|co|de|fr|uk|ai|app|dev|eu|biz|ca|au|nz|us|nl|es|it|ch|se|in|jp|tech"
    r"|cloud)\b"
)


def normalise_ref(raw: str) -> str | None:
    """ "dr-42", "DR 7", "#DR-000310" -> "DR-000042", "DR-000007", "DR-000310"."""
    found = _REF.search(raw)
    return f"DR-{int(found.group(1)):06d}" if found else None


def normalise(text: str) -> str:
    """Lower case, refs replaced by the token `dealref` and domains by `webdomain`,
    typos and shorthand fixed, indirect requests put plainly."""
    lowered = _NOISE.sub(" ", text.lower().replace("’", "'"))
    lowered = _REF.sub(" dealref ", lowered)
    lowered = DOMAIN.sub(" webdomain ", lowered)
    words = [v.correct(word) for word in _WORD.findall(lowered)]
    norm = " " + " ".join(w for w in words if w) + " "
    for framing, plain in v.FRAMINGS:
        norm = framing.sub(plain, norm)
    return norm


def _score(patterns: tuple[tuple[re.Pattern[str], float], ...], text: str) -> float:
    return sum(weight for pattern, weight in patterns if pattern.search(text))


def _leading_question(text: str, mine: float) -> float:
    """How much `text` (a sentence or one of its clauses) opens as a question."""
    score = 0.0
    for pattern, weight, halved in (
        (v.QUESTION_START, 0.75, False),
        (v.EXPLAIN_START, 1.5, True),
        (v.AUX_START, 0.75, True),
        (v.THING_QUESTION, 2.0, False),
        (v.WHO_START, 2.5, False),
        (v.HOW_WORKS, 2.0, False),
        (v.DO_I_START, 2.0, False),
    ):
        if pattern.match(text):
            score += weight * (mine if halved else 1.0)
    if v.WH_START.match(text) and not v.PERSONAL.search(text) and not v.REQUEST.search(text):
        score += 1.0
    return score


def kb_score(text: str, clauses: tuple[str, ...] = (), *, asked: bool = False) -> float:
    """How much the normalised text reads as a question about how things work; a
    question may open any of its `clauses` ("registering a deal: does it …?"), or
    come in statement order when the message ends with "?" (`asked`)."""
    mine = 0.5 if v.MINE.search(text) else 1.0  # "is there anything for me?" asks for it
    score = _score(v.KB_SIGNALS, text)
    score += max(_leading_question(clause, mine) for clause in (text, *clauses))
    for pattern, weight in (
        (v.WHAT_NEEDED, 4.5),
        (v.INFO_REQUEST, 3.0),
        (v.PASSIVE_MODAL, 2.0),
        (v.HOW_MUCH, 2.5),
        (v.HYPOTHETICAL, 2.0),
    ):
        if pattern.search(text):
            score += weight
    if asked and not v.QUESTION_START.match(text) and v.INNER_QUESTION.search(text):
        score += 1.5
    return score


def _slots(intent: str, raw: str, text: str) -> dict[str, str]:
    slots: dict[str, str] = {}
    ref = normalise_ref(raw)
    if ref and intent in p.REF_INTENTS:
        slots["ref"] = ref
    if intent == "list_deals":
        status = p.status_in(text)
        if status:
            slots["status"] = status
    if intent == "update_deal":
        stage = p.stage_in(text)
        if stage:
            slots["stage"] = stage
    if intent == "mark_lost":
        reason = p.LOST_REASON.search(_REF.sub(" ", raw))
        if reason:
            slots["reason"] = reason.group(1).strip(" .")
    return slots


_THEN = re.compile(r" (?:and then|and also|and|then|also|after that|plus|afterwards) ")


def _command_scores(norm: str, *, asked_first: bool = False) -> dict[str, float]:
    """Each command intent's score; the first request wins when a sentence makes two
    ("extend DR-21 and show my deals"), and a question asked first (`asked_first`: a "?"
    before the message ends) makes it a question ("is there an API? also, what …")."""
    head = _THEN.split(norm, maxsplit=1)[0] + " "
    for text in (head, norm) if head.strip() != norm.strip() else (norm,):
        scores = {intent: _score(patterns, text) for intent, patterns in p.INTENTS.items()}
        if max(scores.values()) >= 1.5:
            break
        if text is head and asked_first and kb_score(head) >= 2.5:
            return dict.fromkeys(scores, 0.0)
    has_ref = " dealref " in text
    for intent in p.REF_INTENTS:  # acting on one registration needs to know which
        if scores[intent] > 0:
            scores[intent] += 1.0 if has_ref else -1.0
    return scores


def _clauses(text: str) -> tuple[str, ...]:
    parts = [part for part in _CLAUSE_END.split(text) if part.strip()]
    return tuple(normalise(part) for part in parts) if len(parts) > 1 else ()


#: "I don't want to register anything, just show my deals": what follows "just" is
#: what is asked (a request or a question); a ref named before it still counts.
_NOT_BUT = re.compile(
    r"\b(?:(?:don'?t|do not|not|never) (?:want|need|wish|plan|going)|no need|don'?t|do not)\b"
    r".*?\b(?:just|only|instead|rather)\b[\s:,-]*(?P<rest>\S.*)$",
    re.I | re.S,
)


def _asked_part(text: str) -> str | None:
    """What follows "just" in "I don't want to register, just …", if anything."""
    rest = _NOT_BUT.search(text.replace("’", "'"))
    return rest["rest"] if rest and normalise(rest["rest"]).strip() else None


def _by_patterns(text: str) -> IntentMatch:
    """The intent of one message by the patterns and the question signals alone."""
    rest = _asked_part(text)
    if rest is not None:
        match = _by_patterns(rest)
        ref = normalise_ref(text)
        if match.intent in p.REF_INTENTS and ref and "ref" not in match.slots:
            return IntentMatch(match.intent, match.confidence, match.slots | {"ref": ref})
        return match
    norm = normalise(text)
    if not norm.strip():
        return IntentMatch("help", 0.5)
    # an auxiliary that opens a question is no imperative: "do survey results …?"
    opener = v.THING_QUESTION.match(norm)
    scores = _command_scores(
        " whether" + norm[opener.end("aux") :] if opener else norm,
        asked_first=bool(_ASKED_FIRST.search(text)),
    )
    if p.PENDING_FOR_ME.search(norm):
        scores["list_deals"] = min(scores["list_deals"], 1.0)
    best = max(scores, key=lambda name: scores[name])
    command = scores[best]
    if command <= 0:
        return IntentMatch("ask", 1.0)
    signals = _score(v.KB_SIGNALS, norm)
    # "what do I need to register …" asks what it takes: no request inside a wh-question
    # nor in an imperative that asks for information ("show me how to register")
    # nor a "can I …" inside "how many times can I …", nor "I need to" in "do I need to"
    asking = v.WH_START.match(norm) or v.DO_I_START.match(norm)  # "do I need to …?"
    requested = v.REQUEST.search(norm) and not asking and not v.INFO_REQUEST.search(norm)
    if requested or (v.MODAL_REQUEST.search(norm) and not signals and not asking):
        command += 1.0
    kb = kb_score(norm, _clauses(text), asked=bool(_ASKED.search(text)))
    margin = command - kb
    if margin <= 0 or command < 1.5:
        return IntentMatch("ask", min(1.0, 0.6 + 0.1 * kb))
    confidence = min(1.0, 0.35 + 0.2 * margin)
    if confidence < MEDIUM:
        return IntentMatch("ask", 0.5)
    return IntentMatch(best, round(confidence, 2), _slots(best, text, norm))


def match_intent(text: str) -> IntentMatch:
    """The intent of one message (see the module docstring for the rules)."""
    found = _by_patterns(text)
    norm = normalise(text)
    if not norm.strip():
        return found
    probs = learned.probabilities(norm)
    top = max(probs, key=lambda name: probs[name])
    if found.intent == "ask":
        asked = _asked_part(text) or text
        plain = kb_score(normalise(asked), _clauses(asked), asked=bool(_ASKED.search(asked)))
        if top != "ask" and probs[top] >= RESCUE and plain < PLAIN:
            slots = _slots(top, text, norm)
            return IntentMatch(top, UNSURE, slots)
        return found
    if found.confident:
        return IntentMatch(found.intent, UNSURE, found.slots) if probs["ask"] >= DOUBT else found
    return IntentMatch("ask", 0.6) if probs["ask"] >= SETTLED else found


__all__ = ["CONFIDENT", "MEDIUM", "IntentMatch", "match_intent", "normalise", "normalise_ref"]
