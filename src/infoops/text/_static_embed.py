"""Fast multilingual text vectors from word vectors of the sentence encoder.

Encoding a million posts with the full encoder takes close to an hour on two
cores; encoding each distinct word once takes seconds, and in that encoder a word
and its translation lie close ("election" and "выборы": cosine 0.88). A text's
vector is then the smooth-inverse-frequency weighted mean of its words' vectors
with the corpus's common direction removed (Arora et al., 2017), which is what
narrative clustering of large collections and the first pass of claim matching
need: thousands of texts per second, one space for all languages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp

from ._embed import DIMENSIONS, SentenceEncoder, shared_encoder
from ._progress import Progress, no_progress

_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|&amp;|&\w+;")
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’-][^\W\d_]+)*")
_WIDE_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")


def words(text: str | None) -> list[str]:
    """Lower-cased words of ``text`` without links and mentions (hashtags lose their #);
    runs of CJK characters give character pairs, since they have no spaces."""
    if not text:
        return []
    text = _NOISE.sub(" ", text.lower())
    tokens: list[str] = []
    for run in _WIDE_RUN.findall(text):
        tokens.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    tokens.extend(_WORD.findall(_WIDE_RUN.sub(" ", text)))
    return tokens


class StaticEmbedder:
    """Word vectors from the sentence encoder, pooled with SIF weights.

    ``fit`` chooses the vocabulary from the documents (most frequent first, ties
    by the word itself, so the result does not depend on document order) and
    encodes the words not seen before; ``transform`` turns documents into
    L2-normalised vectors (a document without a known word is all zeros).
    """

    def __init__(self, encoder: SentenceEncoder | None = None, smoothing: float = 1e-3) -> None:
        self.encoder = encoder
        self.smoothing = smoothing
        self._cache: dict[str, np.ndarray] = {}
        self.vocabulary: dict[str, int] = {}
        self._matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._common = np.zeros(DIMENSIONS, dtype=np.float32)

    def fit(
        self,
        documents: Iterable[list[str]],
        max_words: int = 100_000,
        min_count: int = 2,
        on_progress: Progress = no_progress,
    ) -> StaticEmbedder:
        """Learn the vocabulary and weights from tokenised ``documents`` (see ``words``);
        ``on_progress("words", done, total)`` follows the encoding of new words, the part
        that grows with the data."""
        documents = list(documents)
        counts = Counter(token for document in documents for token in set(document))
        kept = sorted(
            (w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w)
        )
        kept = kept[:max_words]
        self._encode_missing(kept, on_progress)
        self.vocabulary = {word: i for i, word in enumerate(kept)}
        frequency = np.array([counts[w] for w in kept], dtype=np.float64)
        frequency /= max(1.0, frequency.sum())
        weights = self.smoothing / (self.smoothing + frequency)
        vectors = np.stack([self._cache[w] for w in kept]) if kept else self._matrix
        self._matrix = (vectors * weights[:, None]).astype(np.float32)
        self._common = np.zeros(DIMENSIONS, dtype=np.float32)
        self._common = self._principal_direction(documents)
        return self

    def transform(self, documents: Iterable[list[str]]) -> np.ndarray:
        """(n, 512) float32 unit vectors, one per tokenised document."""
        counts = self._counts(documents)
        vectors = np.asarray(counts @ self._matrix, dtype=np.float32)
        vectors -= np.outer(vectors @ self._common, self._common)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)

    def _counts(self, documents: Iterable[list[str]]) -> sp.csr_matrix:
        rows, cols = [], []
        n = 0
        for n, document in enumerate(documents, 1):
            ids = [self.vocabulary[t] for t in document if t in self.vocabulary]
            cols.extend(ids)
            rows.extend([n - 1] * len(ids))
        data = np.ones(len(cols), dtype=np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(n, len(self.vocabulary)))

    def _principal_direction(self, documents: list[list[str]], sample: int = 20_000) -> np.ndarray:
        """The direction all pooled vectors share (frequent-word drift); removed from each."""
        step = max(1, len(documents) // sample)
        vectors = self.transform(documents[::step])
        vectors = vectors[np.linalg.norm(vectors, axis=1) > 0]
        if len(vectors) < 2:
            return np.zeros(DIMENSIONS, dtype=np.float32)
        # The first right singular vector, as the top eigenvector of the 512 x 512 Gram
        # matrix: the same direction, without decomposing the whole sample.
        gram = vectors.astype(np.float64).T @ vectors
        direction = np.linalg.eigh(gram)[1][:, -1]
        return (direction * np.sign(direction[np.argmax(np.abs(direction))])).astype(np.float32)

    def _encode_missing(
        self, vocabulary: list[str], on_progress: Progress, batch: int = 2048
    ) -> None:
        encoder = self.encoder or shared_encoder()
        kept = _process_words(encoder)
        for word in vocabulary:
            if word not in self._cache and word in kept:
                self._cache[word] = kept[word]
        missing = [w for w in vocabulary if w not in self._cache]
        if not missing:
            return
        on_progress("words", 0, len(missing))  # the bar shows while the model loads
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            for word, vector in zip(chunk, encoder.encode(chunk, batch_size=1024), strict=True):
                self._cache[word] = vector
                if len(kept) < PROCESS_WORDS:
                    kept[word] = vector
            on_progress("words", start + len(chunk), len(missing))


# Word vectors kept for the life of the process, per encoder model: every claims run
# fits the same catalogue words again (thousands of them, most of that step on a small
# input). Bounded: 50,000 vectors are about 100 MB.
PROCESS_WORDS = 50_000
_PROCESS_CACHE: dict[str, dict[str, np.ndarray]] = {}


def _process_words(encoder) -> dict[str, np.ndarray]:
    """The process's word vectors of ``encoder``'s model; a private dict for an encoder
    that does not name its model and version (a test's stand-in, say)."""
    name, version = getattr(encoder, "name", ""), getattr(encoder, "version", "")
    if not (name and version):
        return {}
    return _PROCESS_CACHE.setdefault(f"{name}@{version}", {})
