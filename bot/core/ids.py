"""Action and form ids (kebab-case), shared by handlers and every adapter."""

from __future__ import annotations

# Menu shown on a bare @mention
MENU_HELP = "menu-help"
MENU_REGISTER_DEAL = "menu-register-deal"
MENU_MY_DEALS = "menu-my-deals"
MENU_ASK = "menu-ask"

# Forms
FORM_ASK = "form-ask"

# Deal registration: forms
FORM_DEAL_REGISTER = "deal-register"
FORM_DEAL_REJECT = "deal-reject-reason"
FORM_DEAL_INFO = "deal-info-question"
FORM_DEAL_STAGE = "deal-stage-form"
FORM_DEAL_WON = "deal-won-form"
FORM_DEAL_LOST = "deal-lost-form"
FORM_DEAL_WITHDRAW = "deal-withdraw-form"

# Deal registration: buttons (a per-deal suffix `:<id>` keeps them unique in a message)
DEAL_APPROVE = "deal-approve"
DEAL_REJECT = "deal-reject"
DEAL_ASK_INFO = "deal-ask-info"
DEAL_UPDATE_STAGE = "deal-update-stage"
DEAL_MARK_WON = "deal-mark-won"
DEAL_MARK_LOST = "deal-mark-lost"
DEAL_WITHDRAW = "deal-withdraw"
DEAL_REQUEST_EXTENSION = "deal-request-extension"
DEAL_APPROVE_EXTENSION = "deal-approve-extension"
DEAL_DECLINE_EXTENSION = "deal-decline-extension"

# Knowledge base: buttons on an answer (the value is the question id)
KB_HELPFUL = "kb-helpful"
KB_NOT_HELPFUL = "kb-not-helpful"
KB_ASK_MANAGER = "kb-ask-manager"

# Plain words: "did you mean …?" buttons (the value names the intent and the sentence)
INTENT_CHOOSE = "intent-choose"

# Registration by conversation: the summary's buttons (the value names the draft)
DRAFT_REGISTER = "draft-register"
DRAFT_EDIT = "draft-edit"

# Check-ins: the "Answer" button on a check-in (value: the check-in id) and its form
CHECKIN_ANSWER = "checkin-answer"
FORM_CHECKIN_ANSWER = "checkin-answer-form"

# Surveys: a score or option button on a survey question (value: `<run>.<position>.<n>`,
# or `.c<option index>` for a choice)
SURVEY_ANSWER = "survey-answer"
