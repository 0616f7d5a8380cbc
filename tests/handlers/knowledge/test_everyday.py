"""An asker's everyday word ("download", "boss", "switch it off") counts as the word
the documentation writes for it ("export", "manager", "disable"): a page that answers
in its own words is not declined for the asker's. The thesaurus is generic English, nothing
about any product. End to end over a small fixture corpus."""

from __future__ import annotations

import re

import pytest

from handlers.deps import Deps
from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.everyday import FILE, everyday, phrasal
from handlers.knowledge.search import retrieve
from storage.kb_search import Access

PAGES = {
    "audit.md": """# Audit trail

Every change made by a member is recorded in the audit log. Admins can export the log
as a CSV file for compliance reviews.
""",
    "members.md": """# Members

Invite members from the settings page. A readonly member sees every report but
cannot edit anything.
""",
    "webhooks.md": """# Webhooks

Webhooks post a JSON payload to your endpoint whenever a report is published.
""",
    "digest.md": """# Weekly digest

A manager can get a weekly email digest listing the reports published that week.
""",
    "sounds.md": """# Sounds

Admins can disable the notification sound for every member of the workspace.
""",
}

ASKED = (
    # "download" is what the page calls "export"; "history" its "log".
    ("can admins download the change history as a csv file?", True),
    ("can admins zorble the change history as a csv file?", False),
    ("can my boss get a weekly email when reports go out?", True),
    ("can my zorb get a weekly email when reports go out?", False),
    # "switch ... off" is what the page calls "disable".
    ("how do I switch the sound off?", True),
    ("how do I switch the sound yellow?", False),
)


@pytest.mark.parametrize(("question", "answered"), ASKED)
async def test_everyday_words_count_as_the_pages_words(
    docs: Deps, question: str, answered: bool
) -> None:
    found = await retrieve(docs, question, access=Access(staff=True))
    answer = compose_extractive(found)
    assert answer.grounded is answered
    if answered:
        assert answer.citations[0].source_id in {"audit.md", "digest.md", "sounds.md"}


def test_forms_of_an_everyday_word_share_its_entry() -> None:
    assert "export" in everyday("download")
    assert everyday("downloaded") == everyday("download")
    assert everyday("zorble") == ()


def test_a_verb_stands_for_its_particle_a_few_words_on() -> None:
    assert "disable" in phrasal("how do we switch it off?")["switch"]
    assert "disable" in phrasal("they turned the alerts off")["turn"]
    assert "enable" in phrasal("turning on alerts")["turn"]
    assert phrasal("turn the big red dial all the way off") == {}  # too far
    assert phrasal("turn left") == {}


def test_the_thesaurus_is_well_formed_generic_english() -> None:
    entry = re.compile(r"^[a-z]+( [a-z]+)?: [a-z]+(, [a-z]+)*$")
    heads: list[str] = []
    words: set[str] = set()
    for line in FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        assert entry.match(line), line
        head, _, rest = line.partition(": ")
        assert head not in rest.split(", "), line
        heads.append(head)
        words |= {*head.split(), *rest.split(", ")}
    assert len(heads) == len(set(heads))
    # No product of the sample corpus (those come from the vendor's glossary.yml).
    assert {"growthbook", "bigquery", "ga4", "bandit", "experiment"}.isdisjoint(words)
