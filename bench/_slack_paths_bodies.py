"""The signed bodies bench/slack_paths.py builds from stored registrations: the
manager's Approve click, the manager's info request, and the partner's reply in the
registration's thread."""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import urlencode

from deals_slack import CHANNEL, TEAM

from bot.core import Place
from bot.core.ids import FORM_DEAL_INFO
from bot.slack.inbound import wrap_metadata
from handlers.deals.forms import DealRef

MANAGER, MANAGER_DM = "U0MGR", "D0U0MGR"  # the fake's conversations.open answers D0<user>
QUESTION = "Which budget is this from, and who signs?"
ANSWER = "The FY27 platform budget; the CFO signs."


def click(deal_id: int) -> str:
    ts = f"1700000000.{deal_id:06d}"
    payload = {
        "type": "block_actions",
        "api_app_id": "A0BENCH",
        "team": {"id": TEAM},
        "user": {"id": MANAGER, "team_id": TEAM, "name": MANAGER},
        "channel": {"id": MANAGER_DM},
        "container": {"type": "message", "message_ts": ts, "channel_id": MANAGER_DM},
        "message": {"type": "message", "ts": ts, "text": "New registration"},
        "trigger_id": f"trig-approve-{deal_id}",
        "response_url": "http://127.0.0.1:9/unused",
        "actions": [
            {
                "type": "button",
                "action_id": f"deal-approve:{deal_id}",
                "block_id": "actions",
                "value": DealRef(deal_id=deal_id).model_dump_json(),
                "action_ts": ts,
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def info_request(deal_id: int) -> str:
    metadata = wrap_metadata(
        DealRef(deal_id=deal_id).model_dump_json(), Place("slack", MANAGER_DM, kind="dm")
    )
    payload = {
        "type": "view_submission",
        "api_app_id": "A0BENCH",
        "team": {"id": TEAM},
        "user": {"id": MANAGER, "team_id": TEAM, "name": MANAGER},
        "view": {
            "id": "V2",
            "type": "modal",
            "callback_id": FORM_DEAL_INFO,
            "private_metadata": metadata,
            "state": {
                "values": {"reason": {"reason": {"type": "plain_text_input", "value": QUESTION}}}
            },
            "app_installed_team_id": TEAM,
        },
    }
    return urlencode({"payload": json.dumps(payload)})


def thread_reply(thread_ts: str, user: str, k: int) -> str:
    ts = f"1800000000.{k:06d}"
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": TEAM,
            "api_app_id": "A0BENCH",
            "event_id": f"Ev{uuid.uuid4().hex[:12]}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "U0BENCHBOT", "is_bot": True}],
            "is_ext_shared_channel": False,
            "event": {
                "type": "message",
                "channel": CHANNEL,
                "channel_type": "channel",
                "user": user,
                "team": TEAM,
                "text": ANSWER,
                "ts": ts,
                "thread_ts": thread_ts,
                "event_ts": ts,
            },
        }
    )
