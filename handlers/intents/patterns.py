# ruff: noqa: E501  (one pattern per line reads better than a wrapped one)
"""Per-intent patterns with their weights, and the details (status, stage, reason) a
matched sentence carries.

Patterns run on normalised text (see `vocabulary.py`): lower case, one space between
words, a space at each end, a deal ref replaced by `dealref`, a web domain by
`webdomain`, so ` deals? ` matches a whole word.
"""

from __future__ import annotations

import re

from handlers.intents.vocabulary import weighted

_DEAL = r"(deals?|registrations?|opportunit(y|ies)|pipeline|pipe|regs?)"
_SHOW = r"(show|show to|showing|list|listing|see|view|display|get|give|pull|pull up|pulling|bring|bring up|fetch|check|find|look at|look up|status of)"
_ACT = r"(show|open|take|fill|fill in|fill out|start|send|resend|give|do|see|get|view|complete|run|list|display|pull up|check|answer|submit)"
#: What one does to a schedule: "set up a check-in every other Wednesday".
_PLAN = r"(set up|schedule|book|create|add|change|move|cancel|reschedule|pause|stop|make)"
_WHO = r"( me| us| them| the partners| our partners| the team| everyone)?"
#: An amount as people write it: "25k", "1.2m", "50 000", "80000 eur".
_AMOUNT = r" (\d+ ?(k|m)|\d+ 000|\d{4,}|(usd|eur|gbp|cad|aud|chf|sek|nok|dkk|jpy|inr|sgd|nzd) \d+ ?(k|m)?|\d+ (usd|eur|gbp|cad|aud|chf|sek|nok|dkk|jpy|inr|sgd|nzd|dollars|euros)) "
_STATUS = (
    r"(approved|pending|rejected|won|lost|expired|open|active|declined|closed|info requested|information requested|needing info"
    r"|denied|refused|accepted|withdrawn|lapsed|under review|in review|in progress|live)"
)

