"""The JSON of Web API request bodies, and the HTTP session that sends them.

Every Web API call with a JSON body (`views.open` with its modal, messages with their
blocks) is encoded by the HTTP session's `json_serialize`. With the standard
library's encoder, a `/register-deal`'s ~3 KB modal took ~7 % of the request's CPU
(issue 15; bench/slack_paths.py); orjson encodes it in a sixth of the time. Its JSON
is the same data (non-ASCII characters as UTF-8 rather than `\\u` escapes); anything
it refuses (an integer over 64 bits, a key that is not a string) goes to the
standard library's encoder, which encodes or rejects it as before.
"""

from __future__ import annotations

import json

import aiohttp
import orjson


def dumps(value: object) -> str:
    """`value` as JSON text, as `json.dumps` would read back."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value)


def client_session() -> aiohttp.ClientSession:
    """The HTTP session the Web API clients share (JSON bodies through `dumps`)."""
    return aiohttp.ClientSession(json_serialize=dumps)
