"""Forms in the shell: one prompt per field, and re-prompting only the fields in error."""

from __future__ import annotations

import io

from rich.console import Console

from bot.core import Field, Form, FormSubmit, Option, Reply
from bot.core.errors import InvalidInput
from bot.shell.forms import complete_form

FORM = Form(
    form_id="form-test",
    title="Register a deal",
    metadata='{"partner": 1}',
    fields=(
        Field("company", "Customer company", required=True),
        Field(
            "stage",
            "Stage",
            kind="select",
            options=(Option("qualify", "Qualify"), Option("propose", "Propose")),
            initial="qualify",
        ),
        Field(
            "products",
            "Products",
            kind="multiselect",
            options=(Option("core", "Core"), Option("cloud", "Cloud"), Option("edge", "Edge")),
        ),
        Field("close", "Close date", kind="date", hint="YYYY-MM-DD", initial="2027-01-31"),
    ),
)


class Script:
    """Answers prompts from a list and records each prompt it was asked."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    async def __call__(self, prompt: str) -> str | None:
        self.prompts.append(prompt)
        return self.answers.pop(0) if self.answers else None


def console() -> Console:
    return Console(file=io.StringIO(), width=120, color_system=None)


def printed(out: Console) -> str:
    file = out.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


async def test_each_field_is_one_prompt_with_numbered_options_and_defaults() -> None:
    submitted: list[FormSubmit] = []

    async def submit(form_submit: FormSubmit) -> list[Reply]:
        submitted.append(form_submit)
        return [Reply(text="Registered.")]

    ask = Script("Initech", "2", "1, edge", "")
    out = console()
    replies = await complete_form(FORM, ask=ask, console=out, submit=submit)

    assert replies == [Reply(text="Registered.")]
    assert submitted == [
        FormSubmit(
            "form-test",
            {
                "company": "Initech",
                "stage": "propose",
                "products": ["core", "edge"],
                "close": "2027-01-31",
            },
            '{"partner": 1}',
        )
    ]
    text = printed(out)
    assert "Customer company *" in text
    assert "1) Qualify" in text
    assert "3) Edge" in text
    assert "YYYY-MM-DD" in text
    assert ask.prompts[1] == "> Stage [qualify]: "
    assert ask.prompts[3] == "> Close date [2027-01-31]: "


async def test_invalid_input_reprompts_only_the_fields_in_error_then_resubmits() -> None:
    submitted: list[FormSubmit] = []

    async def submit(form_submit: FormSubmit) -> list[Reply]:
        submitted.append(form_submit)
        if len(submitted) == 1:
            raise InvalidInput({"close": "the close date must be in the future"})
        return [Reply(text="Registered.")]

    ask = Script("Initech", "", "cloud", "2020-01-01", "2027-03-01")
    out = console()
    replies = await complete_form(FORM, ask=ask, console=out, submit=submit)

    assert replies == [Reply(text="Registered.")]
    assert len(ask.prompts) == 5, "only the close date is asked again"
    assert ask.prompts[4] == "> Close date [2020-01-01]: "
    assert "✗ Close date: the close date must be in the future" in printed(out)
    assert submitted[1].values == {
        "company": "Initech",
        "stage": "qualify",
        "products": ["cloud"],
        "close": "2027-03-01",
    }


async def test_a_required_field_and_an_unknown_option_are_asked_again() -> None:
    async def submit(form_submit: FormSubmit) -> list[Reply]:
        return [Reply(text=str(form_submit.values["stage"]))]

    ask = Script("", "Initech", "9", "Propose", "", "")
    out = console()
    replies = await complete_form(FORM, ask=ask, console=out, submit=submit)

    assert replies == [Reply(text="propose")]
    assert "This field is required." in printed(out)
    assert "Choose by number or name from the list." in printed(out)


async def test_end_of_input_cancels_the_form_without_submitting() -> None:
    async def submit(form_submit: FormSubmit) -> list[Reply]:
        raise AssertionError("must not submit")

    out = console()
    assert await complete_form(FORM, ask=Script("Initech"), console=out, submit=submit) is None
    assert "Form cancelled." in printed(out)


async def test_the_form_sent_back_with_the_error_is_used_for_the_reprompt() -> None:
    corrected = Form(
        form_id="form-test",
        title="Register a deal",
        fields=(Field("company", "Company (legal name)", required=True),),
    )
    calls = 0

    async def submit(form_submit: FormSubmit) -> list[Reply]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise InvalidInput({"company": "already registered"}, form=corrected)
        return [Reply(text=str(form_submit.values["company"]))]

    ask = Script("Initech", "", "", "", "Initech GmbH")
    out = console()
    assert await complete_form(FORM, ask=ask, console=out, submit=submit) == [
        Reply(text="Initech GmbH")
    ]
    assert ask.prompts[-1] == "> Company (legal name) [Initech]: "
