"""A local OpenAI-compatible embeddings endpoint over a sentence-transformers model, so
`bench/kb_eval.py --embeddings on` can measure dense retrieval with a real model and no
traffic off the machine.

    python bench/embeddings_server.py MODEL_DIR [--port 8765]
    OPENAI_API_KEY=local OPENAI_BASE_URL=http://127.0.0.1:8765/v1 \\
        OPENAI_EMBEDDING_MODEL=all-MiniLM-L6-v2 \\
        .venv/bin/python bench/kb_eval.py --questions FILE --embeddings on

MODEL_DIR is a sentence-transformers model folder (all-MiniLM-L6-v2, e5, bge ...). It
needs `sentence-transformers` (and torch), which the project itself does not: install
them in a separate virtualenv and run this script with that one's python. It answers
`POST /v1/embeddings` only, binds 127.0.0.1, and keeps every vector it computed, so a
second benchmark run (which ingests into a fresh database) does not embed the corpus
again. Not for production: a vendor points OPENAI_BASE_URL at Ollama, vLLM or OpenAI.
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol


class Encoder(Protocol):
    """What is needed of a sentence-transformers model."""

    def encode(self, texts: list[str], *, batch_size: int, normalize_embeddings: bool) -> Any: ...


class Embeddings:
    """The model and the vectors it already computed, one request at a time."""

    def __init__(self, model: Encoder) -> None:
        self.model = model
        self.known: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def vectors(self, texts: list[str]) -> list[list[float]]:
        with self.lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self.known))
            if todo:
                rows = self.model.encode(todo, batch_size=32, normalize_embeddings=True)
                self.known.update(zip(todo, rows.tolist(), strict=True))
            return [self.known[t] for t in texts]


def handler(embeddings: Embeddings) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/embeddings":
                self.send_error(404)
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            data = [
                {"object": "embedding", "index": i, "embedding": vector}
                for i, vector in enumerate(embeddings.vectors([str(t) for t in texts]))
            ]
            usage = {"prompt_tokens": 0, "total_tokens": 0}
            reply = {"object": "list", "model": body.get("model"), "data": data, "usage": usage}
            payload = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("model_dir")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(args.model_dir, device="cpu")
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(Embeddings(model)))
    print(f"embeddings on http://127.0.0.1:{args.port}/v1", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
