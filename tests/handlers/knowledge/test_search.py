"""Retrieval over real product documentation (a handful of ../shared/kb-corpus files):
chat phrasing, typos, synonyms; and query normalisation on its own."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.glossary import Glossary, parse_glossary
from handlers.knowledge.ingest import ingest
from handlers.knowledge.search import retrieve
from handlers.knowledge.terms import Vocabulary, normalise
from handlers.knowledge.words import GENERIC_SYNONYMS
from storage.kb_search import Access
from tests.handlers.kb_world import CORPUS

FILES = (
    "sso.mdx",
    "compliance.mdx",
    "self-host.mdx",
    "lib/python.mdx",
    "statistics/sequential.mdx",
    "warehouses/postgres.mdx",
    "features/environments.mdx",
    "integrations/scim.mdx",
)
QUESTIONS = (
    ("is growthbook soc2 compliant?", "compliance.mdx"),
    ("can we set up sso with okta", "sso.mdx"),
    ("can i peek at results early? sequentail testing", "sequential.mdx"),
    ("what ip to whitelist for our postgress db", "postgres.mdx"),
    ("install the pyhton sdk", "python.mdx"),
    ("staging vs prod for flags", "environments.mdx"),
    ("can we self host with docker", "self-host.mdx"),
)


@pytest.fixture
async def corpus(deps: Deps) -> Deps:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared documentation corpus is not on this machine ({CORPUS})")
    report = await ingest(deps, [CORPUS / name for name in FILES])
    assert report.added == len(FILES)
    return deps


@pytest.mark.parametrize(("question", "expected"), QUESTIONS)
async def test_partner_questions_find_the_right_document_first(
    corpus: Deps, question: str, expected: str
) -> None:
    found = await retrieve(corpus, question, access=Access(staff=True))
    assert found.passages[0].passage.source == expected
    assert found.coverage >= 0.5


async def test_ranked_passages_are_distinct_and_scored_best_first(corpus: Deps) -> None:
    found = await retrieve(corpus, "sso saml okta", access=Access(staff=True), limit=20)
    ids = [item.passage.id for item in found.passages]
    scores = [item.score for item in found.passages]
    assert len(ids) == len(set(ids)) == 20
    assert scores == sorted(scores, reverse=True)


def test_normalise_drops_chat_noise_repairs_typos_and_adds_glossary_words() -> None:
    vocabulary = Vocabulary.build(["Sequential testing lets you peek.", "Single sign-on (SSO)"])
    glossary = Glossary.of(parse_glossary("SSO: single sign-on\nSAML: [security assertion]"))
    query = normalise(
        "<@U123> hey, does SAML do sequentail testing?? https://x.io", vocabulary, glossary
    )
    assert query.core == ("saml", "sequential", "testing")
    assert ("sequentail", "sequential") in query.repaired
    assert "security" in query.terms and "assertion" in query.extra
    assert query.alternatives_of("saml") == ("security", "assertion")
    # Short or unknown-but-unlike words are left alone rather than forced onto the index.
    assert normalise("apac bitcoin", vocabulary).core == ("apac", "bitcoin")
    # A letters-and-digits word the index does not know is split: "soc2" -> "soc", "2".
    assert normalise("soc2 report", Vocabulary.build(["SOC 2 report"])).core == (
        "soc",
        "2",
        "report",
    )


def test_no_product_words_are_built_in() -> None:
    """Only generic English equivalences ship in code; product words come from the
    vendor's glossary and documents."""
    assert {"bigquery", "ga4", "gtm", "bandit", "sso", "saml", "k8s"}.isdisjoint(GENERIC_SYNONYMS)
    vocabulary = Vocabulary.build(["Single sign-on (SSO) with SAML."])
    assert normalise("does sso do saml", vocabulary).extra == ()


ASKED = (
    ("does sso work with okta?", True),
    ("hey guys, quick q - is growthbook hipaa complaint? thanks!", True),  # typo, filler
    ("can we self-host it with dokcer compose", True),
    ("does sso work with pingfederate?", False),  # a provider the pages never name
    ("can growthbook run on heroku", False),
    ("can the python sdk send results to looker", False),  # not "looked"; the rest is covered
)


@pytest.mark.parametrize(("question", "answered"), ASKED)
async def test_undocumented_things_are_declined_and_typos_still_answered(
    corpus: Deps, question: str, answered: bool
) -> None:
    found = await retrieve(corpus, question, access=Access(staff=True))
    assert compose_extractive(found).grounded is answered


def test_words_run_together_or_derived_are_told_from_typos() -> None:
    vocabulary = Vocabulary.build(
        ["Keen IO streams events.", "We looked at the dashboards.", "Pick an element or two."]
    )
    # "keenio" is how chat writes the texts' "Keen IO": searched as both words.
    assert normalise("keenio streams", vocabulary).core == ("keen", "io", "streams")
    # ...but a name is not split around a stop word: "elementor" is no "element or".
    assert normalise("elementor widgets", vocabulary).core == ("elementor", "widgets")
    # "looker" is "look" + "er", another word: not a misspelling of "looked".
    assert vocabulary.repair("looker") is None
    assert vocabulary.repair("dashbords") == "dashboards"


def test_letters_doubled_or_not_are_repaired_however_many() -> None:
    """Two edits are past typo repair's similarity, but "reccomend" only doubles one
    letter and not another: the word meant is the one spelt alike without doubles."""
    vocabulary = Vocabulary.build(["We recommend the address of a successful rollout."])
    assert vocabulary.repair("reccomend") == "recommend"
    assert vocabulary.repair("adress") == "address"
    assert vocabulary.repair("sucesfull") == "successful"
    assert normalise("any book you reccomend?", vocabulary).core == ("book", "recommend")
    assert vocabulary.repair("rollouts") is None  # a word the index knows by its stem


def test_an_english_word_spelt_right_is_the_askers_own_not_a_slip() -> None:
    """A common English word the texts lack is no typo for a word they have that is
    one edit away ("ladder" is no "adder", "gaming" no "gating"), unless two of its
    letters swapped make that word: "complaint" for "compliant" is a slip."""
    vocabulary = Vocabulary.build(["An adder node, gating rules, a compliant setup."])
    assert normalise("what is the maturity ladder", vocabulary).core == ("maturity", "ladder")
    assert normalise("a gaming client", vocabulary).core == ("gaming", "client")
    assert normalise("is it hipaa complaint", vocabulary).core == ("hipaa", "compliant")
    assert normalise("gatting rules", vocabulary).core == ("gating", "rules")


def test_a_short_word_with_two_letters_swapped_is_repaired() -> None:
    """Four letters are too few for a fuzzy match, but a swap of two neighbouring
    letters that makes an indexed word is a slip ("tset" for "test"); an English word
    is not ("form" is no "from")."""
    vocabulary = Vocabulary.build(["Create a test from the settings."])
    assert normalise("create a new tset", vocabulary).core == ("create", "new", "test")
    assert vocabulary.repair("form") is None


def test_a_five_letter_word_is_repaired_by_a_swap_not_by_any_one_edit() -> None:
    """One edit in five letters is past the fuzzy match (a five-letter name is often one
    edit from a word: "braze", "blaze"), but two neighbouring letters swapped into an
    indexed word are a slip ("tabel", "frist")."""
    vocabulary = Vocabulary.build(["The first table in a blaze of dashboards."])
    assert normalise("their own events tabel", vocabulary).core == ("events", "table")
    assert vocabulary.repair("frist") == "first"
    assert vocabulary.repair("braze") is None
    assert vocabulary.repair("dashbords") == "dashboards"  # longer: any one edit
