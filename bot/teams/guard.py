"""What PartnerBot requires of every Teams activity and every Bot Connector call,
on top of botbuilder's own authentication.

- Local mode (no MICROSOFT_APP_ID, nothing authenticated): the only client is a Teams
  stand-in on this machine (Agents Playground, tests), so an activity whose
  `serviceUrl` is not a loopback http(s) URL is refused, and the bot never calls a
  connector elsewhere.
- Authenticated mode: the activity's `serviceUrl` must be the one the validated token
  vouches for (its `serviceurl` claim); a token that vouches for none is refused.
  (botbuilder checks this for channel tokens already; this makes it hold for every
  kind of token.)
- Every connector call is bounded: a connection that fails is not retried inside the
  turn, and a connector that does not answer is given up after `READ_TIMEOUT`
  seconds, so one bad `serviceUrl` cannot hold a request (the outbox retries
  proactive messages itself).

A refusal raises `PermissionError`, which `CloudAdapter.process` answers with 401.
"""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)

from bot.core.net import is_loopback_url

logger = logging.getLogger(__name__)

#: Seconds to open a connection to the connector, and to wait for its answer.
CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 10.0
#: Retries of a connector answer msrest counts as retryable (5xx); a failed
#: connection or read is never retried inside a turn.
STATUS_RETRIES = 1
SERVICE_URL_CLAIM = "serviceurl"


def check_service_url(activity: Activity, identity: ClaimsIdentity | None, *, local: bool) -> None:
    """Raise PermissionError unless `activity.service_url` may be called back (above)."""
    service_url = activity.service_url
    if local:
        if not is_loopback_url(service_url):
            raise PermissionError("local mode answers only a serviceUrl on this machine")
        return
    vouched = identity.get_claim_value(SERVICE_URL_CLAIM) if identity is not None else None
    if not vouched or vouched != service_url:
        raise PermissionError("the serviceUrl is not the one the token vouches for")


def bound(client: ConnectorClient) -> ConnectorClient:
    """Apply the timeouts and retry limits above to a connector client."""
    config = client.config
    config.connection.timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)
    policy = config.retry_policy.policy
    policy.total, policy.connect, policy.read = STATUS_RETRIES, 0, 0
    return client


class _BoundedConnectorFactory(ConnectorFactory):  # type: ignore[misc]
    def __init__(self, inner: ConnectorFactory, *, local: bool) -> None:
        self._inner = inner
        self._local = local

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        if self._local and not is_loopback_url(service_url):
            raise PermissionError("local mode calls only a connector on this machine")
        return bound(await self._inner.create(service_url, audience))


class GuardedAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder's `BotFrameworkAuthentication` with the checks above."""

    def __init__(self, inner: BotFrameworkAuthentication, *, local: bool) -> None:
        self._inner = inner
        self._local = local

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        if self._local:  # nothing to authenticate: refuse before botbuilder reads more
            check_service_url(activity, None, local=True)
        result: AuthenticateRequestResult = await self._inner.authenticate_request(
            activity, auth_header
        )
        if not self._local:
            check_service_url(activity, result.claims_identity, local=False)
        result.connector_factory = _BoundedConnectorFactory(
            result.connector_factory, local=self._local
        )
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        raise PermissionError("PartnerBot does not accept streaming connections")

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        inner = self._inner.create_connector_factory(claims_identity)
        return _BoundedConnectorFactory(inner, local=self._local)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self._inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)
