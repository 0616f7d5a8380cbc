"""Composing answers: citation numbering, de-duplication and cap; extractive quotes;
LLM text renumbered to sources; the grounding decision."""

from __future__ import annotations

import dataclasses

from handlers.knowledge.answer import (
    DONT_KNOW,
    MAX_CITATIONS,
    best_quote,
    compose_extractive,
    number_citations,
)
from handlers.knowledge.asking import asked_parts
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.sentences import sentences
from handlers.knowledge.terms import Query, normalise
from handlers.knowledge.written import renumber
from storage.kb import PassageRow


def passage(pid: int, doc: int, *, section: str = "Intro", body: str = "Text.") -> PassageRow:
    return PassageRow(
        id=pid,
        document_id=doc,
        source=f"doc{doc}.md",
        url=None if doc != 2 else "https://docs.example/doc2",
        doc_title=f"Document {doc}",
        title=f"Document {doc}",
        section=section,
        body=body,
        position=pid,
    )


def retrieval(
    passages: list[PassageRow],
    *,
    core: tuple[str, ...],
    cover: float,
    each: tuple[float, ...] = (),
) -> Retrieval:
    """`cover` is the best coverage; `each` the coverage of each passage (default: cover)."""
    items = tuple(
        Retrieved(p, 1.0 / (i + 1), i, None, each[i] if i < len(each) else cover)
        for i, p in enumerate(passages)
    )
    return Retrieval(Query(core=core, terms=core), items, cover, None)


def test_citations_are_numbered_in_order_deduplicated_and_capped() -> None:
    passages = [passage(1, 7), passage(2, 2), passage(3, 7), passage(4, 3), passage(5, 4)]
    citations, numbers = number_citations(passages)
    assert [(c.n, c.source_id) for c in citations] == [
        (1, "doc7.md"),
        (2, "doc2.md"),
        (3, "doc3.md"),
    ]
    assert len(citations) == MAX_CITATIONS
    assert numbers == {1: 1, 2: 2, 3: 1, 4: 3}  # passage 5's document did not fit
    assert citations[1].url == "https://docs.example/doc2"
    assert citations[0].section == "Intro"


def test_extractive_answer_quotes_briefly_with_numbered_sources() -> None:
    long_body = "Filler sentence here. " * 30 + "SSO supports SAML and OIDC. More words follow."
    other = "Okta and Entra ID connect through SAML SSO."
    found = retrieval(
        [
            passage(1, 1, body=long_body, section="SSO"),
            passage(2, 1),
            passage(3, 2, body=other),
        ],
        core=("sso", "saml"),
        cover=0.9,
    )
    answer = compose_extractive(found)
    assert answer.grounded
    assert answer.text.startswith("*Document 1* › SSO [1]\n> SSO supports SAML and OIDC.")
    assert "Filler" not in answer.text  # the sentence that states it, not the section head
    assert f"[2]\n> {other}" in answer.text
    assert [c.n for c in answer.citations] == [1, 2]
    assert len(best_quote(long_body, ("filler",))) <= 480


def test_a_second_source_is_quoted_only_when_it_is_about_the_question() -> None:
    found = retrieval(
        [passage(1, 1, body="SSO supports SAML."), passage(2, 2, body="Plans and prices.")],
        core=("sso", "saml"),
        cover=0.9,
        each=(0.9, 0.1),
    )
    answer = compose_extractive(found)
    assert [c.source_id for c in answer.citations] == ["doc1.md"]
    assert "[2]" not in answer.text


def test_a_page_repeating_the_quoted_sentence_gives_way_to_the_next_page() -> None:
    shared = "To change the edge tracking callback, set the TRACKING_CALLBACK variable."
    found = retrieval(
        [
            passage(1, 1, body=f"The edge app tracks views in the browser. {shared}"),
            passage(2, 2, body=shared),
            passage(3, 3, body="Experiments on the edge report to a callback of their own."),
        ],
        core=("edge", "tracking", "callback"),
        cover=0.9,
    )
    answer = compose_extractive(found)
    assert answer.text.count(shared) == 1
    assert [c.source_id for c in answer.citations] == ["doc1.md", "doc3.md"]
    assert "[2]\n> Experiments on the edge report to a callback of their own." in answer.text


