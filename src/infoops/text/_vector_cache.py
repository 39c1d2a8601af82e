"""Sentence vectors kept in the workspace, so each distinct text is encoded once per model.

The table ``text_vectors`` holds (model, text_hash, vector); ``model`` names the encoder,
its version and the prefix side (e5's ``query:`` and ``passage:`` give different vectors),
so a new model version never reads an old one's vectors. ``CachedEncoder`` wraps an
encoder: it looks every text up, encodes only those missing (each distinct one once) and
stores them. That is sound because an encoder's vectors do not depend on the batch.
"""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pyarrow as pa

TABLE = "text_vectors"


def text_hash(text: str) -> int:
    """A 64-bit key of the text (BLAKE2b): collisions are negligible at millions of texts."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


class CachedEncoder:
    """``encoder`` reading and writing its vectors through the workspace's ``text_vectors``."""

    def __init__(self, encoder, con: duckdb.DuckDBPyConnection) -> None:
        self.encoder = encoder
        self.con = con
        self.encoded = 0  # texts this wrapper has had to encode (the rest came from the table)

    def __getattr__(self, name: str):
        return getattr(self.encoder, name)  # name, dimensions, calibration...

    def encode(self, sentences: list[str]) -> np.ndarray:
        return self._cached(sentences, "query", self.encoder.encode)

    def encode_passages(self, sentences: list[str]) -> np.ndarray:
        return self._cached(sentences, "passage", self.encoder.encode_passages)

    def _cached(self, sentences: list[str], side: str, encode) -> np.ndarray:
        model = f"{self.encoder.name}@{self.encoder.version}:{side}"
        unique = list(dict.fromkeys(sentences))
        keys = [text_hash(t) for t in unique]
        known = self._lookup(model, keys)
        missing = [i for i, k in enumerate(keys) if k not in known]
        if missing:
            fresh = encode([unique[i] for i in missing])
            self._store(model, [keys[i] for i in missing], fresh)
            known.update(zip((keys[i] for i in missing), fresh, strict=True))
            self.encoded += len(missing)
        rows = {t: known[k] for t, k in zip(unique, keys, strict=True)}
        vectors = [rows[t] for t in sentences]
        return np.array(vectors, np.float32).reshape(len(sentences), self.encoder.dimensions)

    def _lookup(self, model: str, keys: list[int]) -> dict[int, np.ndarray]:
        wanted = pa.table({"text_hash": pa.array(keys, pa.uint64())})
        self.con.register("_wanted_hashes", wanted)
        try:
            found = self.con.execute(
                f"SELECT v.text_hash, v.vector FROM {TABLE} v "
                "JOIN _wanted_hashes w USING (text_hash) WHERE v.model = ?",
                [model],
            ).fetchnumpy()
        finally:
            self.con.unregister("_wanted_hashes")
        return dict(zip(found["text_hash"].tolist(), found["vector"], strict=True))

    def _store(self, model: str, keys: list[int], vectors: np.ndarray) -> None:
        rows = pa.table(
            {
                "model": pa.array([model] * len(keys)),
                "text_hash": pa.array(keys, pa.uint64()),
                "vector": pa.array(list(vectors.astype(np.float32)), pa.list_(pa.float32())),
            }
        )
        self.con.register("_new_vectors", rows)
        try:
            self.con.execute(f"INSERT INTO {TABLE} SELECT * FROM _new_vectors")
        finally:
            self.con.unregister("_new_vectors")
