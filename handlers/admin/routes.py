"""What program administration answers in chat: link, partners, managers, outbox."""

from __future__ import annotations

from handlers.admin import chat
from handlers.admin.outbox import show_outbox
from handlers.routes import Routes, merge_routes

ROUTES: Routes = merge_routes(chat.ROUTES, Routes(commands={"outbox": show_outbox}))