def test_weak_retrieval_is_an_honest_i_dont_know() -> None:
    weak = retrieval([passage(1, 1)], core=("bitcoin", "invoice"), cover=0.2)
    answer = compose_extractive(weak)
    assert (answer.grounded, answer.text, answer.citations) == (False, DONT_KNOW, ())
    nothing = retrieval([], core=("bitcoin",), cover=0.0)
    assert not compose_extractive(nothing).grounded


def test_llm_numbers_map_back_to_documents_in_cited_order() -> None:
    passages = [passage(1, 5), passage(2, 6), passage(3, 5)]
    answer = renumber("Yes, via SAML [2]. Okta works [3][1]. Also [9].", passages)
    assert answer.grounded
    assert answer.text == "Yes, via SAML [1]. Okta works [2]. Also ."
    assert [(c.n, c.source_id) for c in answer.citations] == [(1, "doc6.md"), (2, "doc5.md")]
    assert not renumber("No citations at all.", passages).grounded


def test_the_quote_is_the_sentence_that_answers_not_a_config_blob() -> None:
    body = (
        "Configure it in the admin panel.\n\n"
        "```json\n"
        '{"sso": {"provider": "okta", "protocol": "oidc", "saml": false}}\n'
        "```\n\n"
        "SSO uses OpenID Connect; SAML is not supported."
    )
    found = retrieval([passage(1, 1, body=body, section="SSO")], core=("sso", "saml"), cover=1.0)
    answer = compose_extractive(found)
    assert answer.text.endswith("> SSO uses OpenID Connect; SAML is not supported.")
    assert "{" not in answer.text
    # Asked for the configuration, the JSON may be quoted.
    asked = retrieval(
        [passage(1, 1, body=body, section="SSO")], core=("sso", "json", "config"), cover=1.0
    )
    assert '"provider"' in compose_extractive(asked).text


def test_a_yes_no_question_gets_the_settling_sentence_first() -> None:
    body = (
        "Lumora supports SAML and SCIM providers. "
        "Okta is configured from the admin page. "
        "Yes, Okta SCIM provisioning works with SAML single sign-on."
    )
    core = ("okta", "scim", "saml")
    items = (Retrieved(passage(1, 1, body=body), 1.0, 0, None, 1.0),)
    question = Retrieval(
        Query(core=core, terms=core), items, 1.0, None, None, "does okta scim work?"
    )
    answer = compose_extractive(question)
    assert answer.text.split("> ", 1)[1].startswith("Yes, Okta SCIM provisioning works")
    how = dataclasses.replace(question, question="how do okta, scim and saml fit together")
    assert compose_extractive(how).text.split("> ", 1)[1].startswith("Lumora supports SAML")


def test_sentences_from_another_passage_of_the_same_page_can_answer() -> None:
    summary = passage(1, 1, section="", body="Connect Postgres with a read-only user.")
    detail = passage(
        2, 1, section="Network", body="Whitelist 52.70.79.40 for Cloud to reach Postgres."
    )
    found = retrieval([summary, detail], core=("whitelist", "cloud", "postgres"), cover=1.0)
    answer = compose_extractive(found)
    assert "52.70.79.40" in answer.text
    assert [c.source_id for c in answer.citations] == ["doc1.md"]


def test_a_command_comes_with_the_sentence_that_introduces_it_and_repeats_are_dropped() -> None:
    summary = passage(1, 1, section="", body="Lumora is SOC 2 and HIPAA compliant.")
    body = (
        "Lumora takes security seriously and is compliant with SOC 2 and HIPAA.\n\n"
        "Install the CLI with:\n\npip install lumora-cli\n\nThen sign in."
    )
    detail = passage(2, 1, section="Install", body=body)
    found = retrieval([summary, detail], core=("hipaa", "compliant"), cover=1.0)
    text = compose_extractive(found).text
    assert text.count("HIPAA") == 1  # the page says it twice; the answer once
    cli = retrieval([detail], core=("install", "cli"), cover=1.0)
    assert "Install the CLI with: `pip install lumora-cli`" in compose_extractive(cli).text


