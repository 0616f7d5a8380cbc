"""The "I don't know" rule: more than half of the question must be supported (the
idf-weighted share of its words on the best page, times the share of its words the
documentation uses at all); chat typos of stop words do not count against it."""

from __future__ import annotations

from handlers.knowledge.grounding import MIN_SUPPORT, is_grounded, signals
from handlers.knowledge.search import Retrieval, Retrieved
from handlers.knowledge.terms import Vocabulary, coverage, normalise
from storage.kb import PassageRow

PAGES = (
    "Single sign-on works with Okta and Entra ID through SAML.",
    "Invoices are paid by card or bank transfer each month.",
    "Audit logs record who changed which feature and when.",
    "Webhooks fire when a feature changes, with retries.",
)


def retrieval_for(question: str) -> Retrieval:
    vocabulary = Vocabulary.build(PAGES)
    query = normalise(question, vocabulary)
    items = []
    for i, body in enumerate(PAGES):
        row = PassageRow(i, i, f"p{i}.md", None, f"Page {i}", f"Page {i}", "", body, 0)
        items.append(Retrieved(row, 1.0 / (i + 1), i, None, coverage(query, body, vocabulary)))
    items.sort(key=lambda item: -item.coverage)
    best = max(item.coverage for item in items)
    return Retrieval(query, tuple(items), best, None, vocabulary, question)


def test_a_question_the_pages_answer_is_answered_even_when_chatty() -> None:
    assert is_grounded(retrieval_for("does single sign-on work with okta?"))
    chatty = retrieval_for("hey, teh customer asks: does sign-on work with okta and saml??")
    assert chatty.query.core == ("customer", "asks", "sign", "okta", "saml")  # no "teh"
    found = signals(chatty)
    assert found.foreign == 2 / 5  # "customer" and "asks": words these pages never use
    assert found.coverage == 1.0 and found.support > MIN_SUPPORT
    assert is_grounded(chatty)


def test_a_question_about_something_the_docs_never_mention_is_declined() -> None:
    # Half its words unknown to the docs: "bitcoin", "dogecoin".
    coins = retrieval_for("can invoices be paid with bitcoin or dogecoin")
    assert coins.coverage == 1.0 and signals(coins).foreign == 2 / 4
    assert not is_grounded(coins)
    assert not is_grounded(retrieval_for("what time is the webinar on tuesday"))
    # One unknown word of three, with the rest on one page: the page that says how
    # invoices are paid is quoted (it does answer "can I pay with bitcoin").
    assert is_grounded(retrieval_for("can invoices be paid with bitcoin"))
    # Known words that no single page holds together are not support either.
    assert not is_grounded(retrieval_for("audit invoices okta webhooks retries"))
