"""A question asking for a duration or a price is declined when the quoted sentences
state none, though the page covers its words; answered when the page gives it. End
to end over a small fixture corpus."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from tests.handlers.kb_world import assert_the_figure_decides

PAGES = {
    "audit-log.md": """# Audit log

The audit log records every change a member makes to a feature or an experiment.
Audit log entries are kept when the feature they describe is deleted. Admins can
export the audit log entries as CSV from the settings page.
""",
    "cache.md": """# Feature cache

The SDK keeps fetched features in a local cache. Cached features are refreshed
every 60 seconds in the background, so a change shows up within a minute.
""",
    "billing.md": """# Billing

The Team plan is billed each month per seat: it includes a per-seat fee, and you are
only charged for members who log in. The price list shows every plan.
""",
    "loading.md": """# Waiting for features

The timeout is the time the SDK waits for features to load (in ms). The default is 0
(no timeout): it waits until they load.
""",
    "warehouse.md": """# Event warehouse

The event warehouse keeps the raw events your SDKs send. Raw events are enriched and
available for queries within seconds.
""",
    "history.md": """# Change history

Change history entries are kept for 90 days, then deleted.
""",
    "support.md": """# Support plans

Premium support costs $400 a year and includes a named support engineer. Resellers
get 20% off the list price of premium support.
""",
}


ASKED = (
    # The page is about the thing asked, but states no duration or price.
    ("how long are audit log entries kept before they are deleted?", False),
    ("how long is the audit log kept?", False),
    ("team plan list price per seat per month?", False),
    ("how much is the team plan per seat?", False),
    ("what is the per-seat fee on the team plan?", False),
    # The page gives the figure asked for.
    ("how often are cached features refreshed by the sdk?", True),
    ("how long until a feature change shows up in the sdk cache?", True),
    # A time that says how soon is no retention.
    ("how long does the event warehouse keep raw events?", False),
    ("how long are change history entries kept?", True),
    # ...in a unit a number is given in, or as none at all.
    ("how long does the sdk wait for features to load by default?", True),
    ("how much does premium support cost?", True),
    ("what's the fee for premium support?", True),
    ("what discount do resellers get on the premium support list price?", True),
    # Not a figure: a way to do something, a yes/no question.
    ("can admins export audit log entries?", True),
    ("is the team plan charged per seat?", True),
)


@pytest.mark.parametrize(("question", "answered"), ASKED)
async def test_a_figure_the_docs_do_not_give_is_declined(
    docs: Deps, question: str, answered: bool
) -> None:
    await assert_the_figure_decides(docs, question, answered)
