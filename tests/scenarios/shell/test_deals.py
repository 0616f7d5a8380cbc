"""Deal registration in the terminal: the command, one prompt per field, re-prompts."""

from __future__ import annotations

from pathlib import Path

from handlers.deps import Deps
from storage import deals as deal_store
from tests.scenarios.shell.driver import chat, run_partnerbot

REGISTER = "register-deal Acme Corp acme.com 50k USD close 2027-03-31"
#: Answers to the 8 prompts: keep the prefilled company, domain, value and date; product 1;
#: keep the stage; no contact; no notes; then 1) Register on the summary.
ACCEPT = ("", "", "", "", "1", "", "", "", "1")


async def test_a_partner_registers_a_deal_from_the_shell(deps: Deps) -> None:
    text = await chat(deps, REGISTER, *ACCEPT, "deals", role="partner", partner_name="Acme")
    assert "Register a deal" in text and "Customer company" in text
    assert "Registered *DR-000001*" in text or "Registered DR-000001" in text
    assert text.count("DR-000001") >= 2, "confirmed, then listed by `deals`"
    async with deps.sessions() as session:
        [deal] = await deal_store.list_deals(session)
    assert (deal.company, deal.domain, deal.value_cents, deal.products) == (
        "Acme Corp",
        "acme.com",
        5_000_000,
        ["Platform"],
    )


async def test_bad_fields_are_prompted_again(deps: Deps) -> None:
    lines = (
        "register-deal Globex",
        "",
        "www.globex.com",
        "12k eur",
        "2020-01-01",
        "1",
        "",
        "",
        "",
        "1",  # Register, on the summary
        "2027-06-30",
    )
    text = await chat(deps, *lines, role="partner", partner_name="Acme")
    assert "The close date must be in the future." in text
    assert "DR-000001" in text
    async with deps.sessions() as session:
        [deal] = await deal_store.list_deals(session)
    assert (deal.domain, deal.currency, deal.close_date.isoformat()) == (
        "globex.com",
        "EUR",
        "2027-06-30",
    )


async def test_another_partner_sees_none_of_it(deps: Deps) -> None:
    await chat(deps, REGISTER, *ACCEPT, role="partner", partner_name="Acme")
    text = await chat(deps, "deals", role="partner", partner_name="Beta")
    assert "No deal registrations" in text and "DR-000001" not in text and "acme.com" not in text


def test_register_through_piped_stdin_then_export(tmp_path: Path) -> None:
    """`partnerbot shell` reading stdin, then `partnerbot deals export`: same database."""
    lines = "\n".join((REGISTER, *ACCEPT, "deals", "exit")) + "\n"
    shell = run_partnerbot(tmp_path, "shell", "--as", "partner", "--partner", "Acme", stdin=lines)
    assert shell.returncode == 0, shell.stderr
    assert "DR-000001" in shell.stdout and "Traceback" not in shell.stderr
    export = run_partnerbot(tmp_path, "deals", "export", "--format", "csv")
    assert export.returncode == 0, export.stderr
    [header, row] = export.stdout.strip().splitlines()
    assert header.startswith("id,partner,company,domain")
    assert row.startswith("DR-000001,Acme,Acme Corp,acme.com,50000.00,USD")
