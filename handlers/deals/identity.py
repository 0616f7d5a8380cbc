"""Who a registration is for: the customer's registrable domain and company key.

Registrable domain rule (documented, deliberately small): lower-case, drop the scheme,
user info (an e-mail's local part), port, path, query and a trailing dot, IDNA-encode,
then keep the last two labels, or the last three when the last two are a known
second-level public suffix (`co.uk`, `com.au`, ... see `MULTI_PART_SUFFIXES`). So
`https://www.eu.acme.co.uk:8443/x` and `jane@sales.acme.co.uk` both become `acme.co.uk`.
This is not the full Public Suffix List: rare suffixes (e.g. `blogspot.com`) collapse to
their parent, which can only make the conflict check stricter, never looser.
"""

from __future__ import annotations

import re

from handlers.deals.tables import LEGAL_WORDS, MULTI_PART_SUFFIXES

MAX_COMPANY = 200
COMPANY_PREFIX_CHARS = 4
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def normalise_domain(raw: str) -> str:
    """A website, URL, host or e-mail address -> its registrable domain.

    Raises:
        ValueError: not a usable domain (the message is safe to show).
    """
    text = raw.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError("that isn't a valid domain") from exc
    labels = text.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ValueError("give the customer's domain, e.g. acme.com")
    for label in labels:
        if label.startswith("xn--"):  # punycode must decode (`xn--zz` does not)
            try:
                label.encode("ascii").decode("idna")
            except UnicodeError as exc:
                raise ValueError("that isn't a valid domain") from exc
    if labels[0] == "www" and len(labels) > 2:
        labels = labels[1:]
    tld = labels[-1]
    if not (tld.isalpha() or tld.startswith("xn--")) or len(tld) < 2:
        raise ValueError("give the customer's domain, e.g. acme.com")
    keep = 3 if ".".join(labels[-2:]) in MULTI_PART_SUFFIXES else 2
    if len(labels) < keep:
        raise ValueError("that is a public suffix, not a company's domain")
    return ".".join(labels[-keep:])


def company_key(name: str) -> str:
    """Case, punctuation and legal-form insensitive key, tokens sorted:
    "The Acme Corp." -> "acme"."""
    tokens = re.sub(r"[^\w\s]", " ", name.casefold()).split()
    kept = [token for token in tokens if token not in LEGAL_WORDS] or tokens
    # Case folding can triple a name ("ﬃ" -> "ffi", "ß" -> "ss"): the key is cut to
    # the width it is stored in, which only makes names that long compare alike.
    return " ".join(sorted(kept))[:MAX_COMPANY]


def company_prefix(key: str) -> str:
    """The indexed candidate key for fuzzy matching (first characters of the sorted key).
    Names whose sorted keys differ in these characters are not compared."""
    return key[:COMPANY_PREFIX_CHARS]
