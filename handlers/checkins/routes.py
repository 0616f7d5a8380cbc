"""What check-ins answer: the `checkins` command and replies in a check-in's thread."""

from __future__ import annotations

from handlers.checkins.chat import answer_checkin, checkins_command
from handlers.checkins.due import CHECKIN_THREAD
from handlers.routes import Routes

ROUTES = Routes(
    commands={"checkins": checkins_command},
    threads={CHECKIN_THREAD: answer_checkin},
)
