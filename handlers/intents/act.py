"""Plain words to the command they ask for: run it, ask which one, or search the docs.

A confident intent runs the same code as its command or button, with the caller's
authorization unchanged (a per-deal action loads the named registration the way its
button does, so a partner can never act on another's). A narrow one is answered with
buttons ("Register a deal" / "Search the docs"); a question goes to the knowledge base.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.core import Button, ButtonClick, Reply, Request, ids
from bot.core.codec import action_id, decode, encode
from handlers.caller import Caller
from handlers.checkins.chat import checkins_command
from handlers.deals import changes, listing
from handlers.deals.forms import DealRef, registration_form, with_values
from handlers.deals.registration import acting_partner
from handlers.deps import Deps
from handlers.digests.chat import digest_command, scorecard_command
from handlers.help.menu import show_help
from handlers.intents import converse
from handlers.intents.choose import choose_intent
from handlers.intents.extract import extract
from handlers.intents.matcher import IntentMatch, match_intent
from handlers.knowledge.ask import ask
from handlers.routes import ActionHandler, Routes
from handlers.surveys.chat import survey_command
from storage.deals import deal_ref

#: What a "did you mean" button says for each intent.
LABELS = {
    "register_deal": "Register a deal",
    "list_deals": "Show my deals",
    "pending_approvals": "Pending approvals",
    "extend_deal": "Request an extension",
    "update_deal": "Update the stage",
    "mark_won": "Mark it won",
    "mark_lost": "Mark it lost",
    "checkins": "Check-ins",
    "survey": "Survey",
    "digest": "Digest",
    "scorecard": "Scorecard",
    "help": "What can you do?",
}
#: The per-deal intents and the button action each one is.
_DEAL_ACTIONS: dict[str, tuple[str, ActionHandler]] = {
    "extend_deal": (ids.DEAL_REQUEST_EXTENSION, changes.on_request_extension),
    "update_deal": (ids.DEAL_UPDATE_STAGE, changes.on_update_stage),
    "mark_won": (ids.DEAL_MARK_WON, changes.on_mark_won),
    "mark_lost": (ids.DEAL_MARK_LOST, changes.on_mark_lost),
}
PARTNER_SURVEY_LINE = (
    "Surveys come to your team's channel: answer a survey's question in its thread, in "
    "your own words (e.g. “9 - support is great”) or with one click."
)
CHECKINS_FOR_PARTNERS = (
    "Check-ins are posted in your partner channel on your channel manager's schedule. "
    "Answer in the check-in's thread (or with its Answer button)."
)
_MAX_CARRIED = 1500  # a Slack button value holds 2,000 characters


class IntentChoice(BaseModel):
    """Carried by a "did you mean" button: the intent picked and the sentence."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    intent: str
    text: str
    ref: str | None = None


def _as_text(request: Request, text: str) -> Request:
    return Request(actor=request.actor, place=request.place, text=text, mentioned=request.mentioned)


