"""The command line: `partnerbot <group> ...` (== `python app.py <group> ...`).

How it is put together:

- `GROUPS` is a tuple of command-group modules. Each module has
  `add_parser(subparsers) -> None`, which adds its sub-command named `NAME` (a module
  constant; default: the module's own name) with its own sub-sub-commands if it has
  any, and `async run(args, deps) -> int`, which does the work and returns the exit
  code. `run_cli` calls `run` of the group the user named. A group may also have
  `preflight(settings) -> None`, checks that refuse the command before the database
  is touched (raising `CliError`).
- Before `run`, `run_cli` reads `Settings` (bad configuration: one line on stderr,
  exit 2), configures logging from LOG_LEVEL, builds `Deps` with the composition
  root's `build_deps`, and applies the migrations, so every command works on a fresh
  machine. Afterwards it disposes the engine.
- `args.build_web_app` holds the composition root's web-app factory (the `serve`
  group needs it); `args.settings` holds the `Settings`.
- Use cases live in `handlers/`; a group only parses argv, calls a handler and prints
  (rich tables for people, `--json` for scripts). Expected errors from handlers
  (`NotFound`, `NotAllowed`, `InvalidInput`) become one line on stderr and exit 1
  (exit 2 for invalid input), never a traceback.

Adding a group (e.g. `surveys`): write `bot/cli/surveys.py` with `NAME`, `add_parser`
and `run`, then add it to the import and to `GROUPS` below. Nothing else changes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from pydantic import ValidationError
from pydantic_settings import SettingsError

from bot.cli import (
    admin,
    checkins,
    db,
    deals,
    demo,
    digest,
    jobs,
    kb,
    outbox,
    partners,
    qbr,
    serve,
    shell,
    surveys,
)
from bot.cli._database import dispose, prepare_database
from bot.cli._errors import handled_errors
from bot.cli._logging import configure_logging
from bot.core.settings import ConfigError, Settings

logger = logging.getLogger(__name__)

#: Command groups, in the order `--help` lists them. Add new groups here.
GROUPS: tuple[ModuleType, ...] = (
    serve,
    shell,
    db,
    admin,
    partners,
    checkins,
    surveys,
    deals,
    kb,
    jobs,
    outbox,
    digest,
    qbr,
    demo,
)
DEFAULT_COMMAND = "serve"


def build_parser(groups: Sequence[ModuleType] | None = None) -> argparse.ArgumentParser:
    """The argument parser of every group in `groups` (default: `GROUPS`)."""
    parser = argparse.ArgumentParser(
        prog="partnerbot",
        description="PartnerBot: the channel-partner bot for Slack, Teams and the terminal.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS if groups is None else groups:
        group.add_parser(subparsers)
        # Every group's parser records which module runs it.
        subparsers.choices[_group_name(group)].set_defaults(group=group)
    return parser


def _group_name(group: ModuleType) -> str:
    return str(getattr(group, "NAME", group.__name__.rsplit(".", 1)[-1]))


#: How pydantic-settings names the field whose value it could not decode.
_SETTINGS_FIELD = re.compile(r'field "(\w+)"')


def config_error_line(exc: ValidationError | ConfigError | SettingsError) -> str:
    """One line naming the offending variable, for a settings failure."""
    if isinstance(exc, ConfigError):
        return f"configuration error: {exc}"
    if isinstance(exc, SettingsError):  # a list or dict setting that is not JSON
        found = _SETTINGS_FIELD.search(str(exc))
        variable = found.group(1).upper() if found else "a setting"
        return (
            f"configuration error: {variable} is not valid JSON "
            "(e.g. DEAL_AUTO_APPROVE='{\"gold\": 25000}', DEAL_PRODUCTS='[\"Platform\"]')"
        )
    problems = []
    for error in exc.errors():
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, ConfigError):
            problems.append(str(cause))
            continue
        variable = "_".join(str(part) for part in error["loc"]).upper() or "settings"
        problems.append(f"{variable}: {error['msg']}")
    return "configuration error: " + "; ".join(problems)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line; no sub-command means `serve`. Exits 2 on bad usage."""
    words = list(argv)
    if not words or (words[0].startswith("-") and words[0] not in ("-h", "--help")):
        words.insert(0, DEFAULT_COMMAND)
    return build_parser().parse_args(words)


def load_settings() -> Settings:
    """Settings from the environment and `.env`; raises `ConfigError`/`ValidationError`."""
    return Settings()


def run_cli(
    argv: Sequence[str] | None,
    *,
    build_deps: Callable[[Settings], Any],
    build_web_app: Callable[..., Any],
) -> int:
    """Parse `argv`, then run the chosen command group. Returns the exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
    except (ValidationError, ConfigError, SettingsError) as exc:
        print(config_error_line(exc), file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    args.settings = settings
    args.build_web_app = build_web_app
    try:
        return asyncio.run(_run(args, build_deps))
    except KeyboardInterrupt:  # Ctrl-C outside `serve` (which handles it itself)
        print(file=sys.stderr)
        return 130


async def _run(args: argparse.Namespace, build_deps: Callable[[Settings], Any]) -> int:
    preflight = getattr(args.group, "preflight", None)
    if preflight is not None:
        with handled_errors() as refused:
            preflight(args.settings)
        if refused.code:
            return refused.code
    deps = build_deps(args.settings)
    try:
        with handled_errors() as outcome:
            await prepare_database(deps)
            outcome.code = await args.group.run(args, deps)
        return outcome.code
    finally:
        await dispose(deps)
