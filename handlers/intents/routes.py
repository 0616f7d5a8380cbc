"""What plain words answer: the "did you mean" buttons (free text itself is routed by
the router, after a thread's owner)."""

from __future__ import annotations

from handlers.intents import act
from handlers.routes import Routes

ROUTES: Routes = act.ROUTES