async def answer_in_words(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """A mention or DM that is not a command: run what it asks for, or answer it."""
    match = await choose_intent(request.text, deps)
    if match.intent == "ask" or not (match.confident or match.unsure):
        return await ask(request, caller, deps)
    if match.unsure:
        return [_did_you_mean(request.text, match)]
    return await run_intent(request, match, caller, deps)


def _did_you_mean(text: str, match: IntentMatch) -> Reply:
    carried = text[:_MAX_CARRIED]
    ref = match.slots.get("ref")
    label = LABELS[match.intent] + (f" ({ref})" if ref else "")
    choice = IntentChoice(intent=match.intent, text=carried, ref=ref)
    buttons = (
        Button(label, action_id(ids.INTENT_CHOOSE, 1), encode(choice), "primary"),
        Button(
            "Search the docs",
            action_id(ids.INTENT_CHOOSE, 2),
            encode(IntentChoice(intent="ask", text=carried)),
        ),
    )
    return Reply(
        text="I'm not sure what you'd like. Pick one and I'll carry on:",
        buttons=buttons,
        visibility="only_actor",
    )


async def run_intent(
    request: Request, match: IntentMatch, caller: Caller, deps: Deps, *, clicked: bool = False
) -> list[Reply]:
    """Run the command or button `match` names, as the caller (`clicked`: for a button,
    whose form must open at once)."""
    intent = match.intent
    if intent == "register_deal":
        return await _register(request, caller, deps, quick=clicked or request.click is not None)
    if intent == "list_deals":
        return await listing.list_deals(
            _as_text(request, match.slots.get("status", "")), caller, deps
        )
    if intent == "pending_approvals":
        return await listing.list_deals(_as_text(request, "pending"), caller, deps)
    if intent in _DEAL_ACTIONS:
        return await _on_deal(request, match, caller, deps)
    if intent == "survey":
        if caller.is_staff:
            return await survey_command(_as_text(request, ""), caller, deps)
        return [Reply(text=PARTNER_SURVEY_LINE, visibility="only_actor")]
    if intent == "checkins":
        if caller.is_staff:  # the channel's schedule, as `checkins` with no words shows it
            return await checkins_command(_as_text(request, ""), caller, deps)
        return [Reply(text=CHECKINS_FOR_PARTNERS, visibility="only_actor")]
    if intent == "digest":  # the digest as of now (its command says who may see one)
        return await digest_command(_as_text(request, "now"), caller, deps)
    if intent == "scorecard":  # the channel's partner, or the caller's own organisation
        return await scorecard_command(_as_text(request, ""), caller, deps)
    if intent == "help":
        return await show_help(request, caller, deps)
    return await ask(request, caller, deps)


async def _register(request: Request, caller: Caller, deps: Deps, *, quick: bool) -> list[Reply]:
    """A registration in words: the details the sentence holds (read by the chat model
    when one is configured, unless `quick`: a click's form must open within Slack's
    3 s), then the missing ones asked one at a time in the thread, or the form prefilled."""
    acting_partner(caller)
    asker = (request.actor.platform, request.actor.user_id)
    extraction = await extract(request.text, deps, asker=asker, use_model=not quick)
    if converse.can_talk(request, extraction.values):  # ask what is missing, one at a time
        return await converse.start(request, caller, deps, extraction=extraction)
    form = registration_form(
        products=deps.settings.deal_products, default_currency=deps.settings.deal_default_currency
    )
    form = with_values(form, extraction.values, extraction.errors)
    return [Reply(text="Register a deal", form=form, visibility="only_actor")]


async def _on_deal(request: Request, match: IntentMatch, caller: Caller, deps: Deps) -> list[Reply]:
    base, handler = _DEAL_ACTIONS[match.intent]
    ref = match.slots.get("ref")
    if ref is None:
        which = Reply(
            text="Which registration? Pick it below (or name it, e.g. DR-000042).",
            visibility="only_actor",
        )
        return [which, *await listing.list_deals(_as_text(request, "open"), caller, deps)]
    deal_id = int(ref.removeprefix("DR-"))
    assert deal_ref(deal_id) == ref
    click = ButtonClick(action_id=action_id(base, deal_id), value=encode(DealRef(deal_id=deal_id)))
    return await handler(request, click, caller, deps)


async def on_choose(
    request: Request, click: ButtonClick, caller: Caller, deps: Deps
) -> list[Reply]:
    """A "did you mean" button: run the picked intent with the original sentence."""
    choice = decode(IntentChoice, click.value)
    spoken = _as_text(request, choice.text)
    if choice.intent not in LABELS:
        return await ask(spoken, caller, deps)
    slots = match_intent(choice.text).slots | ({"ref": choice.ref} if choice.ref else {})
    match = IntentMatch(choice.intent, 1.0, slots)
    return await run_intent(spoken, match, caller, deps, clicked=True)


ROUTES = Routes(actions={ids.INTENT_CHOOSE: on_choose})
