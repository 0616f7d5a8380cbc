"""Knowledge answers in chat: citations, access by tier, "I don't know" handed to the
channel manager and their answer relayed back, feedback once per person, follow-ups."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bot.core import FormSubmit, Place, Reply, Request, ids
from bot.core.codec import reply_from_json
from bot.core.errors import InvalidInput
from handlers.deps import Deps
from handlers.knowledge.answer import DONT_KNOW
from handlers.knowledge.handoff import QUESTION_THREAD
from handlers.router import dispatch
from storage import kb_questions as question_store
from storage import outbox
from storage import threads as thread_store
from tests.handlers.kb_world import (
    GOLD_CHANNEL,
    GOLD_REP,
    GOLD_REP2,
    MANAGER,
    SILVER_CHANNEL,
    SILVER_REP,
    ask,
    build_world,
    click,
    say_in_thread,
)


def button(reply: Reply, action_prefix: str) -> tuple[str, str]:
    for b in reply.buttons:
        if b.action_id.startswith(action_prefix):
            return b.action_id, b.value
    raise AssertionError(f"no {action_prefix} button in {reply.buttons}")


async def test_answer_cites_sources_in_thread_with_feedback_buttons(deps: Deps) -> None:
    await build_world(deps)
    [reply] = await ask(deps, GOLD_REP, "@PartnerBot is lumora soc 2 certified?")
    assert reply.in_thread
    assert "SOC 2 Type II" in reply.text
    assert "[1]" in reply.text
    assert reply.citations[0].n == 1
    assert reply.citations[0].source_id == "security.md"
    assert reply.citations[0].title == "Security and Compliance"
    assert reply.warning is None
    labels = [b.label for b in reply.buttons]
    assert labels == ["Helpful", "Not helpful"]
    async with deps.sessions() as session:
        [question] = await question_store.list_questions(session)
    assert question.grounded and question.thread_id == GOLD_CHANNEL.message_id
    assert question.sources[0]["source_id"] == "security.md"


async def test_a_restricted_document_is_never_shown_to_other_tiers(deps: Deps) -> None:
    await build_world(deps)
    question = "what discount do partners get on list price?"
    [gold] = await ask(deps, GOLD_REP, question, GOLD_CHANNEL)
    [silver] = await ask(deps, SILVER_REP, question, SILVER_CHANNEL)
    [staff] = await ask(
        deps, MANAGER, question, Place(platform="slack", channel_id="D1", kind="dm")
    )
    assert "partner-pricing.md" in [c.source_id for c in gold.citations]
    assert "20%" in gold.text
    assert "partner-pricing.md" not in [c.source_id for c in silver.citations]
    assert "20%" not in silver.text and "30%" not in silver.text
    assert "partner-pricing.md" in [c.source_id for c in staff.citations]


async def test_unknown_question_is_a_gap_and_goes_to_the_manager(deps: Deps) -> None:
    await build_world(deps)
    [reply] = await ask(deps, GOLD_REP, "can we pay the invoice in bitcoin?")
    assert reply.text == DONT_KNOW
    assert reply.warning and reply.citations == ()
    action_id, value = button(reply, ids.KB_ASK_MANAGER)
    async with deps.sessions() as session:
        [gap] = await question_store.list_gaps(session)
    assert gap.text == "can we pay the invoice in bitcoin?" and not gap.grounded

    [escalated] = await click(deps, GOLD_REP, action_id, value, GOLD_CHANNEL)
    assert escalated.replace_original and "Maya Manager" in escalated.text
    again = await click(deps, GOLD_REP, action_id, value, GOLD_CHANNEL)
    assert again[0].visibility == "only_actor"
    async with deps.sessions() as session:
        [queued] = await outbox.list_outbox(session)
    assert queued.user_id == MANAGER.user_id and queued.thread_key == f"{QUESTION_THREAD}:{gap.id}"
    assert "bitcoin" in reply_from_json(queued.payload).text

    # The outbox delivered it to the manager's DM as message 555.1, starting the thread.
    async with deps.sessions() as session, session.begin():
        await thread_store.save_thread(
            session, queued.thread_key, platform="slack", channel_id="D-MGR", thread_id="555.1"
        )
    thread = Place(platform="slack", channel_id="D-MGR", kind="dm", thread_id="555.1")
    [thanks] = await ask(deps, MANAGER, "Not yet, but wire transfer works.", thread)
    assert "passed your answer on" in thanks.text
    async with deps.sessions() as session:
        relayed = [m for m in await outbox.list_outbox(session) if m.id != queued.id]
        [gap] = await question_store.list_gaps(session)
    assert [(m.channel_id, m.thread_id) for m in relayed] == [("C-GOLD", "100.1")]
    assert "wire transfer works" in reply_from_json(relayed[0].payload).text
    assert gap.manager_answer == "Not yet, but wire transfer works."


async def test_a_partner_cannot_answer_in_a_managers_thread(deps: Deps) -> None:
    await build_world(deps)
    [reply] = await ask(deps, GOLD_REP, "can we pay the invoice in bitcoin?")
    action_id, value = button(reply, ids.KB_ASK_MANAGER)
    await click(deps, GOLD_REP, action_id, value, GOLD_CHANNEL)
    async with deps.sessions() as session, session.begin():
        await thread_store.save_thread(
            session, f"{QUESTION_THREAD}:{value}", platform="slack", channel_id="C-GOLD",
            thread_id="777.1",
        )  # fmt: skip
    thread = Place(platform="slack", channel_id="C-GOLD", thread_id="777.1")
    await say_in_thread(deps, GOLD_REP, "answering myself", thread)
    async with deps.sessions() as session:
        [gap] = await question_store.list_gaps(session)
    assert gap.manager_answer is None


async def test_feedback_once_per_person_and_the_message_thanks_them(deps: Deps) -> None:
    await build_world(deps)
    [reply] = await ask(deps, GOLD_REP, "does single sign on work with okta?")
    action_id, value = button(reply, ids.KB_HELPFUL)
    replaced, confirmation = await click(deps, GOLD_REP, action_id, value, GOLD_CHANNEL)
    assert replaced.replace_original and replaced.buttons == ()
    assert replaced.citations == reply.citations and replaced.text == reply.text
    assert any("Thanks" in line for line in replaced.context)
    assert confirmation.visibility == "only_actor"

    [twice] = await click(deps, GOLD_REP, action_id, value, GOLD_CHANNEL)
    assert twice.visibility == "only_actor" and "already" in twice.text
    not_helpful, _ = button(reply, ids.KB_NOT_HELPFUL)
    [other, _] = await click(deps, GOLD_REP2, not_helpful, value, GOLD_CHANNEL)
    assert other.replace_original
    async with deps.sessions() as session:
        rows = await question_store.list_feedback(session, json.loads(value)["question_id"])
    assert sorted(r.helpful for r in rows) == [False, True]


async def test_follow_up_in_the_answer_thread_needs_no_mention(deps: Deps) -> None:
    await build_world(deps)
    await ask(deps, GOLD_REP, "is lumora gdpr compliant?")
    thread = Place(platform="slack", channel_id="C-GOLD", thread_id="100.1", message_id="100.2")
    [follow_up] = await say_in_thread(deps, GOLD_REP, "and how is data encrypted at rest?", thread)
    assert "AES-256" in follow_up.text
    other = Place(platform="slack", channel_id="C-GOLD", thread_id="999.9")
    assert await say_in_thread(deps, GOLD_REP, "and encryption?", other) == []
    # A colleague chatting in the answer's thread is not answered by the bot.
    assert await say_in_thread(deps, GOLD_REP2, "thanks, that helps!", thread) == []


async def test_dm_question_and_empty_ask(deps: Deps) -> None:
    await build_world(deps)
    dm = Place(platform="slack", channel_id="D-GOLD", kind="dm", message_id="5.1")
    [reply] = await ask(deps, GOLD_REP, "which regions store customer data?", dm)
    assert not reply.in_thread
    assert "Frankfurt" in reply.text
    [empty] = await ask(deps, GOLD_REP, "/ask", GOLD_CHANNEL)
    assert empty.visibility == "only_actor" and "/ask" in empty.text


async def test_the_menus_ask_button_opens_a_form_whose_question_is_answered(
    deps: Deps,
) -> None:
    await build_world(deps)
    [opened] = await click(deps, GOLD_REP, ids.MENU_ASK, "", GOLD_CHANNEL)
    assert opened.form is not None and opened.form.form_id == ids.FORM_ASK
    submit = Request(
        actor=GOLD_REP,
        place=Place(platform="slack", channel_id="C-GOLD"),
        submit=FormSubmit(form_id=ids.FORM_ASK, values={"question": "is data encrypted?"}),
    )
    [answer] = await dispatch(submit, deps)
    assert "AES-256" in answer.text and not answer.in_thread
    empty = dataclasses.replace(submit, submit=FormSubmit(ids.FORM_ASK, {"question": " "}))
    with pytest.raises(InvalidInput):
        await dispatch(empty, deps)
