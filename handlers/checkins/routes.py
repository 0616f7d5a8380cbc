"""What check-ins answer: the `checkins` command and replies in a check-in's thread."""

from __future__ import annotations

from bot.core import ids
from handlers.checkins.chat import answer_checkin, checkins_command, on_answer_button, submit_answer
from handlers.checkins.due import CHECKIN_THREAD
from handlers.routes import Routes

ROUTES = Routes(
    commands={"checkins": checkins_command},
    actions={ids.CHECKIN_ANSWER: on_answer_button},
    forms={ids.FORM_CHECKIN_ANSWER: submit_answer},
    threads={CHECKIN_THREAD: answer_checkin},
)
