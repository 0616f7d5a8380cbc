"""PartnerBot's conversation core and its chat-platform adapters."""