def test_a_two_part_question_gets_a_sentence_for_each_part() -> None:
    body = (
        "Many teams run Redshift Serverless in one workgroup per region and tag it. "
        "Redshift listens on port 5439 by default. "
        "Allow inbound traffic from 52.70.79.40, GrowthBook Cloud's address."
    )
    found = retrieval(
        [passage(1, 1, section="Network", body=body)],
        core=("redshift", "port", "inbound", "address"),
        cover=1.0,
    )
    text = compose_extractive(dataclasses.replace(found, question="redshift port and ip?")).text
    assert "5439" in text and "52.70.79.40" in text
    assert "workgroup" not in text


def test_a_sentence_that_refers_back_brings_the_one_before_it() -> None:
    body = (
        "Fire an experiment_viewed event from the tracking callback. "
        "The default SQL looks for a table with that event name."
    )
    found = retrieval(
        [passage(1, 1, section="Exposure", body=body)],
        core=("default", "sql", "table", "name"),
        cover=1.0,
    )
    assert "experiment_viewed" in compose_extractive(found).text


def test_a_yes_no_answer_starts_with_the_sentence_that_says_yes_or_no() -> None:
    body = "The free plan includes SSO setup guides. SSO is not available on the free plan."
    found = retrieval([passage(1, 1, body=body)], core=("sso", "free", "plan"), cover=1.0)
    asked = dataclasses.replace(found, question="is sso on the free plan?")
    assert compose_extractive(asked).text.split("> ", 1)[1].startswith("SSO is not available")


def test_the_quote_is_the_sentence_with_the_words_the_heading_does_not_already_say() -> None:
    body = (
        "The proxy runs anywhere. The proxy is fast. The proxy is small. "
        "Its cache engine is memory or redis."
    )
    found = retrieval(
        [passage(1, 1, section="Proxy", body=body)], core=("proxy", "cache"), cover=1.0
    )
    assert "Its cache engine is memory or redis." in compose_extractive(found).text


def test_a_list_item_is_quoted_whole_and_a_short_quote_brings_the_next_sentence() -> None:
    listed = "- **Timeout.** Queries that run longer than 10 minutes are cancelled.\n- Other."
    found = retrieval([passage(1, 1, body=listed)], core=("timeout",), cover=1.0)
    assert "10 minutes" in compose_extractive(found).text
    body = "This starts the proxy on port 3300. Check its healthcheck route after. Then relax."
    found = retrieval([passage(1, 1, body=body)], core=("proxy", "port"), cover=1.0)
    text = compose_extractive(found).text
    assert "healthcheck" in text and "relax" not in text


def test_a_question_asking_several_things_gets_room_for_each() -> None:
    assert asked_parts("Managed warehouse: what database is it on, and which tables?") == 2
    assert asked_parts("Event webhooks vs SDK webhooks: how do retries differ?") == 2
    assert asked_parts("Which port? What IP do we allow?") == 2
    assert asked_parts("does sso work with okta?") == 1
    body = (
        "The managed warehouse runs on a ClickHouse database that GrowthBook hosts and "
        "operates for you in its own cloud account, patched and backed up. "
        "GrowthBook creates the events table for every tracked event, with the user id, "
        "the timestamp and the event properties as separate columns. "
        "GrowthBook creates the experiment_views table for each exposure, holding the "
        "experiment key, the variation id and the time the user saw it. "
        "GrowthBook creates the feature_usage table for each flag evaluation, holding the "
        "feature key, the value served and the rule that served it."
    )
    found = retrieval(
        [passage(1, 1, section="Warehouse", body=body)],
        core=("managed", "warehouse", "database", "tables", "create"),
        cover=1.0,
    )
    one = compose_extractive(dataclasses.replace(found, question="which tables are made?"))
    asked = "managed warehouse: what database is it on, and which tables does it create?"
    both = compose_extractive(dataclasses.replace(found, question=asked))
    assert "ClickHouse" in both.text and "feature_usage" in both.text
    assert "feature_usage" not in one.text  # one part: three sentences at most


def test_a_comparison_also_gets_the_sentence_after_the_best_one() -> None:
    body = (
        "Jitsu uses the same event shape as Segment. "
        "Fire experiment_viewed from the tracking callback. "
        "Segment and Jitsu can stream event data into a warehouse table nightly."
    )
    found = retrieval(
        [passage(1, 1, section="Exposure", body=body)],
        core=("jitsu", "segment", "event", "shape"),
        cover=1.0,
    )
    asked = dataclasses.replace(found, question="jitsu vs segment events - same shape?")
    assert asked_parts(asked.question) == 2
    text = compose_extractive(asked).text
    assert "same event shape" in text and "Fire experiment_viewed" in text


