"""A version is stated of the thing whose version is asked (handlers.knowledge.versions)."""

from __future__ import annotations

from handlers.deps import Deps
from handlers.knowledge.terms import normalise
from handlers.knowledge.versions import states_version, versioned_words
from tests.handlers.kb_world import assert_the_figure_decides

PAGES = {
    "rust.md": """# Rust SDK

## Toolchain

Builds need Rust 1.70.0 or higher.

## Async

The SDK runs on an async runtime: Tokio, or any runtime compatible with async-std.
""",
    "go.md": """# Go SDK

Install the latest version of the Go SDK with go get; it requires a client key.
""",
    "billing.md": """# Billing

Invoices are sent monthly to the owner of the workspace.
""",
}


def _versioned(question: str) -> tuple[str, ...]:
    return versioned_words(question, normalise(question, None), None)


def test_the_versioned_thing_is_named_before_version() -> None:
    assert _versioned("minimum postgres server version supported as a data source") == (
        "postgres",
        "server",
    )
    assert _versioned("which version of the php sdk?") == ("php", "sdk")
    assert _versioned("docker tag for prod - latest or pinned version?") == ()
    assert _versioned("what versions are supported?") == ()


def test_a_version_of_something_else_states_none() -> None:
    query = normalise("minimum postgres version?", None)
    other = "Databricks is currently only supported on version 10.2 and above."
    assert not states_version(other, "Data sources", ("postgres",), query)
    assert states_version(
        "Postgres 12 or later is supported.", "Data sources", ("postgres",), query
    )
    # A heading naming the versioned thing: its sentence's version is of it.
    assert states_version("It requires 12.1 or later.", "Postgres", ("postgres",), query)
    # No version as written: a number word or a count.
    assert not states_version("Postgres runs one query per metric.", "", ("postgres",), query)


async def test_a_version_asked_beside_another_thing_is_of_the_versioned_thing(
    docs: Deps,
) -> None:
    # "Rust 1.70.0" states the Rust version though its line names no async runtime.
    await assert_the_figure_decides(
        docs, "rust sdk needs which rust version and async runtime", True
    )
    await assert_the_figure_decides(docs, "which go version does the go sdk require?", False)
