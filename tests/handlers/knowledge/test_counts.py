"""A question asking for a count or a limit is answered by a number of the thing it
counts, a limit by a bound of it; numbers of other things on its page ("a three-step
ramp" in an example, "1%, 5%" steps, "two projects") do not answer "max steps" or
"max projects" (handlers.knowledge.counts). End to end over a small fixture corpus."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.counts import counted_words, states_count
from handlers.knowledge.terms import Query
from tests.handlers.kb_world import assert_the_figure_decides

PAGES = {
    "ramps.md": """# Ramp schedules

A ramp schedule raises the traffic of a rollout rule in steps over a duration. The
standard steps are 1%, 5%, 10%, 25%, 50% and then 100%. This example attaches a
three-step ramp schedule to an existing rule.
""",
    "projects.md": """# Projects

Projects group features and experiments by team inside an organization. For a
mobile app and a website with separate code bases, create two projects: one per
code base.
""",
    "webhooks.md": """# SDK webhooks

An SDK connection notifies your servers through webhooks when its features change.
There is a max number of webhooks: each SDK connection can send to up to 10 of them.
A webhook retries a failed delivery three times.
""",
    "mockups.md": """# Design import

Upload a PNG, JPEG or WebP mockup (up to 8 MB), or paste an image URL. The importer
turns the mockup into an editable variation of your page in three steps.
""",
}


ASKED = (
    # Near misses: the page is about the thing, its numbers count something else.
    ("max steps in a ramp schedule?", False),
    ("max projects per organization?", False),
    # The page states the count or the bound asked for.
    ("max webhooks per sdk connection?", True),
    ("how many times does a webhook retry a failed delivery?", True),
    # A size is stated in a unit of data, without the word "size".
    ("what's the max image size for a mockup upload in design import?", True),
)


@pytest.mark.parametrize(("question", "answered"), ASKED)
async def test_a_count_of_another_thing_does_not_answer(
    docs: Deps, question: str, answered: bool
) -> None:
    await assert_the_figure_decides(docs, question, answered)


def test_what_a_question_counts() -> None:
    query = Query(core=("many", "custom", "roles", "enterprise", "org", "make", "limit"), terms=())
    assert counted_words("how many custom roles can an enterprise org make?", query, None) == (
        "custom",
        "roles",
    )
    rate = Query(core=("rest", "api", "rate", "limit"), terms=())
    assert counted_words("REST API rate limit?", rate, None) == ("rate", "api")
    flags = Query(core=("limit", "number", "feature", "flags"), terms=())
    assert counted_words("is there a limit on the number of feature flags?", flags, None) == (
        "feature",
        "flags",
    )
    # "built in" is one modifier (built-in): the tasks are counted, not "built".
    tasks = Query(core=("many", "built", "tasks", "checklist", "come"), terms=())
    asked = "how many built in tasks does the checklist come with?"
    assert counted_words(asked, tasks, None) == ("built", "tasks")
    stated = "It offers 5 pre-defined, common tasks."
    assert states_count(stated, "", ("built", "tasks"), tasks, bound=False)


def test_a_bound_must_bound_the_counted_thing() -> None:
    query = Query(core=("max", "steps", "ramp"), terms=())
    assert not states_count("Add a three-step ramp.", "Ramps", ("steps",), query, bound=True)
    assert not states_count("Steps are 1%, 5% and 10%.", "Ramps", ("steps",), query, bound=False)
    assert states_count("Use at most 8 steps.", "Ramps", ("steps",), query, bound=True)
    assert states_count("A ramp has 4 steps.", "Ramps", ("steps",), query, bound=False)
    assert states_count("Pro ; Steps ; 12", "Plans", ("steps",), query, bound=False)
    assert not states_count("Pro ; Ramps ; 12", "Plans", ("steps",), query, bound=False)


def test_a_table_row_whose_first_cell_names_the_counted_thing_states_its_count() -> None:
    query = Query(core=("many", "variations", "bandit"), terms=())
    row = "Number of Variations ; Best for 2-4 ; Best for 5+"
    assert states_count(row, "Bandits", ("variations",), query, bound=False)
    other = "Goal ; Best for 2-4 teams ; Best for 5+ teams"
    assert not states_count(other, "Bandits", ("variations",), query, bound=False)
    wordy = "Number of Variations ; Few ; Many"
    assert not states_count(wordy, "Bandits", ("variations",), query, bound=False)


def test_a_size_is_stated_by_a_number_in_a_unit_of_data() -> None:
    query = Query(core=("max", "size", "mockup"), terms=())
    assert states_count("Upload a mockup (up to 8 MB).", "Import", ("size",), query, bound=True)
    assert states_count("Payloads stay under 512KB.", "SDK", ("size",), query, bound=True)
    assert not states_count("Upload up to 8 mockups.", "Import", ("size",), query, bound=True)
    assert not states_count("Cache 8 MB of flags.", "SDK", ("steps",), query, bound=True)


def test_one_as_a_pronoun_counts_nothing() -> None:
    query = Query(core=("steps",), terms=("steps",))
    capped = "Rollouts are capped at half, so no one is left out of the steps."
    assert not states_count(capped, "Ramps", ("steps",), query, bound=True)
    assert not states_count("Require at least one step.", "Ramps", ("steps",), query, bound=True)
    assert not states_count("Add one of the steps.", "Ramps", ("steps",), query, bound=False)
    # "one" counting a thing is still a count.
    assert states_count("A ramp is limited to one step.", "Ramps", ("steps",), query, bound=True)
    assert states_count("A ramp has one step.", "Ramps", ("steps",), query, bound=False)
