"""What surveys answer: the `survey` command, score buttons, replies in a survey thread."""

from __future__ import annotations

from bot.core import ids
from handlers.routes import Routes
from handlers.surveys.answer import answer_in_thread, on_answer_button
from handlers.surveys.chat import survey_command
from handlers.surveys.send import SURVEY_THREAD

ROUTES = Routes(
    commands={"survey": survey_command},
    actions={ids.SURVEY_ANSWER: on_answer_button},
    threads={SURVEY_THREAD: answer_in_thread},
)
