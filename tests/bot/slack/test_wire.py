"""Web API request bodies: orjson's JSON is the standard library's data."""

from __future__ import annotations

import json

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.core import Field, Form, Option
from bot.slack.modal import render_form
from bot.slack.wire import client_session, dumps


def test_a_modal_reads_back_as_the_same_data() -> None:
    form = Form(
        form_id="f",
        title="Régistre — ünïcode ✓",
        fields=(
            Field("name", "Name", initial='Zoë "quoted" \\ back\nline', max_length=40),
            Field("kind", "Kind", kind="select", options=(Option("a", "Ä"), Option("b", "B"))),
        ),
        submit_label="Go",
    )
    body = {"trigger_id": "t.1", "view": render_form(form, private_metadata='{"m":"x"}')}
    assert json.loads(dumps(body)) == body == json.loads(json.dumps(body))


def test_what_orjson_refuses_goes_to_the_standard_encoder() -> None:
    assert json.loads(dumps({"n": 2**70})) == {"n": 2**70}
    assert json.loads(dumps({1: "a", None: "b"})) == {"1": "a", "null": "b"}
    try:
        dumps({"x": object()})
    except TypeError as exc:  # what json.dumps raises, as before
        assert "not JSON serializable" in str(exc)
    else:
        raise AssertionError("an object that is not JSON was encoded")


async def test_the_session_sends_json_bodies_through_dumps() -> None:
    seen: list[object] = []

    async def echo(request: web.Request) -> web.Response:
        seen.append((request.content_type, json.loads(await request.text())))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/api", echo)
    async with TestServer(app) as server, client_session() as session:
        assert session.json_serialize is dumps
        body = {"text": "héllo", "big": 2**70, "blocks": [{"type": "divider"}]}
        async with session.post(server.make_url("/api"), json=body) as response:
            assert response.status == 200
    assert seen == [("application/json", body)]
