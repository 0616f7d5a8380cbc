"""Action and form ids (kebab-case), shared by handlers and every adapter."""

from __future__ import annotations

# Menu shown on a bare @mention
MENU_HELP = "menu-help"
MENU_REGISTER_DEAL = "menu-register-deal"
MENU_MY_DEALS = "menu-my-deals"
MENU_ASK = "menu-ask"

# Forms
FORM_ASK = "form-ask"
