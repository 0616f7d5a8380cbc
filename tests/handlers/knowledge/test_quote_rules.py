"""Which sentences the extractive answer quotes with the ones chosen for the
question's words: the sentence after a chosen one that goes on about it ("This
metadata includes ..."), the items of a list a chosen sentence introduces, and for a
yes/no question the sentence that says what is only or not so, first; never a label."""

from __future__ import annotations

from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.sentences import LIST_CHARS, sentences
from handlers.knowledge.terms import Query
from storage.kb import PassageRow


def passage(pid: int, section: str, body: str) -> PassageRow:
    return PassageRow(
        id=pid,
        document_id=1,
        source="doc1.md",
        url=None,
        doc_title="Warehouse",
        title="Warehouse",
        section=section,
        body=body,
        position=pid,
    )


def answer(body: str, core: tuple[str, ...], question: str, section: str = "Setup") -> str:
    items = (Retrieved(passage(1, section, body), 1.0, 0, None, 0.9),)
    found = Retrieval(Query(core=core, terms=core), items, 0.9, None, question=question)
    text = compose_extractive(found).text
    return " ".join(line.removeprefix("> ") for line in text.splitlines()[1:])


def test_the_sentence_that_goes_on_about_a_quoted_one_comes_with_it() -> None:
    body = (
        "The import reads the assignment queries of each data source every hour. "
        "Dashboards chart the traffic of every team by day. "
        "The import also collects metadata while it reads them. "
        "This metadata includes the experiment name and its start date. "
        "Reports are emailed weekly to every admin."
    )
    text = answer(body, ("import", "metadata", "queries"), "what metadata does the import read?")
    assert "also collects metadata" in text
    assert "experiment name and its start date" in text


def test_a_sentence_introducing_a_list_carries_its_items() -> None:
    body = (
        "Each constant has one type:\n\n"
        "- String — a plain text value such as a hostname.\n"
        "- JSON — a key/value object merged into configs.\n\n"
        "Constants are edited on their own page."
    )
    units = sentences(body)
    assert units[0].text.startswith("Each constant has one type: String")
    assert "key/value object" in units[0].text
    assert [u.is_item for u in units] == [False, True, True, False]
    text = answer(body, ("constant", "types"), "constant types supported?", section="Types")
    assert "plain text value" in text and "key/value object" in text
    assert text.count("key/value object") == 1  # the item is not quoted again on its own


def test_a_table_a_sentence_introduces_brings_its_rows_up_to_the_list_budget() -> None:
    body = (
        "We create 3 tables in the warehouse:\n\n"
        "| Table | Holds | Columns |\n|---|---|---|\n"
        "| events | All custom events | event_name, timestamp |\n"
        "| experiment_views | Experiment exposure events | experiment_id, timestamp |\n"
        "| feature_usage | Feature flag evaluation events | feature, timestamp |\n"
    )
    lead = sentences(body)[0]
    assert "Experiment exposure events" in lead.text
    assert "Feature flag evaluation events" in lead.text
    assert len(lead.text) <= len("We create 3 tables in the warehouse:") + LIST_CHARS + 1


def test_a_yes_no_answer_leads_with_what_is_only_or_not_so() -> None:
    body = (
        "You can use hooks to check the naming rules of every flag on the server. "
        "Hooks run in a sandbox with a short time budget. "
        "Hooks are only available to use on self-hosted Enterprise installs."
    )
    text = answer(body, ("hooks", "use", "cloud"), "can we use hooks on cloud?")
    assert text.startswith("Hooks are only available")
    assert "naming rules" in text


def test_a_yes_no_answer_keeps_the_limiting_sentence_within_its_budget() -> None:
    body = (
        "Pipeline mode refresh writes intermediate tables in your warehouse for every "
        "experiment you run, and it reuses those tables across all of the later updates so "
        "that each new run of the analysis only scans the new rows that arrived since the "
        "last one finished. "
        "To confirm pipeline mode is used, look at the queries run for your experiment. "
        "Pipeline mode refresh supports two strategies, an incremental one and a full one, "
        "and either one can be picked for each experiment from the settings page of the "
        "warehouse connection, where the schedule of the updates is also set for the team. "
        "Pipeline mode refresh is only available for BigQuery and Snowflake warehouses."
    )
    core = ("pipeline", "mode", "refresh", "tables", "warehouse")
    text = answer(body, core, "can we use pipeline mode refresh on redshift?")
    assert text.startswith("Pipeline mode refresh is only available for BigQuery")


def test_a_label_paragraph_is_never_quoted_as_the_answer() -> None:
    body = (
        "Why checklists matter\n\n"
        "Checklists matter because they stop launches that miss a hypothesis.\n\n"
        "yarn add @acme/checklists\n\n"
        "Reports are emailed weekly to every admin."
    )
    units = sentences(body)
    assert [u.is_label for u in units] == [True, False, False, False]
    text = answer(body, ("checklists", "matter"), "why do checklists matter?")
    assert "stop launches" in text
    assert "Why checklists matter" not in text
