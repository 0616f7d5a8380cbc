"""Logging set-up: slack_sdk's clients log their calls only when we debug."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.cli._logging import SLACK_CLIENT_LOGGERS, configure_logging


@pytest.fixture(autouse=True)
def _restore_levels() -> Iterator[None]:
    loggers = [logging.getLogger(), *map(logging.getLogger, SLACK_CLIENT_LOGGERS)]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_slack_clients_do_not_format_debug_lines_unless_we_debug() -> None:
    # slack_sdk checks its logger's own level, not the effective one, before it
    # formats the whole request and response of a call.
    configure_logging("WARNING")
    for name in SLACK_CLIENT_LOGGERS:
        assert logging.getLogger(name).level == logging.WARNING
    configure_logging("DEBUG")
    for name in SLACK_CLIENT_LOGGERS:
        client_logger = logging.getLogger(name)
        assert client_logger.level == logging.NOTSET
        assert client_logger.isEnabledFor(logging.DEBUG)
