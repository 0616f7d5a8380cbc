"""The neutral types every adapter translates to and from.

Text in a `Reply` (its `text`, `context` lines, and a form's `intro`) is neutral
Markdown: `**bold**`, `_italic_`, `` `code` ``, `[label](url)` links and `- ` bullets.
Each adapter converts it to its own dialect (Slack mrkdwn, Teams Markdown, rich in the
shell). Whatever a person typed (a company name, notes, a question, a display name)
is interpolated as `untrusted(...)` (bot.core.untrusted), and every renderer shows it
as typed, with links and mentions inert. Every other string (titles, facts,
warnings, labels, citations) is plain text, shown as it is on every platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Platform = Literal["slack", "teams", "shell"]
PlaceKind = Literal["dm", "channel", "group"]
#: Platforms whose direct messages have threads (a Slack DM does; a Teams 1:1 chat has
#: none, so a conversation there cannot be told apart from the next request).
THREADED_DM_PLATFORMS: frozenset[str] = frozenset({"slack"})
Role = Literal["partner_rep", "partner_admin", "manager", "admin"]
Visibility = Literal["everyone", "only_actor"]
FieldKind = Literal["text", "multiline", "number", "date", "select", "multiselect", "email"]
ButtonStyle = Literal["primary", "danger"]


@dataclass(frozen=True)
class Actor:
    """The person who spoke or clicked.

    Attributes:
        platform: which chat platform the person is on.
        user_id: the platform's user id (Slack `U…`, Teams `29:…`/AAD id, shell name).
        name: display name when the platform gave one.
        handle: a user name that is not a display name (Slack's `username` on clicks,
            forms and slash commands): shown only when no display name is known, and
            never stored as the person's name.
        is_external: True when the person belongs to another organisation than the
            workspace/tenant that installed the bot (Slack Connect guest, Teams guest).
            External people are never vendor staff.
        org_id: the person's own Slack team id or Teams tenant id, when known.
    """

    platform: Platform
    user_id: str
    name: str = ""
    is_external: bool = False
    org_id: str | None = None
    handle: str = ""


@dataclass(frozen=True)
class Place:
    """Where the request happened and where replies go.

    Attributes:
        channel_id: Slack channel id, Teams conversation id *without* the
            `;messageid=` suffix, or a shell pseudo-channel.
        kind: a direct message, a channel, or a group chat.
        thread_id: Slack `thread_ts` or Teams root message id when the request came
            from inside a thread; replies that go "in thread" use it.
        team_id: Slack workspace id or Teams team id, when known.
        message_id: the id of the message that carried the request (Slack `ts`, Teams
            activity id), so a reply can start a thread under it.
    """

    platform: Platform
    channel_id: str
    kind: PlaceKind = "channel"
    thread_id: str | None = None
    team_id: str | None = None
    message_id: str | None = None


@dataclass(frozen=True)
class Command:
    """A typed command: `/register-deal acme.com` -> name="register-deal", text="acme.com"."""

    name: str
    text: str = ""


@dataclass(frozen=True)
class ButtonClick:
    """A click on a `Button`; `value` is the button's value, unchanged."""

    action_id: str
    value: str = ""
    message_id: str | None = None


@dataclass(frozen=True)
class FormSubmit:
    """A submitted `Form`: field name -> value (lists for multiselect)."""

    form_id: str
    values: dict[str, str | list[str] | None]
    metadata: str = ""


@dataclass(frozen=True)
class Request:
    """One thing a person asked of the bot, on any platform.

    Exactly one of `command`, `click`, `submit` is set, or none for free text
    (a message, mention or DM that is not a command; `text` holds it).
    """

    actor: Actor
    place: Place
    text: str = ""
    command: Command | None = None
    click: ButtonClick | None = None
    submit: FormSubmit | None = None
    mentioned: bool = False
    #: The message is an edit of `place.message_id` (Slack `message_changed`): only the
    #: thread's owner sees it (an edited answer updates that answer).
    edited: bool = False


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One input of a `Form`. `name` is the key in `FormSubmit.values` and error maps."""

    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = False
    initial: str | list[str] | None = None
    options: tuple[Option, ...] = ()
    placeholder: str | None = None
    hint: str | None = None
    max_length: int | None = None

    def with_initial(self, initial: str | list[str] | None) -> Field:
        """This field with `initial` as its value: `dataclasses.replace(self,
        initial=...)`, in half its time (replace reads the field list and their
        values anew on every call: 2.1 us, 4 per `/register-deal`; issue 15). A
        test keeps the two equal when an attribute is added."""
        return Field(
            name=self.name,
            label=self.label,
            kind=self.kind,
            required=self.required,
            initial=initial,
            options=self.options,
            placeholder=self.placeholder,
            hint=self.hint,
            max_length=self.max_length,
        )


@dataclass(frozen=True)
class Form:
    """A form: Slack modal, Teams Adaptive Card with inputs, shell prompts.

    `metadata` is an opaque string (JSON) carried through to the `FormSubmit`
    (Slack `private_metadata`, Teams action data); keep it under 3000 characters.
    `errors` maps field name -> message, shown next to the field.
    """

    form_id: str
    title: str
    fields: tuple[Field, ...]
    submit_label: str = "Submit"
    metadata: str = ""
    intro: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle | None = None
    url: str | None = None


@dataclass(frozen=True)
class Fact:
    """A label/value pair shown as a field (Slack section fields, Teams FactSet)."""

    label: str
    value: str


@dataclass(frozen=True)
class Citation:
    """A numbered source of a knowledge answer."""

    n: int
    source_id: str
    title: str
    url: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class Reply:
    """What the bot says.

    Attributes:
        text: the body, neutral Markdown (see module docstring). Always set: it is
            also the notification/fallback text.
        title: a short heading, optional.
        facts: label/value pairs.
        buttons: actions the reader may take.
        citations: numbered sources, rendered as a "Sources" list.
        context: small print lines under the body.
        visibility: `only_actor` = ephemeral on Slack, 1:1 chat on Teams.
        in_thread: answer in the request's thread (or start one under its message).
        form: open this form instead of (or besides) posting text.
        replace_original: update the message whose button was clicked.
        warning: one warning line (e.g. "no sources found").
        acknowledge: a light acknowledgement of the request's message: Slack adds a
            reaction to that message instead of posting; Teams and the shell show `text`
            as a short line.
    """

    text: str
    title: str | None = None
    facts: tuple[Fact, ...] = ()
    buttons: tuple[Button, ...] = ()
    citations: tuple[Citation, ...] = ()
    context: tuple[str, ...] = ()
    visibility: Visibility = "everyone"
    in_thread: bool = False
    form: Form | None = None
    replace_original: bool = False
    warning: str | None = None
    acknowledge: bool = False
