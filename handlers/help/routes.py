"""What help answers: `help` and the menu's Help button."""

from __future__ import annotations

from handlers.help import menu
from handlers.routes import Routes

ROUTES: Routes = menu.ROUTES
