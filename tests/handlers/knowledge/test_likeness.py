"""A question asking for the like of a documented thing ("a Teams integration like
the Slack one") is not answered from the page of the thing it names as the model;
the thing itself, when documented, still is."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.likeness import model_page, model_words, without_model
from handlers.knowledge.terms import Query, Vocabulary
from tests.handlers.kb_world import assert_answered

PAGES = {
    "slack.md": """# Slack integration

Send event alerts to a Slack channel: choose the events (a flag changed, an experiment
started) and the channel, and the integration posts each alert as a message.
""",
    "react.md": """# React SDK

Install the React SDK with npm and wrap your app in the GrowthBook provider; the
integration reads flags from context.
""",
    "react-native.md": """# React Native SDK

The React Native SDK runs in iOS and Android apps; install it with npm and wrap your
app in the GrowthBook provider.
""",
    "sso.md": """# Single sign-on

Sign in with Microsoft Entra ID or Google, and invite your teams to the workspace. The
SSO integration supports SAML.
""",
    "integrations.md": """# Integrations

Native integrations: event alerts go to Slack or Discord, and Datadog
turns a flag off when errors spike.
""",
    "billing.md": """# Billing

Invoices are sent monthly, one per workspace, to its owner.
""",
}


@pytest.mark.parametrize(
    ("question", "model"),
    [
        ("is there a Teams integration for alerts like the Slack one?", {"slack"}),
        ("alerts like the slack and discord ones?", {"slack", "discord"}),
        ("a plugin like the vs code extension?", {"code"}),
        ("an importer for Optimizely like the one for LaunchDarkly?", {"launchdark"}),
        ("can we get alerts in Teams the way Slack works?", {"slack"}),
        ("can we get alerts in Teams the way we get them in Slack?", {"slack"}),
        # Not a model: an example of a value, or "the way to" do something.
        ("do attribute values like emails get sent?", set()),
        ("what's the way to build a funnel metric?", set()),
    ],
)
def test_the_model_is_what_the_question_likens_its_thing_to(question: str, model: set[str]) -> None:
    assert model_words(question) == model


def test_the_request_leaves_the_model_out() -> None:
    query = Query(core=("teams", "alerts", "slack"), terms=("teams", "alerts", "slack"))
    assert without_model(query, frozenset({"slack"})).focus == ("teams", "alerts")
    assert without_model(query, frozenset()) is query


def test_a_page_titled_by_the_model_and_no_rarer_asked_word_is_the_models() -> None:
    vocabulary = Vocabulary.build(
        ["React SDK", "React Native SDK", "Go SDK", "Python SDK", "Billing", "Invoices"]
    )
    query = Query(core=("react", "native", "sdk"), terms=("react", "native", "sdk"))
    assert model_page("React SDK", query, vocabulary, frozenset({"react"}))
    assert not model_page("React Native SDK", query, vocabulary, frozenset({"react"}))


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("is there a Teams integration for event alerts like the Slack one?", False),
        ("can we get event alerts in a channel the way Slack works, but in Teams?", False),
        # The overview naming the models covers their words, not the thing asked.
        ("we're on teams, not slack. a native teams alert integration like the slack ones?", False),
        ("is there a native Teams alert integration like the Slack and Discord ones?", False),
        ("is there a Slack integration for event alerts?", True),
        ("is there a React Native SDK like the React one?", True),
    ],
)
async def test_the_models_page_does_not_answer_for_the_thing_asked(
    docs: Deps, question: str, answered: bool
) -> None:
    await assert_answered(docs, question, answered)