def test_a_sentence_much_like_the_quoted_one_is_quoted_when_it_adds_a_word_asked() -> None:
    body = (
        "Firebase Analytics is BigQuery-only in GrowthBook. "
        "GrowthBook queries Firebase Analytics through BigQuery, not the Firebase API."
    )
    found = retrieval(
        [passage(1, 1, section="Firebase", body=body)],
        core=("growthbook", "firebase", "analytics", "api"),
        cover=1.0,
    )
    assert "not the Firebase API" in compose_extractive(found).text


def test_code_comments_and_assignments_are_not_quoted_as_prose() -> None:
    body = "// Make sure to use caching in production!\n$gb = Growthbook::create();"
    assert all(s.is_code for s in sentences(body))
    assert normalise("can an org use it", None).alternatives_of("org") == ("organization",)


def test_a_which_question_is_answered_by_the_sentence_that_names_something() -> None:
    body = (
        "Redirect tests send each variation to its own page. "
        "Redirect tests keep query strings intact across hops. "
        "Redirect tests wait for one full load before deciding. "
        "Redirect tests finish within a second or two. "
        "Redirect tests run in our Script Tag and ReactJS libraries."
    )
    found = retrieval(
        [passage(1, 1, section="Redirects", body=body)], core=("redirect", "tests"), cover=1.0
    )
    plain = compose_extractive(dataclasses.replace(found, question="how do redirect tests go?"))
    assert "Script Tag" not in plain.text  # four sentences at most, in the page's order
    asked = dataclasses.replace(found, question="which sdks run redirect tests?")
    assert "Script Tag and ReactJS" in compose_extractive(asked).text


def test_a_question_the_page_asks_itself_is_quoted_with_its_answer() -> None:
    body = (
        "Can I provision a user with project-specific permissions?\n\n"
        "No, at this time, you can only provision a user's global role."
    )
    found = retrieval(
        [passage(1, 1, section="FAQs", body=body)],
        core=("provision", "project", "permissions"),
        cover=1.0,
    )
    assert "only provision a user's global role" in compose_extractive(found).text
    assert [s.position for s in sentences(body + "\n\nThen ask support.")] == [0, 1]


def test_asked_for_limitations_the_answer_says_what_cannot_or_must_be_done() -> None:
    body = (
        "Matomo event tracking sends each exposure as a custom Matomo event. "
        "Matomo event fields are set in the tracking callback of the SDK. "
        "Matomo event dashboards show the exposures per day and per site. "
        "Event Category cannot contain any spaces."
    )
    found = retrieval(
        [passage(1, 1, section="Matomo", body=body)],
        core=("matomo", "event", "fields", "limitations"),
        cover=1.0,
    )
    asked = "what are the limitations in matomo event fields?"
    assert (
        "cannot contain any spaces"
        in compose_extractive(dataclasses.replace(found, question=asked)).text
    )


def test_a_sentence_stating_another_asked_word_comes_before_a_repeat() -> None:
    body = (
        "The proxy caches flags in memory for fast reads. "
        "Proxy instances keep one cache warm with a background refresh. "
        "The proxy cache is cleared every night at midnight. "
        "Each region runs its own copy."
    )
    found = retrieval(
        [passage(1, 1, section="Relay", body=body)], core=("proxy", "cache", "region"), cover=1.0
    )
    text = compose_extractive(dataclasses.replace(found, question="proxy cache per region?")).text
    assert "Each region runs its own copy." in text


def test_a_fact_split_over_two_sentences_is_quoted_whole() -> None:
    body = (
        "Keen IO keeps every event with its properties and timestamps. "
        "GrowthBook reads the exports from your warehouse, never from the tracker. "
        "Keen IO can export each event to Amazon S3. "
        "Dashboards chart traffic by day. "
        "Alerts go out by email."
    )
    found = retrieval(
        [passage(1, 1, section="Keen IO", body=body)],
        core=("keen", "io", "event", "connect"),
        cover=1.0,
    )
    text = compose_extractive(dataclasses.replace(found, question="how to connect keen io?")).text
    assert "never from the tracker" in text and "Amazon S3" in text
    assert "Alerts" not in text  # four sentences at most
