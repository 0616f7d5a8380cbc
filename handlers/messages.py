"""User-facing strings that more than one use case says."""

from __future__ import annotations

STAFF_ONLY = "Sorry, only channel managers can do that. Your channel manager can help."
ADMIN_ONLY = "Sorry, only PartnerBot admins can do that."
APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
SENT_PRIVATELY = "I've sent you my answer in our 1:1 chat."
ASK_ME_DIRECTLY = (
    "That answer is for you only, and I can't reach you in a 1:1 chat yet. "
    "Message me directly and ask me there."
)
NOT_A_PARTNER_CHANNEL = (
    "This conversation isn't linked to a partner yet. "
    "A channel manager can link it with `partnerbot link <partner name>`."
)