INTENTS = {
    "register_deal": weighted(
        (r" (register|registering|submit|log|add|create|enter|file|put|put in|record|protect|declare|open|start|raise)"
         r"( a| an| my| our| the| this| one| new| another)* (new )?(deal|opportunity|registration|reg) ", 3.0),
        (r" new (deal|opportunity)( registration| reg)?( for| with)? ", 1.5),
        (r"^ (hi |hey |hello )?(a |another )?new (deal|opportunity) ", 1.0),
        (r" (new|a) (deal )?registration ", 2.0),
        (r"^ (new |a )?registration (for|of) ", 2.5),
        (r"^ (please |can you |could you )?(register|registering) ", 2.5),
        (r" (want|like|going|have)( to)? (register|registering|reg|protect) | need to (register|protect) | (i|we) need (register|protect) ", 2.5),
        (r" (deal|opportunity) registration ", 1.5),
        (r" (register|protect|registering) (?!(a|an|the|my|our|one|this|new|deals?) )[a-z0-9-]+ ", 0.5),
        (r" webdomain ", 0.5),
        # "register Lamna Healthcare, lamna.com": a name and its domain after the verb
        (r" (register|registering|protect) ([a-z0-9'&-]+ ){1,4}webdomain ", 3.0),
        (r" deal reg(istration)? (for|form) ", 1.5),
        (r" (get|have|put|keep|want|need|would like)( [a-z0-9'-]+){1,3} (registered|logged|on file|recorded|protected) ", 3.0),
        (r" (make|do)( a| the| new| one)*( deal)? (registration|register)( of)? ", 3.0),
        (r" (can you|could you|please|to) (registered|registers|registration)( a| the| my| new| one)* (deal|opportunity) ", 3.0),
        (r" (deal|opportunity) on file ", 2.5),
        # the details of a registration: a domain and an amount ("wingtip.io, 25k")
        (rf" webdomain.*{_AMOUNT}|{_AMOUNT}.*webdomain ", 2.0),
        (r" registration form ", 2.0),
        (r" (deal|opportunity|customer|account) (i|we)? ?(want|would like|need|have)? ?to register ", 2.5),
    ),
    "list_deals": weighted(
        (rf" {_SHOW}( me| us)?( all| the| every| each| a list of)?( of)? (my|our|all|the|current|existing|[a-z0-9-]+'s)?"
         rf" ?({_STATUS} )?{_DEAL} ", 3.0),
        (rf" (my|our) ({_STATUS} |registered |submitted |current |existing )?{_DEAL} ", 1.5),
        (rf" {_DEAL} ((do|did|have) )?(we|i) (currently |still |already |now )?(have(?! not)|got|registered|submitted|made) ", 3.0),
        (rf" (what is|what are) in (my|our|the|[a-z0-9-]+'s) {_DEAL} ", 3.0),
        (rf" (have|got|are there|do we have|do i have) (we |i )?any ({_STATUS} )?{_DEAL} ", 3.0),
        (rf" (what|where|which)( of)? (are |is )?(all )?(my|our) ({_STATUS} )?{_DEAL} ", 1.5),
        (rf" {_STATUS} {_DEAL} ", 1.0),
        (rf" {_DEAL} ((that are|which are|are|in|with status|that|which|that were|that have|that got)( still| already| now| currently)? )?{_STATUS} ", 1.0),
        (rf"^ (all |the |my |our )?({_STATUS} )?{_DEAL} (that|which)( are| were| have| got| have been)? {_STATUS} ", 3.0),
        (rf" (which|what|any|my|our|show|list)( of)?( the| my| our)? {_DEAL} (are |is |that are |that )?(expiring|about to expire|ending soon|running out) ", 3.0),
        (rf" (what|which) ({_STATUS} )?{_DEAL} (are|is|have|got)( still| already| now| currently)? {_STATUS} ", 3.0),
        (rf" {_DEAL} (got|were|have been|has been) {_STATUS} ", 2.0),
        (rf" how many {_DEAL} ", 1.5),
        (rf" how (are|is) (my|our|the) ({_STATUS} )?{_DEAL} (looking|going) | in (the|our|my) (pipe|pipeline) ", 4.0),
        (rf" how many {_DEAL} (do|does|did|have|has) ([a-z0-9'-]+ ){{1,2}}(have|got|submitted|registered) ", 3.0),
        (r" (list|show) (them|all) ", 1.0),
        (rf"^ (all |my |our |the )?([a-z0-9-]+'s )?({_STATUS} )?{_DEAL}( please| pls| status| list| overview)? $", 3.0),
        (r"^ deals ", 1.0),
        (rf"^ (all |the |my |our )?{_DEAL} {_STATUS}( ones| only)?( please)? $", 3.0),
        (rf" {_DEAL} (are |is )?(still )?(waiting|waiting on|waiting for|pending) (more )?(info|information|details) ", 3.0),
        (rf"^ (show|list|display|view)( me)?( all| the| my| our)? {_STATUS}( ones)?( please| pls)? $", 3.0),
        (rf" {_SHOW}( me| us)? (what|everything|all) (we|i) (have )?(registered|submitted|got|{_STATUS}) ", 3.0),
        (rf" {_SHOW}( me| us)? (what|everything|all) (we|i) (have|got)( so far| now| right now| open)? $", 3.0),
        (rf" which( of)?( the| my| our)? ({_STATUS} )?{_DEAL} ", 2.0),
        (rf" {_DEAL} (that |which )?(we|i) (have |had )?({_STATUS}|registered|submitted|made) ", 2.5),
        (rf" (what|which|everything|all)( {_DEAL})? (have|has|did) (we|i|[a-z0-9'-]+) (registered|submitted|register|submit) ", 4.0),
        (rf" (tell|remind|update|brief) (me|us) (about|on) (my|our|the|[a-z0-9-]+'s) ({_STATUS} )?{_DEAL} ", 3.0),
        (rf"^ (all |the |my |our )?{_STATUS} ones( please)? $| (any|all|the) {_STATUS} ones ", 3.0),
        (rf" (anything|something|any {_DEAL}) ({_STATUS}|that (is|are|got) {_STATUS}) ", 3.0),
    ),
    "pending_approvals": weighted(
        (r" (wait|waits|waiting|awaiting|pending|needs?|need|require|requires|queued)( for)? (on )?(my|me|manager) ?(approval|review|decision|sign off|ok)? ", 3.0),
        (r" waiting (for|on) me ", 1.0),
        (r" (open|sitting|waiting|queued|outstanding|left|parked|stuck) (for|with|on) (my|me) ", 3.0),
        (r" (submitted|sent|up) for (my |an? )?(approval|review|sign off) ", 2.5),
        (r" (pending|open|outstanding) (approvals?|reviews?|requests?) ", 3.0),
        (r" (to|i can|should i|i should|i need to|i have to|do i need to) (approve|review|decide) ", 3.0),
        (r" (approval|review) (queue|inbox|list|requests) | (approvals|reviews) to (do|give|make|handle) ", 3.0),
        (r" (awaiting|waiting for|needs|need) (approval|approving|review|reviewing|a decision) ", 2.0),
        (r" (approvals|reviews) (pending|waiting|outstanding) ", 3.0),
        (rf" {_DEAL} (waiting|awaiting|pending) (for )?(approval|review|a decision) ", 3.0),
        (r" (my|the) (approvals|queue|review queue) ", 2.0),
        (r" (my|the) (inbox|to-do list|todo list|to do list) | (requests|approvals|reviews|decisions) for me ", 3.0),
        (r"^ (my |show |list )?(pending )?approvals( please)? $", 3.0),
        (r"^ (any|got any|are there any|do i have any|have i got any) (new |pending |open )?(approvals|reviews)( for me| today| waiting)?( please)? $", 3.0),
        (r" (anything|something|what) (to|for me to) (sign|approve|ok) | sign(ing)? off( on)? | (need|needs|needing) (approving|signing off|my signature|my ok) ", 3.0),
        (r" (i|we) (still )?(should|need to|have to|must|ought to) (look at|review|approve|check|sign|ok|okay|action|handle|process|decide on) ", 3.0),
        (r" (i|we) (have not|did not|not yet) (reviewed|approved|looked at|seen|decided|signed off) ", 3.0),
    ),
    "extend_deal": weighted(
        (r" (extend|extension|prolong|renew|more time|lengthen|push out|push back)", 2.5),
        (r" (make|keep) it (longer|protected) | (protection|it|dealref) (is )?(ending|expiring|running out|about to expire) ", 2.5),
        (r" (another|one more|(few |couple of |some |two |three |\d+ )?(more|extra|additional))( \d+| a few| few| a couple of| couple of| two| three)? (days?|weeks?|months?) ", 2.5),
        (r" (more|extra|additional) (\d+|a few|few|a couple of|couple of|two|three) (days?|weeks?|months?) | push (it |dealref |the (date|deadline|expiry) )?(out|back) ", 2.5),
    ),
    "update_deal": weighted(
        (r" (update|updating|change|changing|move|moving|set|setting|advance|bump|put|progress)( the)?( stage| status)?( of)? ", 1.5),
        (r" to (the )?[a-z-]+ stage | stage (to|as) ", 1.0),
        (r" dealref (is |will )?(now |actually )?(going to |expected to |set to |likely to )?(close|closing|slip|slipping|slips) (in|on|by|next|this|early|late|end) ", 3.0),
        (r" (close|closing) date (to|is now|has moved|changed|moved|slipped) ", 2.5),
        (r" (stage|to|at|in|into|dealref) (prospecting|qualified|proposal|negotiation|negotiating) ", 1.5),
        (r" (prospecting|qualified|proposal|negotiation) stage ", 1.0),
        (rf" dealref('s)? (deal )?(value|amount|size|total)( is| to| now| should be| becomes| goes to| changed to)*{_AMOUNT}", 3.0),
        (r" dealref('s)? (close|closing|expected close) date( is| to| now| should be| moves to| moved to)* (next|end|the|in|on|\d+|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|q[1-4]) ", 3.0),
        (r" (got|is|now|became|just) (prospecting|qualified|proposal|negotiation|negotiating) ", 1.0),
    ),
    "mark_won": weighted(
        (r" (won|win|winning|closed won|close won|signed|closed it|we got it|booked) ", 2.5),
        (r" mark(ed)?( it| dealref| the deal)?( as)? won ", 1.0),
        (r" (got|received|have) the (po|purchase order|signature|signed contract) ", 2.5),
        (r" (not|never|no longer) (lost|dead)( after all| anymore| any more)? ", 1.0),
        (r" closed dealref | dealref (is |was |got )?closed(?! lost) ", 2.5),
    ),
    "mark_lost": weighted(
        (r"(?<! not)(?<! never)(?<! no longer) (lost|lose|closed lost|close lost|fell through|fell apart|dead|cancel+ed) ", 2.5),
        (r" (customer|client|they) (said|say|says) no | is (finish|finished|over) ", 2.5),
        (r" not (to )?(proceed|proceeding|buying|buy|going ahead|moving forward|interested) | (is|it is) off | (walked away|pulled out|backed out) ", 2.5),
        (r" (chose|choose|chosen|picked|went with|went to|gone with|gone to|lost to|selected|signed with|going with)( a| an| another| other| the)? (competitor|other vendor|vendor|someone else|other party) ", 2.5),
        (r" mark(ed)?( it| dealref| the deal)?( as)? lost ", 1.0),
    ),
    "checkins": weighted(
        (r" check-ins? ", 2.0),
        (r" check ins? ", 2.0),
        (r" (my|our|next|upcoming) (next |upcoming )?(check-ins?|check ins?) ", 1.5),
        (rf" {_ACT}{_WHO}( the| my| our| a| this week's| next| upcoming| due| daily| weekly)* (check-ins?|check ins?) ", 1.5),
        (rf" (can you |could you |please |to ){_PLAN}( the| my| our| a| daily| weekly| these| those| them)* (check-ins?|check ins?|them) ", 1.5),
        (r" (check-ins?|check ins?) (do|did|have|are|is) (we|i|you|there) (have |got )?(scheduled|planned|set up|booked|coming up|running) ", 3.0),
    ),
    "survey": weighted(
        (r" (survey|surveys|questionnaire|feedback form|poll|polls) ", 2.0),
        (r" how (did|have) (the |our |my )?(partners?|people|customers?|everyone|they|respondents) (answer|answered|respond|responded|rate|rated|score|scored|reply|replied|vote|voted)( to)?( the| our| my| this| that| last| latest| recent)* (survey|questionnaire|poll) ", 4.0),
        (r" (can|could|shall|should) (we|i|you) (poll|survey) ", 3.0),
        (rf" {_ACT}{_WHO}( the| my| our| a| partner| this| feedback| satisfaction)* (survey|surveys|questionnaire|feedback form) ", 1.5),
        (r" (results|responses|answers|scores) (of|from|for|to) (the |our |my |this |that |last |[a-z]+'s )*([a-z-]+ )?(survey|questionnaire) ", 3.0),
        (r" (answer|fill|fill out|fill in|complete|take|do|find)( the| a| our| my| this)*( feedback| partner)? (survey|questionnaire) ", 2.0),
        (r" (survey|questionnaire) (i|we) (should|need to|have to|must|can) (answer|fill|take|complete|do) ", 3.0),
    ),
    "digest": weighted(
        (r" (digest|recap|weekly summary|daily summary|summary of (the|this|last) week|weekly report) ", 2.0),
        (rf" {_ACT}( me| us)?( the| my| our| a| weekly| daily| this week's)* (digest|recap|summary|report) ", 1.5),
        (r" what( is| has)?( been)? (happened|happening|changed|new|went on|going on) (this|last|today|yesterday|over|in the past|in the last|across|with my|since|for) ", 4.0),
        (r" (should|need to) know (from |about |for )?(this|last|today|the past|the last) (week|day|month) ", 4.0),
        (r" catch (me|us) up | what did (i|we) miss | (bring|get) (me|us) up to (date|speed) ", 4.0),
        (r" (summari[sz]e|sum up|recap)( the| this| last| my| our)? (week|day|month) ", 4.0),
        (r" (anything|something) new (this|today|since|over the|lately|recently) ", 4.0),
        (r" (highlights|headlines|news|updates) (of|from|for) (the|this|last|today) ", 4.0),
    ),
    "scorecard": weighted(
        (r" (scorecard|score card|partner score|our score|my score|performance report) ", 2.0),
        (rf" {_ACT}( me| us)?( the| my| our| a| partner)* (scorecard|score card|score) ", 1.5),
        # how a partner is doing: "how's Acme doing this quarter", "how are we tracking"
        (r" how( is| are| am| has| have)?( [a-z0-9'-]+){1,3} (doing|performing|tracking|trending) ", 5.5),
        (r" how (did|have|has) (we|they|[a-z0-9'-]+) (do|done|perform|performed) ", 4.0),
        (r" (against|vs|versus|towards?|to) (the |our |their |its |my )?(target|quota|goal) ", 3.0),
        (rf" {_ACT}( me| us)?( [a-z0-9'-]+)? (numbers|performance|kpis?|metrics|stats|attainment) ", 3.0),
        (r" where (do|does|did) ([a-z0-9'-]+ ){1,2}stand | on track ", 3.0),
        (r" (ahead|behind) (or (ahead|behind) )?(of |on )?(the |our |their |my )?(targets?|quotas?|plan|goals?) ", 3.0),
        (r"^ (my |our |the )?scores?( please)? $", 3.0),
        (r" (hit|hitting|meet|meeting|reach|reaching|make|making) (the |their |our |its |my )?(targets?|quotas?|goals?) ", 3.0),
        (r" (our|my|their|[a-z0-9-]+'s) (numbers|performance|kpis?|metrics|stats|attainment) ", 3.0),
        (r" (attainment|kpis?) | (performance|numbers|results) (of|for) ", 2.0),
        (r" (our|my|their|[a-z0-9-]+'s|the) (win rate|win ratio|conversion rate|close rate|registered pipeline|pipeline value) ", 3.0),
        (r" how( is| are)? (my|our|the|their|[a-z0-9-]+'s) (scorecard|score|numbers|performance|kpis?|metrics|stats) (looking|going) ", 4.0),
    ),
    "help": weighted(
        (r"^ (help|menu|commands|options|start|hi|hello|hey)( please| me| there| bot| partnerbot)? $", 3.0),
        (r" what (can|should|do) i (type|say|write|ask)( here| you)? $", 7.0),
        (r" (functions|features|capabilities|commands) (of|in) (the|this) bot | (your|its) (functions|features|capabilities) ", 7.0),
        (r" what( else)? (can|could|do)? ?you( actually| really| even| exactly)? (can |could )?(do|help|offer)", 4.0),
        (r" (do|possible) (with|using) (you|this bot|the bot|partnerbot) ", 7.0),
        (r" (help me|need help|show help|help please|get help) ", 2.0),
        (r" (list of|your|the|available|which) commands ", 2.5),
        (r" (commands|features|functions|options|things) (that )?(you|this bot|the bot|partnerbot) (support|supports|understand|understands|know|knows|offer|offers|accept|accepts|have|has|take|takes) | overview of (the |your |all )?(commands|features) ", 7.0),
        (r" (what|which) commands (are there|do you (have|know|support|understand)|can (i|we) (use|type)|exist) ", 7.0),
        (r" what (you|this bot|the bot) (are |is )?(able to|can|could) (do|help|offer)", 7.0),
        (r" how (i|we) should (phrase|word|ask|write|talk) ", 4.0),
        (r" what (can i|i can) do( here| with you)? ", 4.0),
        (r" what( else)? (can|could|does) (this bot|the bot|partnerbot) do ", 7.0),
        (r" how (do|can|should|am|are) (i|we)( supposed to| meant to)? (use|talk to|work with) (you|this bot|the bot|partnerbot) ", 7.0),
        (r" (who|what) are you ", 4.0),
        (r" how (does|do) (this bot|the bot|partnerbot|you) work ", 7.0),
        (r" how (can|could|do|will) you help ", 7.0),
        (r" what (can|should|do) (i|we) (ask|say to|tell|type to) you ", 7.0),
        (r" (how|what) (i|we) (can|could|should) (use|do with|ask|say to) you ", 7.0),
        (r" what (kinds?|sorts?|types?) of (things|questions|stuff|requests) ", 7.0),
        (r" what (things|questions|stuff|commands) (can|should|could) (i|we) (ask|say|type|do) ", 7.0),
        (r" what is (this bot|the bot|partnerbot|this|it) for ", 7.0),
        (r" where (do|should|can) (i|we) (start|begin) ", 5.0),
        (r" (i am|we are) new | first time (here|using|with) ", 4.0),
        (r"^ (what are )?(my|the|your) options( here| please)? $| (do not|don't) know (what|how) to (do|start|use) ", 4.0),
        (r"^ (hi |hello |hey )?how (does|do) (this|it) work $", 7.0),
        (r"^ (help )?what (do|should|can) (i|we) do( here| now| first| next)? $", 7.0),
        (r" (not sure|no idea|unsure) (what|how) to (do|start|use|type|say|write|ask) ", 4.0),
        (r" help( please| me)? $| (the |your )?(menu|commands|command list)( please)? $", 2.0),
    ),
}  # fmt: skip

