"""An asker's clipped word ("infra" for "infrastructure", "custs" for "customers") or
abbreviation ("acct" for "account") is their wording, not a name the documentation
lacks, and a page holding the word it stands for covers it; a comparison judged on
cost ("A vs B for scan cost") asks which is cheaper, not for an amount. End to end over
a small fixture corpus."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.clipping import meanings
from handlers.knowledge.figures import Figure, asked_figures
from handlers.knowledge.search import retrieve
from handlers.knowledge.vocabulary import Vocabulary
from storage.kb_search import Access

PAGES = {
    "kubernetes.md": """# Kubernetes

The official Helm chart deploys the app on your own Kubernetes infrastructure: set
the image tag and the database URL in its values file.
""",
    "bigquery.md": """# BigQuery

The service account needs the BigQuery Data Viewer and BigQuery Job User roles.
""",
    "hooks.md": """# Custom hooks

Customers on the cloud plan can use custom hooks to enforce naming rules on feature
flags before they are saved.
""",
    "fact-tables.md": """# Fact tables

Fact tables cut warehouse scan costs: one query computes many metrics at once, where
legacy metrics ran a separate query for every metric.
""",
}

ASKED = (
    # "infra" clips "infrastructure": the asker's word, not an undocumented name.
    ("is there an official helm chart for our kubernetes infra?", True),
    ("is there an official helm chart for our kubernetes nomad?", False),
    ("bigquery service acct - which roles", True),
    ("bigquery service xqzt - which roles", False),
    ("can cloud custs use custom hooks to enforce flag naming rules", True),
    ("can cloud zorbs use custom hooks to enforce flag naming rules", False),
    # Cost as what a comparison is judged on is no price asked for.
    ("fact tables vs legacy metrics for warehouse scan cost?", True),
    ("fact tables vs legacy metrics: what price per warehouse scan?", False),
)


@pytest.mark.parametrize(("question", "answered"), ASKED)
async def test_clipped_words_and_cost_criteria_are_answered(
    docs: Deps, question: str, answered: bool
) -> None:
    found = await retrieve(docs, question, access=Access(staff=True))
    assert compose_extractive(found).grounded is answered


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        # Cost as what a comparison is judged on asks no price.
        ("fact tables vs legacy metrics for scan cost?", ()),
        ("managed warehouse vs your own warehouse in terms of cost?", ()),
        ("pro vs enterprise price?", (Figure.PRICE,)),
        ("how much is pro vs enterprise for cost?", (Figure.PRICE,)),
        ("what does fact table scanning cost?", (Figure.PRICE,)),
        # A bound of time asks a duration, not a count.
        ("what should the sdk cache max age be for a daily bandit?", (Figure.DURATION,)),
        ("is there a maximum timeout for webhook calls?", (Figure.DURATION,)),
        ("max number of projects per organization?", (Figure.COUNT,)),
        ("what's the max file size for uploads?", (Figure.COUNT,)),
        # A quoted example the question goes on about is what is typed, not asked.
        ("can I type 'how many signups last week' and get a chart?", ()),
        ("getting an 'items exceed size limit' error, what gives?", ()),
        ('client asks: "How many seats come with pro?"', (Figure.COUNT,)),
    ],
)
def test_the_figure_a_question_asks(question: str, kinds: tuple[Figure, ...]) -> None:
    assert asked_figures(question) == kinds


def test_what_a_shorthand_stands_for() -> None:
    vocabulary = Vocabulary.build(
        ["customers and their account management on the infrastructure", "perl"]
    )
    assert meanings("custs", vocabulary) == ("customers",)
    assert meanings("acct", vocabulary) == ("account",)
    assert meanings("mgmt", vocabulary) == ("management",)
    assert meanings("infra", vocabulary) == ("infrastructure",)
    assert meanings("perl", vocabulary) == ()  # a word the documents write
    assert meanings("funds", vocabulary) == ()  # an English word of its own
    assert meanings("okra", vocabulary) == ()
