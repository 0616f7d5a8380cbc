"""The routing table: capabilities merge without clashes, and thread keys parse."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

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
    assert {"answer", "question"} <= set(router.ROUTES.threads)
    assert "deal" in router.ROUTES.thread_steps
    with pytest.raises(TypeError):
        router.ROUTES.commands["help"] = _noop  # type: ignore[index]


def test_thread_keys_name_their_owner() -> None:
    key = ThreadKey.parse("deal:DR-000042")
    assert (key.owner, key.ident, str(key)) == ("deal", "DR-000042", "deal:DR-000042")


async def _thread_noop(request: Request, key: ThreadKey, caller: Caller, deps: Deps) -> list[Reply]:
    return []


async def _step_noop(
    session: AsyncSession, request: Request, key: ThreadKey, caller: Caller, deps: Deps
) -> list[Reply]:
    return []


def test_a_thread_owner_is_a_handler_or_a_step_never_both() -> None:
    handler, step = (
        Routes(threads={"deal": _thread_noop}),
        Routes(thread_steps={"deal": _step_noop}),
    )
    for routes in ((handler, step), (step, handler), (step, step)):
        with pytest.raises(ValueError, match="thread owner 'deal' is routed twice"):
            merge_routes(*routes)
    merged = merge_routes(step, Routes(threads={"question": _thread_noop}))
    assert merged.owns_thread("deal") and merged.owns_thread("question")
    assert not merged.owns_thread("survey")
