"""Which sentences the extractive answer quotes: the one that states the fact leads,
context chosen with it never crowds it out, a page's summary does not join a quote
just for naming the page again, a pointer elsewhere does not lead, the sentences after
and before the best one come with it, a list item wrapped over lines is one sentence,
a list of names answers a which-things question, and a rare topic name does not
outweigh the plainer words that state the answer."""

from __future__ import annotations

from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.candidates import quote_candidates
from handlers.knowledge.quote import score
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.sentences import Sentence
from handlers.knowledge.terms import Query, Vocabulary
from storage.kb import PassageRow


def passage(pid: int, doc: int, title: str, section: str, body: str) -> PassageRow:
    return PassageRow(
        id=pid,
        document_id=doc,
        source=f"doc{doc}.md",
        url=None,
        doc_title=title,
        title=title,
        section=section,
        body=body,
        position=pid,
    )


def retrieval(passages: list[PassageRow], core: tuple[str, ...], question: str) -> Retrieval:
    items = tuple(Retrieved(p, 1.0 / (i + 1), i, None, 0.9) for i, p in enumerate(passages))
    return Retrieval(Query(core=core, terms=core), items, 0.9, None, question=question)


def quoted(answer_text: str) -> str:
    return " ".join(line.removeprefix("> ") for line in answer_text.splitlines())


def test_long_context_before_the_answering_sentence_does_not_crowd_it_out() -> None:
    setup = (
        "The decision criteria are the ways that the results of an experiment lead to a "
        "decision, so that nobody ships a change that does harm, and every experiment "
        "follows the same decision criteria unless someone changes them for that one."
    )
    more = (
        "Teams usually agree on their decision criteria before launching, because changing "
        "the decision criteria after seeing the results looks biased and can do harm to "
        "the trust of the people who review the decision."
    )
    fact = (
        "You can use the two built-in decision criteria: Clear Signals, which requires all "
        "goal metrics to win, or Do No Harm, which only requires that no metric is "
        "significantly worse, and both criteria can be copied and edited."
    )
    found = retrieval(
        [passage(1, 1, "Decisions", "Decision criteria", f"{setup} {more} {fact}")],
        ("decision", "criteria", "clear", "signals", "harm"),
        "what's the difference between the Clear Signals and Do No Harm decision criteria?",
    )
    answer = compose_extractive(found)
    assert answer.grounded
    assert fact in quoted(answer.text)


def test_the_page_summary_does_not_join_a_quote_for_naming_the_page_again() -> None:
    summary = "Use the Ruby SDK to evaluate flags in Ruby apps."
    bucketing = (
        "Available starting in version 1.3.0. Sticky bucketing keeps each user in the "
        "variation they saw first. An InMemoryStickyBucketService is provided for sticky "
        "bucketing tests."
    )
    found = retrieval(
        [
            passage(1, 1, "Ruby SDK", "Sticky Bucketing", bucketing),
            passage(2, 1, "Ruby SDK", "", summary),
        ],
        ("ruby", "sdk", "sticky", "bucketing", "version"),
        "ruby sdk sticky bucketing - which version?",
    )
    text = quoted(compose_extractive(found).text)
    assert text.startswith("*Ruby SDK* › Sticky Bucketing [1] Available starting in version 1.3.0.")
    assert "InMemoryStickyBucketService" in text
    assert summary not in text


def test_a_sentence_pointing_elsewhere_does_not_lead_the_answer() -> None:
    found = retrieval(
        [
            passage(1, 1, "Tracking", "Events", "See the tracking guide for event category rules."),
            passage(2, 2, "Matomo", "Events", "An event category allows letters and digits only."),
        ],
        ("event", "category"),
        "what characters can an event category have?",
    )
    answer = compose_extractive(found)
    assert answer.text.startswith("*Matomo* › Events [1]\n> An event category allows letters")


def test_a_yes_no_answer_leads_with_the_quoted_sentence_that_settles_it() -> None:
    found = retrieval(
        [
            passage(
                1,
                1,
                "Custom Hooks",
                "Overview",
                "Custom hooks run on the server to enforce naming rules for flags.",
            ),
            passage(
                2,
                1,
                "Custom Hooks",
                "Using hooks",
                "Custom hooks are only available on self-hosted installs.",
            ),
        ],
        ("custom", "hooks", "cloud", "enforce", "naming"),
        "Can they use custom hooks on cloud to enforce naming rules?",
    )
    text = compose_extractive(found).text
    assert text.startswith("*Custom Hooks* › Using hooks [1]\n> Custom hooks are only available")
    assert "enforce naming rules for flags" in text


def test_the_sentence_after_the_best_one_comes_with_it() -> None:
    # The best sentence names the question's words; the one after it states the
    # rest of the fact without repeating them.
    found = retrieval(
        [
            passage(
                1,
                1,
                "Importer",
                "Availability",
                "The importer is in a private beta. Email support@example.com to join it.",
            ),
            passage(2, 1, "Importer", "Scope", "The importer copies flags and environments."),
        ],
        ("importer", "beta", "flags"),
        "does the beta importer copy flags?",
    )
    text = quoted(compose_extractive(found).text)
    assert "in a private beta. Email support@example.com to join it." in text
    assert "copies flags and environments" in text


