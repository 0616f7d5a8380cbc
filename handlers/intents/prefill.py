"""The registration details in a sentence, as `/register-deal` text.

"I'd like to register a deal for Acme Corp, acme.com, about 50k, closing end of March"
-> "Acme Corp acme.com 50000 USD 2027-03-31": the words that ask to register are
dropped, the rest is read by the same parser as `/register-deal`'s own text.
"""

from __future__ import annotations

import re
from datetime import date

from handlers.deals.rules import parse_free_text

#: Everything up to and including the words that ask for a registration.
_ASKING = re.compile(
    r"^.*?\b(?:register|registering|registration|reg|submit|log|add|create|record|protect)\b"
    r"(?:\s+(?:a|an|the|my|our|new|one|another|this|deal|deals|opportunity|registration|reg"
    r"|for|with|of|customer|company|called|named|please|pls)\b)*[\s:,-]*",
    re.I,
)
#: A second request in the same sentence ("… and show me my deals").
_AND_THEN = re.compile(
    r"(?:^|[\s,;]+)(?:and|then|also|after that)\s+(?:then\s+)?(?:show|list|see|extend|mark|update"
    r"|tell|give|send|open|check)\b.*$",
    re.I,
)
#: Words of the sentence that are not details.
_POLITE = re.compile(
    r"\b(?:please|pls|thanks|thank you|kindly|for us|for me|the customer|customer|company"
    r"|it's|its|it is|they are|they're|deal is|value|worth|expected|to close|close|closing"
    r"|closes)\b",
    re.I,
)


def registration_text(text: str, *, today: date, currency: str) -> str:
    """`text`'s registration details as `/register-deal` text (possibly empty)."""
    details = _ASKING.sub("", text.strip(), count=1)
    details = _POLITE.sub(" ", _AND_THEN.sub("", details))
    parsed = parse_free_text(details, today=today, default_currency=currency)
    company = (parsed.company or "").strip(" .!?,;:-") or None
    parts = [company, parsed.domain, parsed.value, parsed.currency, parsed.close_date]
    return " ".join(p for p in parts if p)
