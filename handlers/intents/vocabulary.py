# ruff: noqa: E501  (one pattern per line reads better than a wrapped one)
"""The words the intent matcher knows: typo fixes, per-intent patterns, question signals.

Patterns run on normalised text (lower case, one space between words, a space at each
end, a deal ref replaced by `dealref`, a web domain by `webdomain`), so ` deals? `
matches a whole word.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA

#: Chat shorthand and frequent misspellings of short words (too short to correct by
#: edit distance without turning other words into them).
SHORTHAND = {
    "pls": "please", "plz": "please", "pleas": "please", "u": "you", "ur": "your",
    "r": "are", "wanna": "want to", "gimme": "give me", "lemme": "let me", "dela": "deal",
    "dael": "deal", "deaks": "deals", "deas": "deals", "dels": "deals", "dea": "deal",
    "deall": "deal", "deasl": "deals", "reg": "register", "regs": "registrations",
    "opp": "opportunity", "opps": "opportunities", "oppty": "opportunity", "thx": "thanks",
    "we'd": "we would", "you'd": "you would", "we're": "we are", "we've": "we have",
    "i've": "i have", "that's": "that is", "it's": "it is", "there's": "there is", "im": "i am", "i'm": "i am", "id": "i would", "i'd": "i would", "whats": "what is",
    "what's": "what is", "hows": "how is", "how's": "how is", "cant": "can not",
    "can't": "can not", "dont": "do not", "don't": "do not", "wont": "will not",
    "haven't": "have not", "havent": "have not", "hasn't": "has not", "didn't": "did not",
    "isn't": "is not", "aren't": "are not", "let's": "let us", "lets": "let us",
    "checkin": "check-in", "checkins": "check-ins", "chekin": "check-in",
    "scorecards": "scorecard", "nps": "survey", "pipline": "pipeline", "aprove": "approve",
    "aproval": "approval", "aprovals": "approvals", "extnd": "extend", "regstr": "register",
    "registrate": "register", "registar": "register", "regist": "register",
    "statu": "status", "wonn": "won", "lostt": "lost", "wat": "what", "hw": "how", "y": "why", "abt": "about",
}  # fmt: skip
#: Long keywords a misspelt word (5+ letters, edit distance 1-2) is corrected to.
KEYWORDS = (
    "register", "registration", "registrations", "registered", "approval", "approvals",
    "approve", "pending", "extend", "extension", "survey", "scorecard", "digest",
    "protection", "protected", "opportunity", "negotiation", "qualified", "proposal",
    "prospecting", "approved", "rejected", "expired", "waiting", "awaiting", "summary",
    "update", "please", "submit", "deals", "show", "stage", "check-in", "check-ins",
)  # fmt: skip
_KNOWN = frozenset(KEYWORDS) | frozenset(
    """about again against always another answer anything around asked because before
    being between business closed company could customer customers delete details does
    doing during example expect explain extra first happen happens having information
    itself later likely limit long means might money month needs never number other
    others partner partners person policy price pricing process product products
    questions quarter really reason register right rules should since someone something
    still support sure system their there these thing things think those through today
    under until using value week weeks where which while whole would write wrong years
    share shows stay steps state start stand store story""".split()  # noqa: SIM905
)


_ENDINGS = frozenset({"s", "es", "d", "ed", "ing", "ion", "ions", "al", "ly"})


def correct(word: str) -> str:
    """One word, with shorthand expanded and a near-miss of a keyword corrected."""
    if word in SHORTHAND:
        return SHORTHAND[word]
    if len(word) < 5 or word in _KNOWN or not word.isalpha():
        return word
    if any(word.startswith(k) or (k.startswith(word) and k[len(word) :] in _ENDINGS)
           for k in KEYWORDS):  # fmt: skip
        return word  # an inflection ("protect" of "protected"), not a typo
    for keyword in KEYWORDS:
        limit = 1 if len(word) < 7 else 2
        if (
            abs(len(keyword) - len(word)) <= limit
            and OSA.distance(word, keyword, score_cutoff=limit) <= limit
        ):
            return keyword
    return word


#: Indirect requests, rewritten to the plain request they are ("I was wondering whether
#: you could pull up …" is "can you pull up …"). "Is it possible to …" stays a question:
#: it usually asks about the rules.
FRAMINGS = (
    (re.compile(r" i (was|am|were) (just )?wondering (if|whether) (you|u) (could|can|would|might) "), " can you "),
    (re.compile(r" i (was|am|were) (just )?wondering (if|whether) (i|we) (could|can|might) "), " can we "),
    (re.compile(r" (would|do) you mind |^ mind "), " please "),
    (re.compile(r" would it be possible (for you )?to "), " please "),
    (re.compile(r" is there any way (you|u) (could|can) | any chance (you|u) (could|can) "), " please "),
    (re.compile(r"^ (first|firstly|first of all|ok|okay|so|and|also) "), " "),
    (re.compile(r" (i would|i'd) (love|appreciate) it if you (could|would) "), " please "),
)  # fmt: skip


def _p(*pairs: tuple[str, float]) -> tuple[tuple[re.Pattern[str], float], ...]:
    return tuple((re.compile(pattern), weight) for pattern, weight in pairs)


_DEAL = r"(deals?|registrations?|opportunit(y|ies)|pipeline|regs?)"
_SHOW = r"(show|show to|showing|list|listing|see|view|display|get|give|pull|pulling|bring|fetch|check|find|look at|status of)"
_ACT = r"(show|open|take|fill|fill in|fill out|start|send|give|do|see|get|view|complete|run|list|display|pull up|check|answer|submit)"
#: An amount as people write it: "25k", "1.2m", "50 000", "80000 eur".
_AMOUNT = r" (\d+ ?(k|m)|\d+ 000|\d{4,}|\d+ (usd|eur|gbp|dollars|euros)) "
_STATUS = r"(approved|pending|rejected|won|lost|expired|open|active|declined|closed)"

INTENTS = {
    "register_deal": _p(
        (r" (register|registering|submit|log|add|create|enter|file|put|put in|record|protect|declare|open|start|raise)"
         r"( a| an| my| our| the| this| one| new| another)* (new )?(deal|opportunity|registration|reg) ", 3.0),
        (r" new (deal|opportunity)( registration| reg)?( for| with)? ", 1.5),
        (r"^ (hi |hey |hello )?(a |another )?new (deal|opportunity) ", 1.0),
        (r" (new|a) (deal )?registration ", 2.0),
        (r"^ (new |a )?registration (for|of) ", 2.5),
        (r"^ (please |can you |could you )?(register|registering) ", 2.5),
        (r" (want|need|like|going|have)( to)? (register|registering|reg|protect) ", 2.5),
        (r" (deal|opportunity) registration ", 1.5),
        (r" (register|protect|registering) (?!(a|an|the|my|our|one|this|new|deals?) )[a-z0-9-]+ ", 0.5),
        (r" webdomain ", 0.5),
        (r" deal reg(istration)? (for|form) ", 1.5),
        (r" (get|have|put|keep)( [a-z0-9'-]+){1,3} (registered|logged|on file|recorded|protected) ", 3.0),
        (r" (make|do)( a| the| new| one)*( deal)? (registration|register)( of)? ", 3.0),
        (r" (deal|opportunity) on file ", 2.5),
        # the details of a registration: a domain and an amount ("wingtip.io, 25k")
        (rf" webdomain.*{_AMOUNT}|{_AMOUNT}.*webdomain ", 2.0),
        (r" registration form ", 2.0),
        (r" (deal|opportunity|customer|account) (i|we)? ?(want|would like|need|have)? ?to register ", 2.5),
    ),
    "list_deals": _p(
        (rf" {_SHOW}( me| us)?( all| the| a list of)?( of)? (my|our|all|the|current|existing|[a-z0-9-]+'s)?"
         rf" ?({_STATUS} )?{_DEAL} ", 3.0),
        (rf" (my|our) ({_STATUS} |registered |submitted |current |existing )?{_DEAL} ", 1.5),
        (rf" {_DEAL} ((do|did|have) )?(we|i) (have(?! not)|got|registered|submitted|made) ", 3.0),
        (rf" (what is|what are) in (my|our) {_DEAL} ", 3.0),
        (rf" (have|got|are there|do we have|do i have) (we |i )?any ({_STATUS} )?{_DEAL} ", 3.0),
        (rf" (what|where|which)( of)? (are |is )?(all )?(my|our) ({_STATUS} )?{_DEAL} ", 1.5),
        (rf" {_STATUS} {_DEAL} ", 1.0),
        (rf" {_DEAL} (that are|which are|are|in|with status)? ?{_STATUS} ", 1.0),
        (rf" how many {_DEAL} ", 1.5),
        (r" (list|show) (them|all) ", 1.0),
        (rf"^ (all |my |our |the )?({_STATUS} )?{_DEAL}( please| pls| status| list| overview)? $", 3.0),
        (r"^ deals ", 1.0),
        (rf"^ (show|list|display|view)( me)?( all| the| my| our)? {_STATUS}( ones)?( please| pls)? $", 3.0),
        (rf" {_SHOW}( me| us)? (what|everything|all) (we|i) (have )?(registered|submitted|got|{_STATUS}) ", 3.0),
        (rf" which ({_STATUS} )?{_DEAL} ", 2.0),
        (rf" {_DEAL} (that |which )?(we|i) (have |had )?({_STATUS}|registered|submitted|made) ", 2.5),
        (rf" (what|which|everything|all)( {_DEAL})? (have|has|did) (we|i|[a-z0-9'-]+) (registered|submitted|register|submit) ", 4.0),
        (rf" (tell|remind|update|brief) (me|us) (about|on) (my|our|the|[a-z0-9-]+'s) ({_STATUS} )?{_DEAL} ", 3.0),
        (rf"^ (all |the |my |our )?{_STATUS} ones( please)? $| (any|all|the) {_STATUS} ones ", 3.0),
        (rf" (anything|something|any {_DEAL}) ({_STATUS}|that (is|are|got) {_STATUS}) ", 3.0),
    ),
    "pending_approvals": _p(
        (r" (wait|waits|waiting|awaiting|pending|needs?|need|require|requires|queued)( for)? (on )?(my|me|manager) ?(approval|review|decision|sign off|ok)? ", 3.0),
        (r" waiting (for|on) me ", 1.0),
        (r" (pending|open|outstanding) (approvals?|reviews?|requests?) ", 3.0),
        (r" (to|i can|should i|i should|i need to|i have to|do i need to) (approve|review|decide) ", 3.0),
        (r" (approval|review) (queue|inbox|list|requests) ", 3.0),
        (r" (awaiting|waiting for|needs|need) (approval|approving|review|reviewing|a decision) ", 2.0),
        (r" (approvals|reviews) (pending|waiting|outstanding) ", 3.0),
        (rf" {_DEAL} (waiting|awaiting|pending) (for )?(approval|review|a decision) ", 3.0),
        (r" (my|the) (approvals|queue|review queue) ", 2.0),
        (r" (my|the) (inbox|to-do list|todo list|to do list) | (requests|approvals|reviews|decisions) for me ", 3.0),
        (r"^ (my |show |list )?(pending )?approvals( please)? $", 3.0),
        (r" sign(ing)? off( on)? | (need|needs|needing) (approving|signing off|my signature|my ok) ", 3.0),
        (r" (i|we) (still )?(should|need to|have to|must|ought to) (look at|review|approve|check|sign|ok|okay) ", 3.0),
        (r" (i|we) (have not|did not|not yet) (reviewed|approved|looked at|seen|decided|signed off) ", 3.0),
    ),
    "extend_deal": _p(
        (r" (extend|extension|prolong|renew|more time|lengthen|push out|push back)", 2.5),
        (r" (make|keep) it (longer|protected) | (protection|it) (is )?(ending|expiring|running out|about to expire) ", 2.5),
        (r" (another|one more|(few |couple of |some |two |three |\d+ )?(more|extra|additional)) (days?|weeks?|months?) ", 2.5),
    ),
    "update_deal": _p(
        (r" (update|change|move|set|advance|bump|put|progress)( the)?( stage| status)?( of)? ", 1.5),
        (r" (stage|to|at|in|into|dealref) (prospecting|qualified|proposal|negotiation|negotiating) ", 1.5),
        (r" (prospecting|qualified|proposal|negotiation) stage ", 1.0),
        (r" (got|is|now|became|just) (prospecting|qualified|proposal|negotiation|negotiating) ", 1.0),
    ),
    "mark_won": _p(
        (r" (won|win|winning|closed won|close won|signed|closed it|we got it|booked) ", 2.5),
        (r" mark(ed)?( it| dealref| the deal)?( as)? won ", 1.0),
    ),
    "mark_lost": _p(
        (r" (lost|lose|closed lost|close lost|fell through|fell apart|dead|cancel+ed) ", 2.5),
        (r" not (to )?(proceed|proceeding|buying|buy|going ahead|moving forward|interested) | (is|it is) off | (walked away|pulled out|backed out) ", 2.5),
        (r" (chose|choose|chosen|picked|went with|went to|gone with|gone to|lost to|selected|signed with|going with)( a| an| another| other| the)? (competitor|other vendor|vendor|someone else|other party) ", 2.5),
        (r" mark(ed)?( it| dealref| the deal)?( as)? lost ", 1.0),
    ),
    "checkins": _p(
        (r" check-ins? ", 2.0),
        (r" check ins? ", 2.0),
        (r" (my|our|next|upcoming) (next |upcoming )?(check-ins?|check ins?) ", 1.5),
        (rf" {_ACT}( me| us)?( the| my| our| a| this week's| next| upcoming| due)* (check-ins?|check ins?) ", 1.5),
    ),
    "survey": _p(
        (r" (survey|surveys|questionnaire|feedback form) ", 2.0),
        (rf" {_ACT}( me| us)?( the| my| our| a| partner| this)* (survey|surveys|questionnaire|feedback form) ", 1.5),
        (r" (answer|fill|fill out|fill in|complete|take|do|find)( the| a| our| my| this)*( feedback| partner)? (survey|questionnaire) ", 2.0),
        (r" (survey|questionnaire) (i|we) (should|need to|have to|must|can) (answer|fill|take|complete|do) ", 3.0),
    ),
    "digest": _p(
        (r" (digest|recap|weekly summary|daily summary|summary of (the|this|last) week|weekly report) ", 2.0),
        (rf" {_ACT}( me| us)?( the| my| our| a| weekly| daily| this week's)* (digest|recap|summary|report) ", 1.5),
        (r" what (happened|has happened|changed|has changed|is new|went on) (this|last|today|yesterday|over|in the|across|with my) ", 4.0),
        (r" (should|need to) know (from |about |for )?(this|last|today|the past|the last) (week|day|month) ", 4.0),
        (r" catch (me|us) up | what did (i|we) miss | (bring|get) (me|us) up to (date|speed) ", 4.0),
    ),
    "scorecard": _p(
        (r" (scorecard|score card|partner score|our score|my score|performance report) ", 2.0),
        (rf" {_ACT}( me| us)?( the| my| our| a| partner)* (scorecard|score card|score) ", 1.5),
        # how a partner is doing: "how's Acme doing this quarter", "how are we tracking"
        (r" how( is| are| am| has| have)?( [a-z0-9'-]+){1,3} (doing|performing|tracking|trending) ", 4.0),
        (r" how (did|have|has) (we|they|[a-z0-9'-]+) (do|done|perform|performed) ", 4.0),
        (r" (against|vs|versus|towards?|to) (the |our |their |its |my )?(target|quota|goal) ", 3.0),
        (rf" {_ACT}( me| us)?( [a-z0-9'-]+)? (numbers|performance|kpis?|metrics|stats|attainment) ", 3.0),
        (r" where (do|does|did) ([a-z0-9'-]+ ){1,2}stand | on track ", 3.0),
        (r" (our|my|their|[a-z0-9-]+'s) (numbers|performance|kpis?|metrics|stats|attainment) ", 3.0),
        (r" (attainment|kpis?) | (performance|numbers|results) (of|for) ", 2.0),
    ),
    "help": _p(
        (r"^ (help|menu|commands|options|start|hi|hello|hey)( please| me| there| bot| partnerbot)? $", 3.0),
        (r" what (can|should|do) i (type|say|write|ask)( here| you)? $", 7.0),
        (r" (functions|features|capabilities|commands) (of|in) (the|this) bot | (your|its) (functions|features|capabilities) ", 7.0),
        (r" what( else)? (can|could|do)? ?you (can |could )?(do|help|offer)", 4.0),
        (r" (do|possible) (with|using) (you|this bot|the bot|partnerbot) ", 7.0),
        (r" (help me|need help|show help|help please|get help) ", 2.0),
        (r" (list of|your|the|available|which) commands ", 2.5),
        (r" what can i do( here| with you)? ", 4.0),
        (r" how (do|can|should) (i|we) (use|talk to|work with) (you|this bot|the bot|partnerbot) ", 7.0),
        (r" (who|what) are you ", 4.0),
        (r" how (does|do) (this bot|the bot|partnerbot|you) work ", 7.0),
        (r" how (can|could|do|will) you help ", 7.0),
        (r" what (can|should|do) (i|we) (ask|say to|tell|type to) you ", 7.0),
        (r" (how|what) (i|we) (can|could|should) (use|do with|ask|say to) you ", 7.0),
        (r" what (kinds?|sorts?|types?) of (things|questions|stuff|requests) ", 7.0),
        (r" where (do|should|can) (i|we) (start|begin) ", 5.0),
        (r" (i am|we are) new | first time (here|using|with) ", 4.0),
        (r" (my|the|your) options | (do not|don't) know (what|how) to (do|start|use) ", 4.0),
        (r"^ (hi |hello |hey )?how (does|do) (this|it) work $", 7.0),
        (r" help( please| me)? $", 2.0),
    ),
}  # fmt: skip

#: Intents that act on one named registration.
REF_INTENTS = ("extend_deal", "update_deal", "mark_won", "mark_lost")
#: "waiting for my approval": a manager's queue, not a list of pending deals.
PENDING_FOR_ME = re.compile(
    r" (for|on) my (approval|review|decision|ok|sign off)| to (approve|review|sign off) "
    r"| (wait|waits|waiting|awaiting|pending|needs?|needing) (for |on )?(my|me) "
    r"| i (have not|did not|not yet) (reviewed|approved|decided|signed off) "
)
#: A sentence framed as a request for an action.
REQUEST = re.compile(
    r" (i|we) (want|would like|need|wanna|wish|am trying|are trying|have) to "
    r"| (please|kindly|pls) | let's | let us | help me "
    r"|^ (show|list|register|extend|mark|update|move|change|give|open|start|submit|log) "
)
#: A request put as a question ("can we extend DR-12?"): a request only when nothing
#: else in the sentence asks about rules ("can I register a deal for a customer who ...").
MODAL_REQUEST = re.compile(
    r" (can|could|would|will) you "
    r"| (can|could|may|shall) (i|we) (now |please )?(register|extend|get|see|have|mark|update|move|submit|log) "
)
QUESTION_START = re.compile(
    r"^ (hi |hello |hey |sorry |quick question |question )?(for what|how|why|what|when|where|which|who|is|are|does|do|did|can|could|should|would|will|am|if)"
)
#: A yes/no question whose subject is not the asker ("does registering a deal …?").
AUX_START = re.compile(r"^ (hi |hello |hey )?(does|did|is|are|was|were|will|should|must|has) ")
#: A question about who may do something: a question, never a request.
WHO_START = re.compile(
    r"^ (hi |hello |hey )?who (can|does|will|should|is|are|decides|approves|sees|gets|owns|needs) "
)
#: The asker's own things ("my deals", "for me", a registration's id), or the bot's ("you").
PERSONAL = re.compile(r" (my|our|me|us|you|dealref) ")
#: The asker's own things in the first person singular ("is there anything for me …"),
#: or a registration they name.
MINE = re.compile(r" (my|me|mine|dealref) ")
#: "do I register before or after …", "should we …": a question about what to do; but
#: "do I have anything to approve?" asks for the asker's own data.
DO_I_START = re.compile(r"^ (hi |hello |hey )?(do|should|must|shall|would) (i|we) (?!have (?!to ))")
#: "what information do I need to register …": asks what something takes.
WHAT_NEEDED = re.compile(
    r" what( [a-z]+){0,2} (do|does|should|must|would|will) (i|we|you|a partner|partners) (need|provide|include|give|bring|add)(?! to (approve|review|sign|look)) "
)
#: "how does registering protect us?": asks how something works.
HOW_WORKS = re.compile(
    r"^ (hi |hello |hey )?how (does|do) (?!(i|we|you|this bot|the bot|partnerbot) |(this|it) work $)"
)
#: "show me how to register", "give me the rules for extensions": an imperative whose
#: object is information about the program, not the caller's data ("show me what is
#: waiting", "show me how many deals" are data): a question.
INFO_REQUEST = re.compile(
    r" (show|tell|give|send|list|explain|describe|teach)( to)?( me| us)? (how(?! (good|well|much|many|far))|why|whether"
    r"|the (rules|requirements|policy|policies|documentation|docs|guide|guidelines|terms|criteria|steps|process|benefits|difference)"
    r"|an? (example|explanation|definition) of) "
)
WH_START = re.compile(r"^ (hi |hello |hey )?(what|which|who|why|how|when|where) ")
EXPLAIN_START = re.compile(
    r"^ (hi |hello |hey |quick question )?(for what|how (does|do|is|are|long|many|much|often|soon|far|come)|why"
    r"|what (is|are) (a|an|the|in the|in a|on the|included)|what (happens|does|do)|is there|are there|what if|explain"
    r"|tell me about|difference|(can|could|does|do|is|are|will|would|should|must) (a|an|the|partners?"
    r"|deals?|registrations?|customers?|it|this|that|they|extensions?) )"
)
KB_SIGNALS = _p(
    (r" (work|works|working|mean|means|meaning|happen|happens|happened|long|policy|policies"
     r"|rules?|eligible|eligibility|allowed|qualify|qualifies|criteria|requirements?|required"
     r"|difference|differ|defined?|definition|explain|documentation|docs|process|count|counts"
     r"|limit|limits|cost|price|pricing|supported|support|integrate|compatible|sso|api"
     r"|guidelines?|handbook|terms|calculated|determined|decided|why|overlap|conflict|conflicts"
     r"|margin|discount|commission|rebate|tiers?|benefits?|renewal|renewals|counted|needed"
     r"|necessary|mandatory|guarantee|guaranteed|fee|fees|unsubscribe|opt out|opt-out|turn off"
     r"|disable|configure|configurable|frequency|mute) ", 1.5),
    (r" (if|whether|when|after|before|otherwise|instead|already|still|anymore|any more) ", 1.0),
    (r" (do not|not|never) (want|need|wish|plan|going) to ", 3.0),
    (r" (policy|policies|rules|requirements|guidelines|criteria|terms|process) $", 2.0),  # "I don't want to register, just …"
    (r" (explain|describe|tell me about|tell me how|clarify|understand|walk me through) ", 1.5),
    (r" (who|how|what) (decides|approves|reviews|gets|owns|sees|can see) ", 1.5),
    (r" (how|what) (do|does|should|can) (i|we|you|a partner|partners) ", 0.5),
    (r" how (to|do i|do we|can i|can we|should i) ", 1.25),
    (r" (days|months|weeks) (do|does|is|are|until|before) ", 1.0),
    (r" do (i|we) (need|have|must) (a|an|the|to have|to give|to provide|to add|to include) ", 1.5),
    (r" (need|needed|required|necessary|must) [a-z]+( [a-z]+)* to (register|extend|submit) ", 1.5),
    (r" (sent|scheduled|calculated|measured|based|generated|computed|chosen|selected|stored"
     r"|shared|handled|resolved|changed|reset|anonymous|visible|private|later|once|twice) ", 1.0),
    (r" more than (once|one|twice) | (a|an) [a-z]+ (who|which|that) ", 1.0),
    (r" (is|are|would) (that|this|it|they) (allowed|ok|okay|possible|permitted|fine|required|needed)( for [a-z]+)? $", 2.0),
)  # fmt: skip

_STATUS_WORDS = {
    "approved": "approved", "pending": "pending", "rejected": "rejected", "declined": "rejected",
    "won": "won", "lost": "lost", "expired": "expired", "open": "open", "active": "open",
}  # fmt: skip
_STAGE_WORDS = {
    "prospecting": "prospecting", "qualified": "qualified", "proposal": "proposal",
    "negotiation": "negotiation", "negotiating": "negotiation",
}  # fmt: skip
LOST_REASON = re.compile(
    r"(?:\bbecause\b|\breason\b:?|\bdue to\b|\bsince\b|\s[-–]\s|:)\s*(.{3,200})$", re.I
)


def status_in(text: str) -> str | None:
    for word, status in _STATUS_WORDS.items():
        if f" {word} " in text:
            return status
    return None


def stage_in(text: str) -> str | None:
    for word, stage in _STAGE_WORDS.items():
        if f" {word} " in text:
            return stage
    return None
