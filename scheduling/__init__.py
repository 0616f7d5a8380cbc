"""When work happens: APScheduler set-up, due-work jobs, and outbox delivery."""
