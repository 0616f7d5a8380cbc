"""`/partnerbot survey …` for managers: send a run, see its results (only to them)."""

from __future__ import annotations

from datetime import date

from bot.core import Reply, Request
from bot.core.errors import InvalidInput, NotAllowed
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.surveys.due import trigger_after
from handlers.surveys.results import results_of, results_text
from handlers.surveys.send import Audience, send_run

USAGE = (
    "Usage: `/partnerbot survey send nps [partner=NAME | tier=gold | all] "
    "[closes=2027-01-15] [anonymous] [every=quarter] [after=approved|won|lost]`, "
    "`/partnerbot survey results RUN`."
)

#: Results are never shown in a partner's channel (on Teams a private reply falls back
#: to the channel when the manager has no 1:1 chat with the bot yet).
NOT_HERE = (
    "Survey results are for vendor staff, so I don't show them in a partner's channel: "
    "ask me in a direct message, or run `partnerbot survey results RUN` on the command line."
)


def parse_send(words: list[str]) -> dict[str, str]:
    """`nps tier=gold closes=2027-01-15 anonymous` -> {"survey": "nps", "tier": "gold", …}.

    Raises:
        InvalidInput: an option we do not know, or no survey named.
    """
    if not words:
        raise InvalidInput({"survey": "name the survey: nps, satisfaction, enablement or yours"})
    found: dict[str, str] = {"survey": words[0]}
    for word in words[1:]:
        key, eq, value = word.partition("=")
        key = key.lower().lstrip("-")
        if not eq and key in ("anonymous", "all"):
            found[key] = "yes"
        elif eq and key in ("partner", "tier", "closes", "every", "after") and value:
            found[key] = value.strip("\"'")
        else:
            raise InvalidInput({"option": f"I don't know {word!r}"})
    if "partner" in found and "tier" in found:
        raise InvalidInput({"option": "choose partner= or tier=, not both"})
    return found


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput({"closes": f"{text!r} is not a date like 2027-01-15"}) from exc


def _private(text: str) -> list[Reply]:
    return [Reply(text=text, visibility="only_actor")]


async def survey_command(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    if not caller.is_staff:
        raise NotAllowed("Only channel managers can send surveys and see their results.")
    words = request.text.split()
    head = words[0].lower() if words else ""
    try:
        if head == "send":
            return await _send(words[1:], caller, deps)
        if head == "results" and len(words) == 2 and words[1].isdigit():
            if caller.channel_partner_id is not None and request.place.kind != "dm":
                return _private(NOT_HERE)
            return _private(results_text(await results_of(deps, int(words[1]))))
    except InvalidInput as exc:
        problems = "; ".join(exc.field_errors.values())
        return _private(f"I couldn't use that: {problems}.\n{USAGE}")
    return _private(USAGE)


async def _send(words: list[str], caller: Caller, deps: Deps) -> list[Reply]:
    options = parse_send(words)
    anonymous = "anonymous" in options
    if "after" in options:
        await trigger_after(deps, options["survey"], options["after"], anonymous=anonymous)
        return _private(
            f"From now on, *{options['survey']}* is asked in a registration's thread a day "
            f"after it is {options['after']}."
        )
    partner = options.get("partner")
    if partner is None and "tier" not in options and "all" not in options:
        partner = caller.channel_partner_name  # in a partner's channel: that partner
        if partner is None:
            raise InvalidInput({"audience": "say partner=NAME, tier=T or all"})
    run_id, queued = await send_run(
        deps,
        options["survey"],
        Audience(partner=partner, tier=options.get("tier")),
        closes=_date(options.get("closes")),
        anonymous=anonymous,
        every=options.get("every"),
        created_by_id=caller.person_id,
    )
    return _private(
        f"Survey run {run_id} is on its way: {queued} channel(s). "
        f"Results: `/partnerbot survey results {run_id}`."
    )
