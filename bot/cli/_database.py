"""Database chores every command shares: migrate at start, dispose at the end."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli._errors import CliError
from handlers.deps import Deps
from storage.migrate import upgrade

logger = logging.getLogger(__name__)


def engine_of(deps: Deps) -> AsyncEngine:
    """The engine behind the session factory built by `app.build_deps`."""
    bind: Any = deps.sessions.kw["bind"]
    assert isinstance(bind, AsyncEngine)
    return bind


def safe_url(url: str) -> str:
    """The database URL without its password, fit for logs and banners."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # boundary: a URL we can't parse is shown as its scheme only
        return url.split("://", 1)[0] + "://…"


async def prepare_database(deps: Deps) -> None:
    """Apply the migrations (a fresh machine just works).

    Raises:
        CliError: the database cannot be reached or migrated.
    """
    url = safe_url(deps.settings.async_database_url)
    try:
        await upgrade(engine_of(deps))
    except (OSError, SQLAlchemyError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CliError(f"cannot open the database at {url} (DATABASE_URL): {reason}") from exc
    logger.debug("database %s is at the head migration", url)


async def dispose(deps: Deps) -> None:
    await engine_of(deps).dispose()
