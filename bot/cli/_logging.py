"""Logging, configured once per process from LOG_LEVEL."""

from __future__ import annotations

import logging
import sys

from bot.core.logcontext import ContextFilter

FORMAT = (
    "%(asctime)s %(levelname)-7s %(name)s "
    "[%(platform)s %(channel)s %(partner)s %(request_id)s] %(message)s"
)
_HANDLER_NAME = "partnerbot"
#: The loggers of slack_sdk's Web API clients. slack_sdk formats a DEBUG line with each
#: call's whole request and response whenever such a logger's *own* level is unset,
#: whatever the effective level: ~50-90 us of CPU per `views.open`, then discarded.
SLACK_CLIENT_LOGGERS = ("slack_sdk.web.async_base_client", "slack_sdk.web.base_client")


def configure_logging(level: str) -> None:
    """Send logs to stderr at `level`, with the request context on every line.

    Idempotent: a second call only changes the level.
    """
    root = logging.getLogger()
    root.setLevel(level)
    for name in SLACK_CLIENT_LOGGERS:  # unset (inherited) only when we debug
        logging.getLogger(name).setLevel(logging.NOTSET if level == "DEBUG" else level)
    if any(h.get_name() == _HANDLER_NAME for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(ContextFilter())
    root.addHandler(handler)
    # Third-party chatter stays at WARNING unless we debug.
    if level != "DEBUG":
        for noisy in ("aiohttp.access", "alembic", "apscheduler", "botbuilder", "msrest"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
