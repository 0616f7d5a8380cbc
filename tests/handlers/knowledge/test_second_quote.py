"""The second page's quote is chosen like the first page's (up to two sentences), and
only its one best sentence decides whether the answer is given."""

from __future__ import annotations

from handlers.knowledge.answer import compose_extractive
from tests.handlers.knowledge.ranked import ranked


def test_the_second_page_quotes_its_sentence_stating_the_rest_of_the_question() -> None:
    found = ranked(
        ("proxy", "cache", "redis", "sync"),
        (1, 9.0, 0.9, "The proxy serves flags from a cache in Redis."),
        (
            2,
            8.0,
            0.9,
            "The proxy keeps its cache in Redis. Docker images are published weekly. "
            "Proxy changes sync within seconds.",
        ),
        question="does the proxy cache in redis, and how fast do changes sync?",
    )
    answer = compose_extractive(found)
    assert answer.grounded
    second = answer.text.split("[2]\n> ", 1)[1]
    assert second.startswith("The proxy keeps its cache in Redis.")
    assert "Proxy changes sync within seconds." in second
