"""Validation of signed Slack bodies before bolt sees them (malformed -> HTTP 400)."""

from __future__ import annotations

import json

import pytest

from bot.slack.payloads import MalformedPayload, bolt_request


@pytest.mark.parametrize(
    ("content_type", "raw"),
    [
        ("application/json", "{"),
        ("application/json", "3"),
        ("application/x-www-form-urlencoded", "payload=%7B"),
        ("application/x-www-form-urlencoded", "command=%2Fdeals"),
    ],
)
def test_bolt_request_rejects_malformed(content_type: str, raw: str) -> None:
    with pytest.raises(MalformedPayload):
        bolt_request(raw, headers={"Content-Type": content_type})


def test_bolt_request_accepts_slack_shapes() -> None:
    challenge = json.dumps({"type": "url_verification", "challenge": "c"})
    assert bolt_request(challenge, headers={"Content-Type": "application/json"}).body["challenge"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert bolt_request("ssl_check=1&token=x", headers=form).body["ssl_check"] == "1"
