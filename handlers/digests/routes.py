"""What digests answer: `digest`, `target` and `scorecard`."""

from __future__ import annotations

from handlers.digests.chat import digest_command, scorecard_command, target_command
from handlers.routes import Routes

ROUTES = Routes(
    commands={
        "digest": digest_command,
        "target": target_command,
        "scorecard": scorecard_command,
    }
)
