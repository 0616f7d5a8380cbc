"""`partnerbot serve` with every request loading its caller from the database.

Deps has no caller cache any more (authorization reads fresh roles on every request),
so this is plain `app.py serve`; the shim stays so that a branch that brings a cache
back is still measured without it.

Run from the repository root: python bench/_serve_fresh_callers.py
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import app


def _build_deps(settings: Any, *, engine: Any = None) -> Any:
    deps = _original(settings, engine=engine)
    if getattr(deps, "callers", None) is not None:
        deps = dataclasses.replace(deps, callers=None)
    return deps


_original = app.build_deps
app.build_deps = _build_deps

if __name__ == "__main__":
    raise SystemExit(app.main(["serve"]))
