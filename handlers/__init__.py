"""Use cases, one module per capability; they speak only bot.core and storage."""
