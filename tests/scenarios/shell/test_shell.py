"""The terminal front door, end to end: typed lines in, replies out, same database."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from bot.core import Reply
from bot.core.delivery import Destination
from bot.shell import run_shell
from handlers import messages
from handlers.admin.operators import list_partner_summaries
from handlers.deps import Deps
from tests.scenarios.shell.driver import Typist, chat, run_partnerbot


async def test_a_manager_links_the_channel_and_lists_partners(deps: Deps) -> None:
    text = await chat(deps, "help", "link Acme tier=gold region=EMEA", "partners", "exit")
    assert "you are a channel manager" in text
    assert "/partnerbot link <partner>" in text
    assert "Created partner and linked this channel to Acme." in text
    assert "Acme (gold · EMEA): shell:shell-general" in text
    [acme] = await list_partner_summaries(deps)
    assert (acme.name, acme.tier, acme.manager) == ("Acme", "gold", "shell:you")


async def test_menu_buttons_are_numbered_and_a_number_clicks_one(deps: Deps) -> None:
    text = await chat(deps, "menu", "9", "4")
    assert "1) Register a deal" in text
    assert "4) Help" in text
    assert "Choose 1-4." in text
    assert text.count("What I can do for you") == 1, "choice 4 (Help) answered with the help"


async def test_a_partner_rep_is_refused_admin_commands_and_nothing_changes(deps: Deps) -> None:
    text = await chat(
        deps, "help", "link Evil Corp", "partners", role="partner", partner_name="Acme"
    )
    assert "you are a partner rep of Acme" in text
    assert "This channel belongs to partner Acme." in text
    assert "/register-deal" in text
    assert text.count(messages.STAFF_ONLY) == 2
    partners = await list_partner_summaries(deps)
    assert [(p.name, p.channels) for p in partners] == [("Acme", ("shell:shell-acme",))]


async def test_a_partner_rep_defaults_to_the_demo_partner(deps: Deps) -> None:
    text = await chat(deps, role="partner")
    assert "you are a partner rep of Demo Partner" in text
    assert "Bye." in text


async def test_a_manager_can_sit_in_a_partner_channel(deps: Deps) -> None:
    await chat(deps, role="partner", partner_name="Acme")
    text = await chat(deps, "help", role="manager", partner_name="Acme")
    assert "This channel belongs to partner Acme." in text
    [acme] = await list_partner_summaries(deps)
    assert acme.channels == ("shell:shell-acme",)


async def test_proactive_messages_are_printed_by_the_shell_sender(deps: Deps) -> None:
    out = Console(file=io.StringIO(), width=200, color_system=None)
    await run_shell(deps, console=out, ask=Typist())
    delivered = await deps.senders["shell"].send(
        Destination(platform="shell", channel_id="shell-general"), Reply(text="Weekly check-in")
    )
    assert delivered.channel_id == "shell-general"
    file = out.file
    assert isinstance(file, io.StringIO)
    assert "message to shell-general" in file.getvalue()
    assert "Weekly check-in" in file.getvalue()


def test_the_shell_command_reads_piped_stdin_and_shares_the_database(tmp_path: Path) -> None:
    result = run_partnerbot(
        tmp_path, "shell", "--as", "manager", stdin="link Initech tier=silver\nmenu\n4\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Created partner and linked this channel to Initech." in result.stdout
    assert "4) Help" in result.stdout
    assert "What I can do for you" in result.stdout
    assert "Traceback" not in result.stderr

    rep = run_partnerbot(
        tmp_path, "shell", "--as", "partner", "--partner", "Initech", stdin="help\nquit\n"
    )
    assert rep.returncode == 0, rep.stderr
    assert "/register-deal" in rep.stdout

    listed = run_partnerbot(tmp_path, "partners", "list", "--json")
    partners = json.loads(listed.stdout)
    assert [p["name"] for p in partners] == ["Initech"]
    assert sorted(partners[0]["channels"]) == ["shell:shell-general", "shell:shell-initech"]
