"""Near misses, end to end over a small fixture corpus: a question about a
product no page names is declined though an English stem of its name is on many pages
("optimizely" is no "optim"-ised query page); an answerable question in the asker's own
wording is answered though it quotes a value no page uses or slips on a stop word."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from tests.handlers.kb_world import assert_answered

PAGES = {
    "importing.md": """# Importing from other tools

The importer copies your feature flags, environments and projects from LaunchDarkly.
Run the importer from the Settings page with an API token of the other tool.
""",
    "query-optimization.md": """# Query optimization

Optimize the queries the experiment analysis runs: an optimized query scans fewer
rows. Query optimization settings are on the data source page.
""",
    "environments.md": """# Environments

Every organization starts with a production and a development environment. Admins can
add custom environments with any name, on every plan, the free plan included.
""",
    "visual-editor.md": """# Visual editor

Add your own CSS or custom JavaScript to a variation in the visual editor, and edit
its copy in place.
""",
    "sdk-connections.md": """# SDK connections

Find the SDK connection key on the SDK Connections page: each connection has its own
key, which the SDK uses to fetch features.
""",
}


ASKED = (
    # A product no page names: its English stem ("optim") is no mention of it.
    ("can we import our running experiments from optimizely?", False),
    ("How do we import existing experiments and flags from Optimizely?", False),
    # The documented import is answered.
    ("can we import our feature flags from launchdarkly?", True),
    # A value the asker quotes is theirs, not a word the page must hold.
    ("free plan admins want a custom environment called 'uat', can they add it?", True),
    # A stop word with a letter dropped is a slip, not an undocumented word.
    ("wher is the conection key", True),
    # ...and so is a word one letter from one the pages write, though it reads as
    # another made of theirs ("editer": "edit" + "er", for "editor").
    ("can i add my own css to a variation in the visual editer?", True),
)


@pytest.mark.parametrize(("question", "answered"), ASKED)
async def test_near_misses_are_declined_and_paraphrases_answered(
    docs: Deps, question: str, answered: bool
) -> None:
    await assert_answered(docs, question, answered)
