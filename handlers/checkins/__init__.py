"""Check-ins: the bot asks each partner channel, on a schedule, what moved."""
