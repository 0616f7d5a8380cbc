"""A brand's web domain the pages never write ("Split.io") is something they do not
document: the question is declined however much else the pages cover."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.domains import DOMAIN, unwritten_domains
from handlers.knowledge.terms import Vocabulary
from tests.handlers.kb_world import assert_answered

PAGES = {
    "migrate.md": """# Migrating flags from another tool

Migrate your feature flags from LaunchDarkly with the importer: it copies every flag,
environment and project. Keen.io customers forward events with a webhook.
""",
    "billing.md": """# Billing

Invoices are split by project and sent monthly to the owner of the workspace.
""",
}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("migrate flags from Split.io?", ["Split.io"]),
        ("the free .webflow.io staging domain", ["webflow.io"]),
        ("Datadog's EU site (datadoghq.eu)", ["datadoghq.eu"]),
        # A host of the asker's own, an e-mail address, a path: no brand's domain.
        ("the app on gb.acme.com and the api on api.acme.com", []),
        ("write to ops@acme.com", []),
        ("see https://split.io/docs", []),
    ],
)
def test_a_brands_domain_is_a_name_and_a_top_level_domain(text: str, found: list[str]) -> None:
    assert DOMAIN.findall(text) == found


def test_only_the_domains_no_page_writes_are_unwritten() -> None:
    vocabulary = Vocabulary.build(["Keen.io customers forward events.", "Billing"])
    assert unwritten_domains("do keen.io or split.io events work?", vocabulary) == ("split.io",)


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("how do we migrate a customer's feature flags from Split.io?", False),
        ("how do we migrate a customer's feature flags from LaunchDarkly?", True),
        ("flags from our old tool (split.io): how do we migrate a customer's flags?", False),
        ("keen.io customer: how do their events get forwarded?", True),
    ],
)
async def test_a_domain_no_page_writes_declines_the_question(
    docs: Deps, question: str, answered: bool
) -> None:
    await assert_answered(docs, question, answered)
