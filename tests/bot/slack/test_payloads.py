"""Validation of signed Slack bodies before bolt sees them (malformed -> HTTP 400)."""

from __future__ import annotations

import json

import pytest

from bot.slack.payloads import MalformedPayload, read_body


@pytest.mark.parametrize(
    ("content_type", "raw"),
    [
        ("application/json", "{"),
        ("application/json", "3"),
        ("application/x-www-form-urlencoded", "payload=%7B"),
        ("application/x-www-form-urlencoded", "command=%2Fdeals"),
    ],
)
def test_read_body_rejects_malformed(content_type: str, raw: str) -> None:
    with pytest.raises(MalformedPayload):
        read_body(content_type, raw)


def test_read_body_accepts_slack_shapes() -> None:
    assert read_body("application/json", json.dumps({"type": "url_verification", "challenge": "c"}))
    assert read_body("application/x-www-form-urlencoded", "ssl_check=1&token=x")
