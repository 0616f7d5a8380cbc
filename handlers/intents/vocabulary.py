# ruff: noqa: E501  (one pattern per line reads better than a wrapped one)
"""The words the intent matcher knows: typo fixes, indirect framings, question signals
(the per-intent patterns are in `patterns.py`).

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
    "registrate": "register", "loose": "lose", "loosed": "lost", "registar": "register", "regist": "register",
    "statu": "status", "wonn": "won", "lostt": "lost", "lsot": "lost", "wno": "won",
    "closed-won": "closed won", "closed-lost": "closed lost", "close-won": "closed won",
    "close-lost": "closed lost", "chek-in": "check-in", "chek-ins": "check-ins",
    "check-inn": "check-in", "hlep": "help", "hepl": "help", "halp": "help",
    "you're": "you are", "youre": "you are", "they're": "they are", "theyre": "they are", "wat": "what", "hw": "how", "y": "why", "abt": "about",
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
    # a greeting or filler before the message itself: "hi! quick question - do …", "hmm how …"
    (re.compile(r"^( (hi|hey|hello|yo|sorry|btw|question|quick question|quick one|quick q|q|bot|partnerbot|hm+|um+|uh+|er+m?|well|oh|ah|anyway|right|excuse me))+ (?!(there|bot|partnerbot|team|all|everyone) $)(?=[a-z0-9])"), " "),
    (re.compile(r"^ (first|firstly|first of all|ok|okay|so|and|also) (?!time )"), " "),
    (re.compile(r" (i would|i'd) (love|appreciate) it if you (could|would) "), " please "),
)  # fmt: skip


#: A pattern and the score it adds when it matches.
def weighted(*pairs: tuple[str, float]) -> tuple[tuple[re.Pattern[str], float], ...]:
    return tuple((re.compile(pattern), weight) for pattern, weight in pairs)


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
    r"^ (hi |hello |hey |sorry |quick question |question )?(for what|for how|(in|under|on|for|at|by) (which|what)|how|why|what|when|where|which|who|is|are|does|do|did|can|could|should|would|will|am|if) "
)
#: A yes/no question whose subject is not the asker ("does registering a deal …?").
AUX_START = re.compile(r"^ (hi |hello |hey )?(does|did|is|are|was|were|will|should|must|has) ")
#: A question about who may do something: a question, never a request.
WHO_START = re.compile(
    r"^ (hi |hello |hey )?(who|(which|what) (partners?|managers?|people|users|roles?|guests?|members?|customers?))"
    r" (can|does|do|will|should|is|are|decides|approves|sees|see|gets|get|receives?|owns|needs) "
)
#: The asker's own things ("my deals", "for me", a registration's id), or the bot's ("you").
PERSONAL = re.compile(r" (my|our|me|us|you|dealref) ")
#: The asker's own things in the first person singular ("is there anything for me …"),
#: or a registration they name.
MINE = re.compile(r" (my|me|mine|dealref) ")
#: "do I register before or after …", "should we …": a question about what to do; but
#: "do I have anything to approve?" asks for the asker's own data.
DO_I_START = re.compile(
    r"^ (hi |hello |hey )?((do|should|must|shall|would|will) (i|we) (?!have (?!to ))|do you (need|have to|must) )"
)
#: A yes/no question about a thing, not the asker ("do registered deals get …?", "can
#: check-ins be moved?", "when do surveys go out?", a later clause's "does it …?");
#: "do I …", "are my deals …",
#: "is there anything …", "can you …", a named registration and "is it possible to …"
#: (the matcher's rules for requests decide that one) are not that.
THING_QUESTION = re.compile(
    r"^ ((when|why|where) )?(?P<aux>do|does|did|is|are|was|were|will|would|can|could|should|must|may|might|has|have) "
    r"(?!(i|we|you|there|anything|any|my|our|me|us|someone|somebody|dealref|please|yours|it possible) )"
    r"(a|an|the|this|that|these|those|it|they|each|every|all|other|another|partners?|customers?"
    r"|managers?|guests?|admins?|[a-z-]+(s|ing|ed)|lost|won|open|new|old|deal|registration|survey|digest|scorecard|check-in|approval|extension|protection) "
)
#: "what if I forget …?", "what happens to my deals if …": a hypothetical.
HYPOTHETICAL = re.compile(r" what (if|happens|would happen|will happen) ")
#: A passive modal: "can a registration be extended twice?" asks what the rules allow.
PASSIVE_MODAL = re.compile(
    r" (can|could|may|might|should|must|will|would) ([a-z0-9'-]+ ){1,3}be [a-z]+(ed|en|wn) "
)
#: How often, how long, how many times: a question about the rules, even with a ref.
HOW_MUCH = re.compile(
    r" how (many|much) (times|time|days|weeks|months|extensions|discount|margin) | how (long|often|soon) "
    r"| how much (do|does|did|is|are|will|would|can|should) "
    r"| when (can|could|may|should|must|do|does|will) (i|we|a partner|partners|they|it|one) "
)
#: "what information do I need to register …": asks what something takes.
WHAT_NEEDED = re.compile(
    r" what( [a-z]+){0,2} (do|does|should|must|would|will) (i|we|you|a partner|partners) (need|provide|include|give|bring|add)(?! to (approve|review|sign|look)) "
    r"| (what|which)( [a-z]+){0,2} (details|information|info|fields|data|documents|proof|evidence) (a|an|the|each|every)( [a-z-]+){0,2} (needs?|requires?|takes?|asks? for|must have) "
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
    r"|an? (example|explanation|definition) of"
    r"|the( deal| registration| partner)? (stages|statuses|tiers|levels|types)) "
    r"| (tell|explain|describe)( to)?( me| us)? (what|which|when)(?! (you|this bot|the bot|partnerbot) ) "
    r"| help (me|us) (understand|figure out|learn|know) "
    r"| (clarify|confirm)( for me| to me| for us)? (whether|if|can|could|do|does|is|are|what|how|why|when|who|should|must|may) "
)
#: A question in statement order, as guests write it ("DIGEST IS SENT WHICH DAY?",
#: "the survey is anonymous or my name is visible?"): a question word or a choice
#: after the start, in a message that ends with "?".
INNER_QUESTION = re.compile(
    r"^ .+ (which|what|how many|how much|how long|when|or not|or) | (it|they) (can|could|does|do|will|would) "
)
WH_START = re.compile(
    r"^ (hi |hello |hey )?((in|under|on|for|at|by) )?(what|which|who|why|how|when|where) "
)
EXPLAIN_START = re.compile(
    r"^ (hi |hello |hey |quick question )?(for what|(for )?how (does|do|is|are|long|many|much|often|soon|far|come)|why"
    r"|what (is|are) (a|an|the|in the|in a|on the|included)|what (happens|does|do)|is there|are there|what if|explain"
    r"|tell me about|difference|(can|could|does|do|is|are|will|would|should|must) (a|an|the|partners?"
    r"|deals?|registrations?|customers?|it|this|that|they|extensions?)) "
)
KB_SIGNALS = weighted(
    (r" (work|works|working|mean|means|meaning|happen|happens|happened|long|policy|policies"
     r"|rules?|eligible|eligibility|allowed|qualify|qualifies|criteria|requirements?|required"
     r"|difference|differ|defined?|definition|explain|documentation|docs|process|count|counts"
     r"|limit|limits|cost|price|pricing|supported|support|integrate|compatible|sso|api"
     r"|guidelines?|handbook|terms|calculated|determined|decided|why|overlap|conflict|conflicts"
     r"|margin|discount|commission|rebate|tiers?|benefits?|renewal|renewals|counted|needed"
     r"|necessary|mandatory|guarantee|guaranteed|fee|fees|unsubscribe|opt out|opt-out|turn off"
     r"|disable|configure|configurable|frequency|mute|rebates|commissions|discounts|margins"
     r"|measure|measures|automatic|automatically|module|feature|affect|affects|hurt|hurts|impact|impacts|influence) ", 1.5),
    # where and how the product reaches people: "can I see my deals outside Slack?",
    # "will I be told when …?", "what makes up the scorecard?"
    (r" (portal|website|web app|outside slack|outside of slack|crm|salesforce|hubspot|export|download|csv|excel|spreadsheet"
     r"|mobile app|by email|by mail|via email|make up|makes up|made up of|consist of|consists of|go into|goes into|included in) ", 1.5),
    (r" (be|get|gets|getting|am|are) (told|notified|reminded|alerted|emailed|pinged) | notifications? | reminders? ", 1.5),
    (r"^ where (can|do|should|would|could) (i|we) (find|see|look|get|access|check|view) ", 1.5),
    (r" (another|other|a different|different) (country|countries|region|regions|territory|territories|currency|currencies|language"
     r"|day|days|time|times|format|channel|frequency|schedule) | (stop|pause|skip) (getting |receiving )?(the |my |our )?(digest|recap|summary|emails?) ", 1.5),
    # unsure how something works, why it does, whether a thing is covered: questions
    (r" (not sure|unsure|no idea|confused) (about )?(how|why|what|whether|if) (?!to )|^ (why|how come) ", 1.5),
    (r" (are|is) ([a-z0-9'-]+ ){1,3}(protected|covered|safe|locked|exclusive|visible|shared) ", 1.5),
    # the rules of a thing, not its data: "list of deal statuses", "scorecard methodology",
    # "highlights of the new partner agreement", "summary of the extension policy"
    (r" (deal|registration|approval|extension|scorecard|digest|survey|check-in)s? (statuses|stages|types|fields|tiers|levels"
     r"|rules|lifecycle|workflow|states|categories|calculation|calculations|methodology|formula|weighting|definitions"
     r"|schedule|timing|contents|content|sla|turnaround) ", 3.0),
    (r" (summary|recap|highlights|overview|rundown|news|updates?|changes|new|changed|miss) (of|in|on|to|about)( [a-z-]+){0,3}"
     r" (policy|policies|rules|agreement|docs|documentation|terms|contract|guide|handbook|release|release notes|changelog) ", 3.0),
    # security and compliance of the product: "are you ISO 27001 certified?"
    (r" (certified|certification|certifications|compliant|compliance|gdpr|hipaa|soc|iso|encrypted|encryption|security|privacy|hosted|hosting|uptime|sla|audited|pentest|penetration) ", 2.0),
    (r" (if|whether|when|after|before|otherwise|instead|already|still|anymore|any more|without|unless) ", 1.0),
    (r" (do not|not|never) (want|need|wish|plan|going) to ", 3.0),
    (r" what (should|do|can|must) (i|we) do (if|when|about|after|with) ", 3.0),
    (r" what (are|is) (my|our|the) (options|choices|alternatives|next steps) ", 2.0),
    # what others may see or do is a rule: "can I see deals registered by other partners?"
    (r" (by|of|from|for) (other|another) (partners?|resellers?|companies|teams) | each other's | (other|another) partner's ", 2.0),
    (r" (cases?|situations?|circumstances|conditions|scenarios?) | (dumb|stupid|silly|basic|newbie) (question|q) ", 1.5),
    (r" (info|information|details|questions?|docs|documentation|tips|advice|best practices?) (on|about|regarding|for) ", 2.0),
    # who may see or do something: "can partners see the digest?", "can a channel manager see …"
    (r" (can|could|do|does|will|may) (a |an |the |other |our |my )?([a-z-]+ )?(partners?|managers?|customers?|others|everyone|guests?|admins?|colleagues?|reps?) (see|view|access|read|get|change|edit) ", 2.5),
    (r" how (does|do|did) (?!(this bot|the bot|partnerbot|you|this|it) work )([a-z0-9'-]+ ){1,4}work ", 2.0),
    # how-to: "how do I list my deals?" asks how (the command itself is in help)
    (r"^ how (do|can|should|would) (i|we) (?!(use|talk to|work with) (you|this bot|the bot|partnerbot) )", 1.5),
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
    (r" more than (once|one|twice) | (a|an) ([a-z]+ ){1,2}(who|which|that) ", 1.0),
    # "I only want to know what the metric measures": information, not the data
    (r" (want|would like|like|need|wanted) to (know|understand|learn|find out) (what|which|how|why|whether|if) ", 2.0),
    (r" (is|are|would) (that|this|it|they) (allowed|ok|okay|possible|permitted|fine|required|needed)( for [a-z]+)? $", 2.0),
)  # fmt: skip