#: Intents that act on one named registration.
REF_INTENTS = ("extend_deal", "update_deal", "mark_won", "mark_lost")
#: "waiting for my approval": a manager's queue, not a list of pending deals.
PENDING_FOR_ME = re.compile(
    r" (for|on) my (approval|review|decision|ok|sign off)| to (approve|review|sign off|sign) "
    r"| (i|we) (must|need to|have to|should) (review|approve|sign off|look at) "
    r"| (wait|waits|waiting|awaiting|pending|needs?|needing) (for |on )?(my|me) "
    r"| i (have not|did not|not yet) (reviewed|approved|decided|signed off) "
    r"| (my|the manager's) (approval|review) (queue|inbox|list) "
)

_STATUS_WORDS = {
    "approved": "approved", "pending": "pending", "rejected": "rejected", "declined": "rejected",
    "won": "won", "lost": "lost", "expired": "expired", "open": "open", "active": "open",
    "denied": "rejected", "refused": "rejected", "turned down": "rejected", "accepted": "approved",
    "withdrawn": "withdrawn", "lapsed": "expired", "under review": "pending", "in review": "pending",
    "awaiting approval": "pending", "waiting for approval": "pending", "in progress": "open", "live": "open",
}  # fmt: skip
#: "info requested", "waiting on more info": the manager asked the partner for details.
_INFO_REQUESTED = re.compile(
    r" (info|information|details) (requested|request|needed) | (more|extra|additional) (info|information|details) "
)
_STAGE_WORDS = {
    "prospecting": "prospecting", "qualified": "qualified", "proposal": "proposal",
    "negotiation": "negotiation", "negotiating": "negotiation",
}  # fmt: skip
LOST_REASON = re.compile(
    r"(?:\bbecause\b|\breason\b:?|\bdue to\b|\bsince\b|\s[-–]\s|:)\s*(.{3,200})$", re.I
)


def status_in(text: str) -> str | None:
    if _INFO_REQUESTED.search(text):
        return "info_requested"
    for word, status in _STATUS_WORDS.items():
        if f" {word} " in text:
            return status
    return None


def stage_in(text: str) -> str | None:
    for word, stage in _STAGE_WORDS.items():
        if f" {word} " in text:
            return stage
    return None
