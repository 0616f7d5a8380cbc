"""What program administration answers in chat: link, partners, managers."""

from __future__ import annotations

from handlers.admin import chat
from handlers.routes import Routes

ROUTES: Routes = chat.ROUTES
