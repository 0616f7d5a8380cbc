"""A local fake of the OpenAI HTTP API for knowledge tests: POST /v1/chat/completions
answers with scripted replies, POST /v1/embeddings with deterministic vectors (a
hashed bag of words in which a few "concept" words share a dimension, so a question
can match a passage it shares no word with). Every request is recorded."""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

from aiohttp import web

#: Words that light up one shared dimension each (the fake model's "understanding").
CONCEPTS = (
    ("money", "discount", "price", "margin", "cheaper", "pricing"),
    ("login", "sso", "okta", "saml", "sign"),
    ("secure", "encryption", "encrypted", "aes", "tls"),
)
DIMENSIONS = 64


def embed_text(text: str) -> list[float]:
    """Hashed bag of words (dimensions len(CONCEPTS)..63) plus concept dimensions."""
    vector = [0.0] * DIMENSIONS
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        concept = next((i for i, words in enumerate(CONCEPTS) if word in words), None)
        if concept is not None:
            vector[concept] += 3.0
        else:
            digest = int(hashlib.sha256(word.encode()).hexdigest(), 16)
            vector[len(CONCEPTS) + digest % (DIMENSIONS - len(CONCEPTS))] += 0.2
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


class FakeOpenAI:
    """Scripted chat replies and hashed embeddings; records each request."""

    def __init__(self) -> None:
        self.replies: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self.embedding_requests: list[dict[str, Any]] = []
        self.fail_with: int | None = None

    async def completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        if self.fail_with is not None:
            return web.json_response({"error": {"message": "down"}}, status=self.fail_with)
        content = self.replies.pop(0)
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )

    async def embeddings(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.embedding_requests.append(body)
        if self.fail_with is not None:
            return web.json_response({"error": {"message": "down"}}, status=self.fail_with)
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "index": i, "embedding": embed_text(text)}
            for i, text in enumerate(texts)
        ]
        data.reverse()  # the client must order by `index`, not by position
        return web.json_response(
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)},
            }
        )

    @property
    def embedded_texts(self) -> list[str]:
        return [text for body in self.embedding_requests for text in body["input"]]

    @property
    def prompt(self) -> str:
        return str(self.requests[-1]["messages"][-1]["content"])
