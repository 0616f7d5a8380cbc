"""When the bot says "I don't know", end to end over a small fixture corpus: an
ordinary English word the pages do not use is the asker's wording, not an undocumented
thing; a name no page uses (and English does not have, or the asker capitalises)
declines even a question the page otherwise covers well; a short question leaning on
the statement before it ("..., what does that mean?") is asked about that statement, as
is a short topic before a question ending on a pronoun ("X warehouse, can you query
it?"); "be required" relays nobody's request."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.search import retrieve
from storage.kb_search import Access

PAGES = {
    "webhooks.md": """# Webhooks

Webhooks send an HTTP request to your endpoint whenever a feature changes.

## Signatures

Every webhook request carries a signature header, an HMAC of the payload made with
your endpoint's secret, so the receiver can verify that the request really came from
the platform. Reject any request whose signature does not match.

## Retries

A failed delivery is retried up to five times with exponential backoff.
""",
    "code-references.md": """# Code references

Code references scan your GitHub and GitLab repositories for feature keys and show
where each feature is used. The scan runs in your CI pipeline with the command line
tool.
""",
    "results.md": """# Results over time

The results chart of an experiment shows each metric over time. A dotted section of
the line marks days whose data is still being collected: the values there may still
change.
""",
    "environments.md": """# Environments

Every organization starts with a production and a development environment. Admins
can add custom environments with any name, on every plan.
""",
    "adobe.md": """# Adobe Experience Platform

Connect the Adobe Experience Platform Query Service as a data source: funnel metrics
and experiment results run as SQL through the query service.
""",
    "approvals.md": """# Approvals

Approval flows require a reviewer to approve every change to a feature before the
change is published to production. Admins choose which environments need approval.
""",
    "self-hosting.md": """# Self-hosting

The self-hosted app runs in Docker and stores its settings in MongoDB. Point
MONGODB_URI at your MongoDB instance.
""",
}


ASKED = (
    # Common English words the pages never use ("fake", "mandatory") are the asker's own.
    ("can the receiver verify a webhook request came from the platform, not a fake?", True),
    ("are webhook signature headers mandatory for the receiver?", True),
    # A slip of an English word is no name either.
    ("are webhook deliveries retried automaticaly?", True),
    # A name of something the pages never mention declines, however well the rest is
    # covered: lower case and unknown to English, or capitalised mid-sentence.
    ("can code references scan bitbucket repositories for feature keys?", False),
    ("can the self-hosted app store its settings in CockroachDB instead of MongoDB?", False),
    ("do webhooks send a request to Oracle whenever a feature changes?", False),
    # The statement a short question points back at is what it asks about.
    ("the results chart has a dotted section, what does that mean? client thinks its broken", True),
    ("Klaviyo segments synced from experiment results. It exist?", False),
    # A value the asker quotes is their own; an acronym of the page's words is its name.
    ("can admins add custom environments with a name like 'uat' on any plan?", True),
    ("do funnel metrics work with the aep query service?", True),
    # A question ending on a pronoun asks about the short topic before it.
    ("Snowflake data source, can the query service run funnel metrics on it?", False),
    ("funnel metrics as SQL, can the query service run them?", True),
    # "be required" is said of the thing asked about, not of someone relaying it.
    ("can ServiceNow tickets be required before a feature change is published?", False),
    ("can a reviewer's approval be required before a feature change is published?", True),
)


@pytest.mark.parametrize(("question", "answered"), ASKED)
async def test_what_the_docs_answer_is_answered_and_what_they_do_not_is_declined(
    docs: Deps, question: str, answered: bool
) -> None:
    found = await retrieve(docs, question, access=Access(staff=True))
    assert compose_extractive(found).grounded is answered
