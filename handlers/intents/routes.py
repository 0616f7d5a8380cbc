"""What plain words answer: the "did you mean" buttons, and registration by
conversation (a draft's thread, its Register / Edit buttons); free text itself is
routed by the router, after a thread's owner."""

from __future__ import annotations

from handlers.intents import act, converse, draft_buttons
from handlers.routes import Routes, merge_routes

ROUTES: Routes = merge_routes(act.ROUTES, converse.ROUTES, draft_buttons.ROUTES)
