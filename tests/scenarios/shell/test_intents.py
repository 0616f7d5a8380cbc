"""Plain words in the terminal: a sentence registers a deal (prefilled from what it
says), "show me my deals" lists them, a question about how things work is answered
from the documentation, and a sentence naming coming features says so."""

from __future__ import annotations

from handlers.deps import Deps
from storage import deals as deal_store
from tests.scenarios.shell.driver import chat

SENTENCE = "I'd like to register Acme Corp, acme.com, about 50k, closing end of March"
#: Keep the prefilled company, domain, value and date; product 1; the rest as offered;
#: then 1) Register on the summary.
ACCEPT = ("", "", "", "", "1", "", "", "", "1")


async def test_a_sentence_registers_a_deal_and_another_lists_it(deps: Deps) -> None:
    text = await chat(deps, SENTENCE, *ACCEPT, "show me my deals", role="partner",
                      partner_name="Acme")  # fmt: skip
    assert "Register a deal" in text
    assert "50,000 USD" in text, "the bare value is shown back in the default currency"
    assert text.count("DR-000001") >= 2, "confirmed, then listed"
    async with deps.sessions() as session:
        [deal] = await deal_store.list_deals(session)
    assert (deal.company, deal.domain, deal.value_cents, deal.currency) == (
        "Acme Corp",
        "acme.com",
        5_000_000,
        "USD",
    )
    assert deal.close_date.isoformat() == "2027-03-31"


async def test_a_question_about_deals_stays_a_question(deps: Deps) -> None:
    text = await chat(deps, "how does deal protection work?", role="partner", partner_name="Acme")
    assert "Customer company" not in text  # no registration form
    assert "I couldn't find that in the documentation." in text


async def test_asking_for_the_scorecard_in_words_runs_the_scorecard_command(deps: Deps) -> None:
    text = await chat(deps, "show me our scorecard", role="manager", partner_name="Acme")
    assert "coming soon" not in text and "Customer company" not in text
    assert "Acme" in text and "I couldn't find that in the documentation." not in text


async def test_nothing_is_registered_until_the_summary_is_confirmed(deps: Deps) -> None:
    answers = ("", "", "", "", "1", "", "", "")
    edit = ("2", "Acme Corporation", "", "", "", "", "", "", "")  # Edit: a new company name
    text = await chat(deps, SENTENCE, *answers, *edit, role="partner", partner_name="Acme")
    assert "Please check:" in text and "1) Register  2) Edit" in text
    assert text.count("Please check:") == 2, "the summary again after Edit"
    async with deps.sessions() as session:
        assert await deal_store.count_deals(session) == 0  # input ended before "1"
    text = await chat(deps, SENTENCE, *answers, *edit, "1", role="partner", partner_name="Acme")
    async with deps.sessions() as session:
        [deal] = await deal_store.list_deals(session)
    assert deal.company == "Acme Corporation"


async def test_check_ins_in_words_show_the_schedule_or_say_how_they_work(deps: Deps) -> None:
    manager = await chat(deps, "show check-ins", role="manager", partner_name="Acme")
    assert "Check-ins for Acme" in manager and "coming soon" not in manager
    rep = await chat(deps, "any check ins due for me?", role="partner", partner_name="Acme")
    assert "posted in your partner channel" in rep and "coming soon" not in rep
