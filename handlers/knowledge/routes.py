"""What the knowledge base answers: /ask, its buttons and forms, its threads."""

from __future__ import annotations

from handlers.knowledge import ask
from handlers.routes import Routes

ROUTES: Routes = ask.ROUTES
