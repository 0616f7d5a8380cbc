"""A fake Bot Connector and a driver that talks to PartnerBot like Teams does.

`FakeConnector` is an aiohttp server on 127.0.0.1 (ephemeral port) that answers the
Bot Connector REST calls the bot makes (send, reply, update, create conversation, get
member) like the real service, and records them. `TeamsDriver` posts Activity JSON to
the bot's `/api/messages` with `serviceUrl` = the fake connector, so every reply the bot
sends comes back to the recorder.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

BOT_ID = "28:partnerbot-app-id"
BOT_NAME = "PartnerBot"
TENANT_ID = "tenant-vendor"
TEAM_ID = "19:team-general@thread.tacv2"
CHANNEL_ID = "19:partner-acme@thread.tacv2"
GROUP_ID = "19:group-chat@thread.v2"


@dataclass(frozen=True)
class TeamsUser:
    """A person in the fake tenant. `extra` lands in the activity's `from`."""

    id: str
    name: str
    aad_object_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def account(self) -> dict[str, Any]:
        account = {"id": self.id, "name": self.name, **self.extra}
        if self.aad_object_id:
            account["aadObjectId"] = self.aad_object_id
        return account


ALICE = TeamsUser("29:alice", "Alice Manager", "aad-alice")
BOB = TeamsUser("29:bob", "Bob Rep", "aad-bob")
GUEST = TeamsUser("29:gina-guest", "Gina Guest", "aad-gina", {"userRole": "guest"})
#: currentUser in playground/playground.yml: every playground message comes from them.
PLAYGROUND_MANAGER = TeamsUser("user-id-0", "Mia Manager")


@dataclass(frozen=True)
class Sent:
    """One call the bot made to the connector.

    Attributes:
        method: POST (send/reply/create) or PUT (update).
        conversation_id: the conversation in the URL ("" for create-conversation).
        activity_id: the activity in the URL: the replied-to id for POST, the updated
            id for PUT.
        body: the JSON body (an Activity, or ConversationParameters).
        id: the id the fake gave the new message.
    """

    method: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    id: str

    @property
    def text(self) -> str:
        return str(self.body.get("text") or "")

    @property
    def has_card(self) -> bool:
        return any(
            attachment.get("contentType") == "application/vnd.microsoft.card.adaptive"
            for attachment in self.body.get("attachments") or []
        )

    @property
    def card(self) -> dict[str, Any] | None:
        """The Adaptive Card attached, if any."""
        for attachment in self.body.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                content: dict[str, Any] = attachment["content"]
                return content
        return None

    def require_card(self) -> dict[str, Any]:
        """The Adaptive Card attached; fails the test when there is none."""
        card = self.card
        assert card is not None, f"no Adaptive Card in {self.body}"
        return card

    @property
    def card_text(self) -> str:
        """All TextBlock/FactSet text of the card, one line each (for assertions)."""
        card = self.card
        if card is None:
            return ""
        lines: list[str] = []
        for element in card.get("body", []):
            if element.get("type") == "TextBlock":
                lines.append(element["text"])
            elif element.get("type") == "FactSet":
                lines.extend(f"{f['title']}: {f['value']}" for f in element["facts"])
        return "\n".join(lines)

    @property
    def shown(self) -> str:
        """What a person would read: the message text or the card's text."""
        return self.text or self.card_text

    @property
    def buttons(self) -> list[dict[str, Any]]:
        card = self.card
        return list(card.get("actions", [])) if card is not None else []


