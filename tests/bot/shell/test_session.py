"""A form reply in the shell session: prompts, field errors from the handler, resubmit."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

import bot.shell
from bot.core import Field, Form, Reply, Request
from bot.core.errors import InvalidInput
from bot.shell import run_shell
from handlers.deps import Deps

FORM = Form(
    form_id="form-probe",
    title="Probe form",
    fields=(Field("company", "Company", required=True), Field("value", "Value", kind="number")),
)


class Typist:
    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)

    async def __call__(self, prompt: str) -> str | None:
        return self.lines.pop(0) if self.lines else None


async def test_a_form_reply_is_filled_in_and_fixed_after_field_errors(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Request] = []

    async def fake_dispatch(request: Request, deps: Deps) -> list[Reply]:
        seen.append(request)
        if request.submit is None:
            return [Reply(text="Tell me about the deal.", form=FORM)]
        if request.submit.values["value"] == "lots":
            raise InvalidInput({"value": "a number, please"})
        return [Reply(text=f"Registered {request.submit.values['company']}.")]

    monkeypatch.setattr(bot.shell, "dispatch", fake_dispatch)
    out = Console(file=io.StringIO(), width=120, color_system=None)
    await run_shell(deps, console=out, ask=Typist("register", "Initech", "lots", "5000"))

    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert "Probe form" in text
    assert "✗ Value: a number, please" in text
    assert "Registered Initech." in text
    submits = [r.submit for r in seen if r.submit is not None]
    assert [s.values for s in submits] == [
        {"company": "Initech", "value": "lots"},
        {"company": "Initech", "value": "5000"},
    ]
    assert all(r.actor.platform == "shell" and r.mentioned for r in seen)


async def test_invalid_input_outside_a_form_is_shown_and_the_chat_goes_on(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fake_dispatch(request: Request, deps: Deps) -> list[Reply]:
        if request.text == "bad":
            raise InvalidInput({"text": "that is not a command I can read"})
        return [Reply(text="fine")]

    monkeypatch.setattr(bot.shell, "dispatch", fake_dispatch)
    out = Console(file=io.StringIO(), width=120, color_system=None)
    assert await run_shell(deps, console=out, ask=Typist("bad", "good")) == 0
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert "✗ that is not a command I can read" in text
    assert "fine" in text
