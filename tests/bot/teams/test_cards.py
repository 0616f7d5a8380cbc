"""bot/teams/cards.py: every card validates against the Adaptive Cards 1.5 schema, matches
its snapshot (tests/bot/teams/snapshots/, rewritten only with UPDATE_SNAPSHOTS=1) and
stays under the Teams message size limit."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from bot.core import Button, Citation, Fact, Field, Form, Option, Reply
from bot.teams import cards, inbound

SNAPSHOTS = Path(__file__).parent / "snapshots"
SHARED = Path(__file__).resolve().parents[3].parent / "shared"
LIMITS = SHARED / "LIMITS.json"

DEAL_FORM = Form(
    form_id="form-register-deal",
    title="Register a deal",
    intro="Tell us about the opportunity. **All** fields marked * are required.",
    fields=(
        Field("company", "Customer company", required=True, placeholder="Contoso Ltd"),
        Field("domain", "Customer domain", kind="text", max_length=253, hint="e.g. contoso.com"),
        Field("email", "Contact email", kind="email"),
        Field("notes", "Notes", kind="multiline"),
        Field("value", "Deal value (USD)", kind="number", required=True, initial="25000"),
        Field("close", "Expected close date", kind="date", initial="2027-01-31"),
        Field(
            "stage",
            "Stage",
            kind="select",
            options=(Option("discovery", "Discovery"), Option("proposal", "Proposal")),
            initial="discovery",
        ),
        Field(
            "products",
            "Products",
            kind="multiselect",
            options=(Option("core", "Core"), Option("cloud", "Cloud"), Option("ai", "AI add-on")),
        ),
    ),
    submit_label="Register",
    metadata='{"partner_id": 7}',
)

REPLIES: dict[str, Reply] = {
    "help": Reply(
        title="What I can do for you",
        text="You're in a direct message with me.\n- `/deals [status]`: your deals",
        context=("Each command also works as a message: `@PartnerBot deals`.",),
        visibility="only_actor",
    ),
    "link_confirmation": Reply(
        text="Created partner and linked this channel to *Acme*.",
        facts=(Fact("Tier", "gold"), Fact("Region", "—"), Fact("Time zone", "UTC")),
    ),
    "menu": Reply(
        text="Hi Alice! What would you like to do?",
        buttons=(
            Button("Register a deal", "menu-register-deal", style="primary"),
            Button("Reject", "deal-reject", value="42", style="danger"),
            Button("Help", "menu-help"),
            Button("Open portal", "open-portal", url="https://partners.example.com/"),
        ),
    ),
    "answer_with_sources": Reply(
        text="SSO is included in the **Pro** plan [1], and SCIM in Enterprise [2].",
        citations=tuple(
            Citation(n, f"doc-{n}", f"Pricing guide part {n}", url=f"https://kb.example/{n}")
            for n in range(1, 13)
        ),
        context=("Answered from the knowledge base.",),
    ),
    "ungrounded": Reply(
        text="I don't know that one yet.",
        warning="No sources found for this question.",
        buttons=(
            Button("Helpful", "kb-feedback", value="up"),
            Button("Not helpful", "kb-feedback", value="down"),
        ),
    ),
    "mentions": Reply(text="<@29:bob> can now manage partners.", title="Managers"),
}

FORMS: dict[str, tuple[Form, dict[str, Any] | None]] = {
    "form_deal": (DEAL_FORM, None),
    "form_deal_errors": (
        Form(
            form_id=DEAL_FORM.form_id,
            title=DEAL_FORM.title,
            fields=DEAL_FORM.fields,
            submit_label=DEAL_FORM.submit_label,
            metadata=DEAL_FORM.metadata,
            errors={
                "company": "Tell us the customer's company.",
                "value": "A deal value is a positive number.",
                "__all__": "This deal may conflict with an existing registration.",
            },
        ),
        {"company": None, "value": "-5", "products": ["core", "ai"], "notes": "urgent"},
    ),
}


def _all_cards() -> dict[str, dict[str, Any]]:
    made = {name: cards.reply_card(reply) for name, reply in REPLIES.items()}
    made.update(
        {name: cards.form_card(form, values=values) for name, (form, values) in FORMS.items()}
    )
    return made


CARDS = _all_cards()


@pytest.mark.parametrize("name", sorted(CARDS))
def test_card_is_valid_adaptive_card_1_5(name: str, adaptive_card_validator: Any) -> None:
    card = CARDS[name]
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in adaptive_card_validator.iter_errors(card)
    ]
    assert errors == []
    assert card["version"] == "1.5"


@pytest.mark.parametrize("name", sorted(CARDS))
def test_card_matches_snapshot(name: str) -> None:
    path = SNAPSHOTS / f"{name}.json"
    rendered = json.dumps(CARDS[name], indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}; run with UPDATE_SNAPSHOTS=1 once"
    assert rendered == path.read_text(encoding="utf-8")


def test_sources_are_numbered_and_capped() -> None:
    lines = [b["text"] for b in CARDS["answer_with_sources"]["body"]]
    assert "Sources" in lines
    assert "[1] [Pricing guide part 1](https://kb.example/1)" in lines
    assert f"[{cards.MAX_CITATIONS}] " in "\n".join(lines)
    assert f"[{cards.MAX_CITATIONS + 1}] " not in "\n".join(lines)
    assert "…and 2 more" in lines


def test_buttons_carry_action_data_and_styles() -> None:
    actions = CARDS["menu"]["actions"]
    assert actions[0]["data"] == {inbound.ACTION_KEY: "menu-register-deal", inbound.VALUE_KEY: ""}
    assert actions[0]["style"] == "positive"
    assert actions[1]["style"] == "destructive"
    assert actions[3] == {
        "type": "Action.OpenUrl",
        "title": "Open portal",
        "url": "https://partners.example.com/",
    }


def test_form_errors_sit_under_fields_and_values_are_kept() -> None:
    body = CARDS["form_deal_errors"]["body"]
    ids = [element.get("id") or element.get("text") for element in body]
    value_index = ids.index("value")
    assert ids[value_index + 1] == "A deal value is a positive number."
    assert body[value_index + 1]["color"] == "Attention"
    assert "This deal may conflict with an existing registration." in ids[:3]
    products = next(e for e in body if e.get("id") == "products")
    assert products["value"] == "core,ai" and products["isMultiSelect"] is True
    notes = next(e for e in body if e.get("id") == "notes")
    assert notes["value"] == "urgent"
    data = CARDS["form_deal_errors"]["actions"][0]["data"]
    assert data[inbound.FORM_KEY] == "form-register-deal"
    assert data[inbound.META_KEY] == '{"partner_id": 7}'
    assert data[inbound.MULTI_KEY] == ["products"]
    definition = cards.form_from_definition(data[inbound.DEFINITION_KEY])
    assert definition is not None and definition.fields == DEAL_FORM.fields


def test_huge_text_is_cut_to_fit_the_message_limit(adaptive_card_validator: Any) -> None:
    limit_kb = 100
    if LIMITS.exists():
        limit_kb = json.loads(LIMITS.read_text())["teams.bot_message.max_kb"]
    card = cards.reply_card(
        Reply(text="word " * 60_000, title="Big", facts=(Fact("a", "b" * 5_000),) * 20)
    )
    assert cards.card_size(card) < limit_kb * 1024
    assert card["body"][1]["text"].endswith("…")
    assert list(adaptive_card_validator.iter_errors(card)) == []


def test_needs_card() -> None:
    assert not cards.needs_card(Reply(text="plain"))
    assert cards.needs_card(Reply(text="x", buttons=(Button("b", "a"),)))
    assert cards.needs_card(Reply(text="x", form=DEAL_FORM))
