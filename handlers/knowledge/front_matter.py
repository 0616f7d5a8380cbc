"""Markdown front matter (YAML): the title and an optional `audience` (a tier or list of
tiers, or "all"). Front matter that cannot be read raises `FrontMatterError`: the
document may be restricted, so it is never published to everyone by mistake (the
ingest reports and skips it)."""

from __future__ import annotations

import re

import yaml

__all__ = ["FrontMatterError", "audience_of", "split_front_matter"]

#: YAML front matter at the top of a Markdown file (blank lines before it allowed).
FRONT_MATTER = re.compile(r"\A(?:[ \t]*\n)*---[ \t]*\n(?:(.*?)\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
#: A file that opens a front-matter block (whether or not it is closed).
FRONT_MATTER_START = re.compile(r"\A(?:[ \t]*\n)*---[ \t]*(?:\n|\Z)")
#: Front matter is a few lines of metadata; more than this is refused unread.
MAX_FRONT_MATTER_CHARS = 8_000
#: Front-matter `audience` values that mean every partner.
EVERYONE = frozenset({"all", "everyone", "partners", "*"})


class FrontMatterError(ValueError):
    """Front matter that cannot be read; the message says why, for the ingest report."""


def audience_of(meta: dict[str, object]) -> tuple[str, ...] | None:
    """The tiers a document is restricted to; None = every partner (no `audience`, or
    one naming everyone). Anything else is refused rather than read as "everyone".

    Raises:
        FrontMatterError: `audience` is present but not a tier name or a list of them.
    """
    if "audience" not in meta:
        return None
    value = meta["audience"]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise FrontMatterError("audience must be a tier name or a list of tier names")
    tiers = tuple(item.strip() for item in items if item.strip())
    if not tiers:
        raise FrontMatterError("audience names no tier (use `audience: all` for everyone)")
    if any(t.lower() in EVERYONE for t in tiers):
        return None
    return tiers


def _no_aliases(source: str) -> None:
    """Refuse YAML anchors and aliases before loading: nested aliases expand
    exponentially (an "alias bomb" took seconds and gigabytes), and metadata never
    needs them. Parsing events is linear and expands nothing."""
    for event in yaml.parse(source, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise FrontMatterError("YAML anchors and aliases are not allowed")


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """YAML front matter (a dict, empty when there is none) and the rest.

    Raises:
        FrontMatterError: a front-matter block that is unclosed, too long, not valid
            YAML, uses anchors or aliases, or is not a mapping.
    """
    match = FRONT_MATTER.match(text)
    if match is None:
        if FRONT_MATTER_START.match(text):
            raise FrontMatterError("front matter is not closed with ---")
        return {}, text
    source = match.group(1) or ""
    if len(source) > MAX_FRONT_MATTER_CHARS:
        raise FrontMatterError(f"front matter is over {MAX_FRONT_MATTER_CHARS} characters")
    try:
        _no_aliases(source)
        meta = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"front matter is not valid YAML ({_first_line(exc)})") from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError("front matter must be `key: value` lines")
    return meta, text[match.end() :]


def _first_line(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}" if mark is not None else ""
    return f"{problem or type(exc).__name__}{where}"