class FakeConnector:
    """Records the bot's connector calls; `fail_next` makes the next sends fail."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.url = ""
        self._ids = itertools.count(1000)
        self._failures: list[tuple[int, dict[str, str]]] = []
        self._runner: web.AppRunner | None = None

    def fail_next(
        self, status: int, *, headers: dict[str, str] | None = None, times: int = 1
    ) -> None:
        """Answer the next `times` send or create calls with `status` (e.g. 429 +
        Retry-After)."""
        self._failures.extend([(status, headers or {})] * times)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_get("/v3/conversations/{cid}/members/{mid}", self._member)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _failure(self) -> web.Response | None:
        if not self._failures:
            return None
        status, headers = self._failures.pop(0)
        error = {"error": {"code": "Throttled" if status == 429 else "Failed", "message": "no"}}
        return web.json_response(error, status=status, headers=headers)

    async def _send(self, request: web.Request) -> web.Response:
        failure = self._failure()
        if failure is not None:
            return failure
        message_id = f"msg-{next(self._ids)}"
        body = await request.json()
        self.sent.append(
            Sent(
                "POST",
                request.match_info["cid"],
                request.match_info.get("aid"),
                body,
                message_id,
            )
        )
        return web.json_response({"id": message_id})

    async def _update(self, request: web.Request) -> web.Response:
        body = await request.json()
        activity_id = request.match_info["aid"]
        self.sent.append(Sent("PUT", request.match_info["cid"], activity_id, body, activity_id))
        return web.json_response({"id": activity_id})

    async def _create(self, request: web.Request) -> web.Response:
        failure = self._failure()
        if failure is not None:
            return failure
        body = await request.json()
        conversation_id = f"a:new-{next(self._ids)}"
        self.sent.append(Sent("POST", "", None, body, conversation_id))
        return web.json_response({"id": conversation_id, "activityId": f"msg-{next(self._ids)}"})

    async def _member(self, request: web.Request) -> web.Response:
        member_id = request.match_info["mid"]
        return web.json_response({"id": member_id, "name": member_id, "tenantId": TENANT_ID})


class TeamsDriver:
    """Talks to PartnerBot as Teams would. Each call posts one activity and returns the
    HTTP status; by then the bot has finished its turn (CloudAdapter answers after it).

    Conversations: `personal` (1:1 with the user), `channel` (a team channel; a new
    post starts a reply chain `<channel>;messageid=<post id>`), `group` (a group chat).
    Read what the bot sent with `sent()` / `wait_for(n)`; `mark()` + `since()` give the
    calls made after a point.
    """

    def __init__(self, http: aiohttp.ClientSession, bot_url: str, connector: FakeConnector):
        self.http = http
        self.bot_url = bot_url
        self.connector = connector
        self._ids = itertools.count(1)
        self._mark = 0

    # -- activities -------------------------------------------------------------------

    def personal_conversation(self, user: TeamsUser = ALICE) -> str:
        return f"a:personal-{user.id}"

    def _base(
        self, conversation: dict[str, Any], user: TeamsUser, *, team: bool = False
    ) -> dict[str, Any]:
        channel_data: dict[str, Any] = {"tenant": {"id": TENANT_ID}}
        if team:
            channel_data.update(
                {
                    "team": {"id": TEAM_ID, "name": "Partners"},
                    "channel": {"id": conversation["id"].split(";")[0]},
                    "teamsTeamId": TEAM_ID,
                    "teamsChannelId": conversation["id"].split(";")[0],
                }
            )
        return {
            "id": f"act-{next(self._ids)}",
            "channelId": "msteams",
            "serviceUrl": self.connector.url,
            "timestamp": "2026-11-26T09:00:00.000Z",
            "from": user.account(),
            "recipient": {"id": BOT_ID, "name": BOT_NAME},
            "conversation": {"tenantId": TENANT_ID, **conversation},
            "channelData": channel_data,
            "locale": "en-US",
        }

    def _message(self, base: dict[str, Any], text: str, *, mention: bool) -> dict[str, Any]:
        activity = {**base, "type": "message", "textFormat": "plain", "text": text}
        if mention:
            at = f"<at>{BOT_NAME}</at>"
            activity["text"] = f"{at} {text}".strip()
            activity["entities"] = [
                {"type": "mention", "text": at, "mentioned": {"id": BOT_ID, "name": BOT_NAME}}
            ]
        return activity

    async def personal(self, text: str, *, user: TeamsUser = ALICE) -> int:
        """`user` writes `text` in their 1:1 chat with the bot."""
        conversation = {"id": self.personal_conversation(user), "conversationType": "personal"}
        return await self.post(self._message(self._base(conversation, user), text, mention=False))

    async def channel(
        self,
        text: str,
        *,
        mention: bool = True,
        thread: str | None = None,
        user: TeamsUser = ALICE,
        channel: str = CHANNEL_ID,
        mentions: list[TeamsUser] = (),  # type: ignore[assignment]
        post_id: str | None = None,
        edit: bool = False,
    ) -> int:
        """`user` posts `text` in a team channel (a new post, or a reply in `thread`),
        @mentioning the bot first when `mention` (Teams delivers nothing else).
        `mentions` adds @mentions of people, appended to the text. With `edit`, the
        message `post_id` is edited to say `text` (a messageUpdate, eventType
        editMessage)."""
        post_id = post_id or f"post-{next(self._ids)}"
        root = thread or post_id  # a new post is the root of its own reply chain
        conversation = {
            "id": f"{channel};messageid={root}",
            "conversationType": "channel",
            "isGroup": True,
        }
        base = {**self._base(conversation, user, team=True), "id": post_id}
        if thread:
            base["replyToId"] = thread
        activity = self._message(base, text, mention=mention)
        for person in mentions:
            at = f"<at>{person.name}</at>"
            activity["text"] += f" {at}"
            activity.setdefault("entities", []).append(
                {"type": "mention", "text": at, "mentioned": {"id": person.id, "name": person.name}}
            )
        if edit:
            activity["type"] = "messageUpdate"
            activity["channelData"] = {**activity["channelData"], "eventType": "editMessage"}
        return await self.post(activity)

    async def group(self, text: str, *, mention: bool = True, user: TeamsUser = ALICE) -> int:
        """`user` writes in a group chat with the bot."""
        conversation = {"id": GROUP_ID, "conversationType": "groupChat", "isGroup": True}
        return await self.post(self._message(self._base(conversation, user), text, mention=mention))

    async def submit(
        self,
        value: dict[str, Any],
        *,
        reply_to: str,
        conversation: str | None = None,
        user: TeamsUser = ALICE,
    ) -> int:
        """`user` clicks an Action.Submit on the card `reply_to` (a message id from
        `sent()`); `value` is the action's data merged with the inputs. The default
        conversation is the user's 1:1 chat; pass a channel's reply-chain id otherwise."""
        conversation_id = conversation or self.personal_conversation(user)
        if ";messageid=" in conversation_id:
            conv = {"id": conversation_id, "conversationType": "channel", "isGroup": True}
            base = self._base(conv, user, team=True)
        else:
            base = self._base({"id": conversation_id, "conversationType": "personal"}, user)
        activity = {**base, "type": "message", "replyToId": reply_to, "value": value}
        return await self.post(activity)

    async def click(self, sent: Sent, title: str, *, user: TeamsUser = ALICE) -> int:
        """Click the button titled `title` on the card `sent` carried."""
        for action in sent.buttons:
            if action.get("title") == title:
                return await self.submit(
                    action["data"], reply_to=sent.id, conversation=sent.conversation_id, user=user
                )
        raise AssertionError(f"no button {title!r} on {[a.get('title') for a in sent.buttons]}")

    async def install(self, *, scope: str = "personal", user: TeamsUser = ALICE) -> int:
        """Install the app as Teams does: installationUpdate(add), then conversationUpdate
        with the bot in membersAdded. `scope` is "personal" or "team"."""
        conversation: dict[str, Any]
        if scope == "personal":
            conversation = {"id": self.personal_conversation(user), "conversationType": "personal"}
            base = self._base(conversation, user)
        else:
            conversation = {"id": TEAM_ID, "conversationType": "channel", "isGroup": True}
            base = self._base(conversation, user, team=True)
        status = await self.post({**base, "type": "installationUpdate", "action": "add"})
        assert status < 300, status
        update = {
            **base,
            "id": f"act-{next(self._ids)}",
            "type": "conversationUpdate",
            "membersAdded": [{"id": BOT_ID}],
        }
        return await self.post(update)

    async def post(self, activity: dict[str, Any] | str | bytes) -> int:
        """POST one activity (a dict, or raw text/bytes for malformed input)."""
        if isinstance(activity, dict):
            response = await self.http.post(self.bot_url, json=activity)
        else:
            headers = {"Content-Type": "application/json"}
            response = await self.http.post(self.bot_url, data=activity, headers=headers)
        async with response:
            await response.read()
            return response.status

    # -- what the bot sent --------------------------------------------------------------

    def sent(self) -> list[Sent]:
        return list(self.connector.sent)

    def mark(self) -> None:
        """Remember how many calls were made so far (see `since`)."""
        self._mark = len(self.connector.sent)

    def since(self) -> list[Sent]:
        return self.connector.sent[self._mark :]

    async def wait_for(self, n: int, *, within: float = 5.0) -> list[Sent]:
        """Wait (bounded) until at least `n` calls were recorded since `mark()`."""
        deadline = time.monotonic() + within
        while len(self.since()) < n:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {n} connector calls, got {self.since()}")
            await asyncio.sleep(0.01)
        return self.since()
