"""The routing table: capabilities merge without clashes, and thread keys parse."""

from __future__ import annotations

import pytest

from bot.core import Reply, Request
from handlers import router
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.routes import Routes, ThreadKey, merge_routes


async def _noop(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    return []


def test_a_command_routed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="command 'deals' is routed twice"):
        merge_routes(Routes(commands={"deals": _noop}), Routes(commands={"deals": _noop}))


def test_every_capability_is_in_the_router_once() -> None:
    assert {"register-deal", "deals", "ask", "help", "link", "partners", "managers"} <= set(
        router.ROUTES.commands
    )
    assert {"deal", "answer", "question"} <= set(router.ROUTES.threads)
    with pytest.raises(TypeError):
        router.ROUTES.commands["help"] = _noop  # type: ignore[index]


def test_thread_keys_name_their_owner() -> None:
    key = ThreadKey.parse("deal:DR-000042")
    assert (key.owner, key.ident, str(key)) == ("deal", "DR-000042", "deal:DR-000042")
