"""The import direction of the house rules, checked on every module (ast, no imports)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "scheduling", "storage", "prompts")
ADAPTERS = ("bot.slack", "bot.teams", "bot.shell", "bot.cli")
SLACK_SDKS = ("slack_bolt", "slack_sdk")
TEAMS_SDKS = ("botbuilder", "botframework")


def _modules() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files.extend(sorted((ROOT / package).rglob("*.py")))
    return [f for f in files if "__pycache__" not in f.parts]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module the file at `path` imports, absolute."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package=package)


def imports_in(source: str, *, package: str) -> set[str]:
    """Every module `source` imports; relative imports are resolved against `package`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(module: str, imported: set[str]) -> list[str]:
    """The house rules broken by `module` importing `imported`."""
    problems = []
    for name in sorted(imported):
        if _within(module, ("handlers", "storage")) and _within(
            name, ADAPTERS + SLACK_SDKS + TEAMS_SDKS
        ):
            problems.append(f"{module} imports {name}: use cases never see a platform")
        if _within(module, ("storage",)) and _within(
            name, ("bot", "handlers", "scheduling", "prompts", "app")
        ):
            problems.append(f"{module} imports {name}: storage imports nothing of ours")
        if _within(name, TEAMS_SDKS) and not _within(module, ("bot.teams",)):
            problems.append(f"{module} imports {name}: botbuilder stays in bot/teams")
        if _within(name, SLACK_SDKS) and not _within(module, ("bot.slack",)):
            problems.append(f"{module} imports {name}: slack_bolt/slack_sdk stay in bot/slack")
    return problems


def test_every_module_respects_the_layers() -> None:
    modules = _modules()
    assert len(modules) > 20, "the walk found too few modules; is ROOT right?"
    problems = [p for path in modules for p in violations(_module_name(path), imports_of(path))]
    assert problems == []


@pytest.mark.parametrize(
    ("module", "imported"),
    [
        ("handlers.deals.registration", {"bot.slack.render"}),
        ("handlers.deals.registration", {"slack_sdk.models"}),
        ("storage.deals", {"handlers.deps"}),
        ("storage.deals", {"bot.core.model"}),
        ("bot.slack.render", {"botbuilder.core"}),
        ("scheduling.outbox", {"slack_sdk.web.async_client"}),
        ("bot.teams.bot", {"slack_bolt"}),
    ],
)
def test_the_checker_catches_each_kind_of_violation(module: str, imported: set[str]) -> None:
    assert violations(module, imported)


def test_allowed_imports_pass() -> None:
    assert violations("bot.slack.app", {"slack_bolt.async_app", "handlers.router"}) == []
    assert violations("bot.teams.bot", {"botbuilder.core", "bot.core"}) == []
    assert violations("handlers.admin.chat", {"bot.core", "storage.partners", "prompts"}) == []


def test_relative_imports_are_resolved() -> None:
    found = imports_in("from ..slack import render\nfrom . import cards\n", package="bot.teams")
    assert "bot.slack.render" in found
    assert "bot.teams.cards" in found
    assert violations(
        "handlers.x", imports_in("from bot.shell import run_shell", package="handlers")
    )


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (`TYPE_CHECKING` imports included).
    `from pkg import name` points at `pkg.name` when that is a module, else at `pkg`."""
    paths = {_module_name(path): path for path in _modules()}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names if alias.name in paths)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    anchor = parts[: len(parts) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    if f"{base}.{alias.name}" in paths:
                        edges.add(f"{base}.{alias.name}")
                    elif base in paths:
                        edges.add(base)
        edges.discard(module)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_a_type_checking_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