def test_the_sentence_before_the_best_one_comes_with_it() -> None:
    # The sentence before the best one states the rest of the fact ("off by default")
    # without a word of the question, of the page's topic (its title's "API").
    found = retrieval(
        [
            passage(
                1,
                1,
                "Bulk Results API",
                "",
                "The API is off by default and left out of the public reference. Self-hosted "
                "installs turn the bulk results endpoint on with BULK_RESULTS=true.",
            ),
            passage(
                2, 1, "Bulk Results API", "Limits", "The endpoint answers 60 requests a minute."
            ),
        ],
        ("hosted", "installs", "bulk", "results", "endpoint"),
        "is the bulk results endpoint on for self-hosted installs?",
    )
    text = quoted(compose_extractive(found).text)
    assert "turn the bulk results endpoint on with BULK_RESULTS=true" in text
    assert "The API is off by default" in text


def test_a_list_item_wrapped_over_lines_is_quoted_as_one_sentence() -> None:
    body = (
        "Cluster tests randomize by group. For example:\n\n"
        "- A software company might randomize at the company level so that everyone\n"
        "  at the company gets the same experience.\n"
        "- A school might randomize by district.\n"
    )
    found = retrieval(
        [passage(1, 1, "Cluster tests", "Examples", body)],
        ("company", "everyone", "same", "experience"),
        "can everyone at a company get the same experience?",
    )
    text = quoted(compose_extractive(found).text)
    assert "so that everyone at the company gets the same experience." in text
    assert "`" not in text  # the item is prose, not a snippet


def test_a_sentence_introducing_a_table_brings_its_rows_not_its_header() -> None:
    body = (
        "Route planning ships in the following apps:\n\n"
        "| App | Package | Versions |\n"
        "| --- | --- | --- |\n"
        "| Desktop | @acme/desktop | 2.1 or higher |\n"
        "| Mobile | @acme/mobile | 3.0 or higher |\n\n"
        "Older apps ignore route plans."
    )
    found = retrieval(
        [passage(1, 1, "Route planning", "Requirements", body)],
        ("apps", "route", "planning"),
        "which apps ship route planning?",
    )
    text = quoted(compose_extractive(found).text)
    assert "Desktop; @acme/desktop; 2.1 or higher" in text
    assert "Versions" not in text  # the header names the columns, it states nothing


def test_a_sentence_that_repeats_the_best_ones_words_and_states_more_is_quoted() -> None:
    body = (
        "Admins can enable the result cache in the workspace settings.\n\n"
        "Dashboards list the cached reports.\n\n"
        "For the result cache to take effect, you must also enable warm-up jobs in the "
        "workspace settings and schedule at least one of them."
    )
    found = retrieval(
        [passage(1, 1, "Result cache", "Enabling it", body)],
        ("enabled", "result", "cache", "workspace", "settings", "nothing", "changed"),
        "enabled the result cache in workspace settings but nothing changed?",
    )
    text = quoted(compose_extractive(found).text)
    assert "Admins can enable the result cache" in text
    assert "you must also enable warm-up jobs" in text


def test_a_shell_command_over_several_lines_is_not_quoted_as_prose() -> None:
    body = (
        "Cachebox stores its entries in PostgreSQL instead of files.\n\n"
        "docker run -d \\\n"
        "  --name cachebox --network app \\\n"
        "  -e STORE=postgresql://cachebox@db/entries \\\n"
        "  acme/cachebox:latest\n"
    )
    found = retrieval(
        [passage(1, 1, "Cachebox", "Storage", body)],
        ("cachebox", "stores", "entries", "postgresql"),
        "where does cachebox store its entries?",
    )
    text = quoted(compose_extractive(found).text)
    assert "stores its entries in PostgreSQL" in text
    assert "STORE=" not in text and "--name" not in text


def test_a_which_things_question_prefers_the_sentence_listing_names() -> None:
    general = "Each language can use a provider."
    listing = "Python, Go, and Java are the languages supported today."
    found = retrieval(
        [passage(1, 1, "OpenFeature", "Providers", f"{general} {listing}")],
        ("languages", "provider"),
        "which languages have a provider?",
    )
    candidates = quote_candidates(found, found.passages, [0])
    assert max(candidates, key=lambda c: c[0])[1].text == listing


def test_the_plainer_words_of_the_question_outweigh_its_rare_topic_name() -> None:
    # "databricks" is on one page of twenty, "default" and "port" on eight each: the
    # sentence stating the asked attribute beats the one that only names the topic.
    pages = ["Databricks notes."] + ["The default port is listed."] * 7 + ["Other."] * 12
    vocabulary = Vocabulary.build(pages)
    query = Query(core=("databricks", "default", "port"), terms=("databricks", "default", "port"))
    topic = Sentence.of("Databricks is a warehouse.", 0, is_code=False)
    attribute = Sentence.of("The default port is 443.", 1, is_code=False)
    assert score(attribute, query, vocabulary) > score(topic, query, vocabulary)
