"""CPU time of the calling thread, less what the garbage collector spent in it.

`storage._sqlite` times each statement to decide whether it may keep running on the
event loop. A collection that starts during a statement (any allocation can start one)
is not the statement's cost: counted in, a one-row read was seen at 3 ms of CPU and
sent to the connection's thread for good, which then cost a thread hop on every
submission (issue 15).
"""

from __future__ import annotations

import gc
import threading
import time
from typing import Any

_local = threading.local()
#: The thread's CPU clock (a module attribute so that tests can replace it).
clock = time.thread_time


def _track(phase: str, _info: dict[str, Any]) -> None:
    """gc callback: runs in the collecting thread, at the start and stop of each pass."""
    now = clock()
    if phase == "start":
        _local.started = now
        return
    started = getattr(_local, "started", None)
    if started is not None:
        _local.collecting = getattr(_local, "collecting", 0.0) + now - started
        _local.started = None


gc.callbacks.append(_track)


def cpu_time() -> float:
    """The thread's CPU time in seconds, without its garbage collections (only
    differences between two calls in one thread mean anything)."""
    return clock() - getattr(_local, "collecting", 0.0)
