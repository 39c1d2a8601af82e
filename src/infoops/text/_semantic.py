"""Texts that say the same thing in other words or another language.

Each distinct normalised text is embedded with the multilingual sentence
encoder. Texts are compared only with texts posted within the time window of
them (posts are put in buckets as wide as the window; each bucket's texts are
compared with its own and the next bucket's, one matrix product each), so the
cost follows the data's density, not the square of its size. Pairs whose cosine
reaches the threshold are linked; connected components are the clusters.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ._embed import SentenceEncoder, shared_encoder

BLOCK = 4096  # rows of one similarity block: memory stays under 70 MB


def similar_meaning_clusters(
    con: duckdb.DuckDBPyConnection,
    posts_sql: str,
    threshold: float,
    window_s: float,
    encoder: SentenceEncoder | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> pa.Table:
    """(text_key, cluster) of texts in clusters of two or more.

    ``posts_sql`` yields one row per post: ``text_key, text, ts`` (epoch seconds).
    """
    encoder = encoder or shared_encoder()
    width = max(float(window_s), 1.0)
    texts = con.sql(
        f"""SELECT text_key, any_value(text) AS text FROM ({posts_sql})
            GROUP BY text_key ORDER BY min(ts), text_key"""
    ).to_arrow_table()
    keys = texts.column("text_key").to_numpy()
    if len(keys) < 2:
        return _empty()
    vectors = _encode(encoder, texts.column("text").to_pylist(), on_progress)
    con.register("text_order", pa.table({"text_key": keys, "position": np.arange(len(keys))}))
    try:
        buckets = con.sql(
            f"""SELECT DISTINCT floor(ts / {width})::BIGINT AS bucket, o.position
                FROM ({posts_sql}) p JOIN text_order o USING (text_key)
                ORDER BY bucket, o.position"""
        ).to_arrow_table()
    finally:
        con.unregister("text_order")
    left, right = _similar_pairs(
        buckets.column("bucket").to_numpy(), buckets.column("position").to_numpy(), vectors,
        threshold,
    )  # fmt: skip
    if len(left) == 0:
        return _empty()
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(keys), len(keys)))
    _, component = connected_components(graph, directed=False)
    members = np.unique(np.concatenate([left, right]))
    first = np.full(component.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(first, component[members], members)
    return pa.table(
        {"text_key": pa.array(keys[members]), "cluster": pa.array(first[component[members]])}
    )


def _encode(encoder: SentenceEncoder, texts: list[str], on_progress) -> np.ndarray:
    parts = []
    step = 4096
    for start in range(0, len(texts), step):
        parts.append(encoder.encode(texts[start : start + step]))
        if on_progress:
            on_progress(min(start + step, len(texts)), len(texts))
    return np.concatenate(parts)


def _similar_pairs(
    bucket: np.ndarray, position: np.ndarray, vectors: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of texts in the same or neighbouring buckets with cosine >= threshold."""
    starts = np.flatnonzero(np.concatenate([[True], bucket[1:] != bucket[:-1]]))
    ends = np.append(starts[1:], len(bucket))
    found: list[np.ndarray] = []
    for n, (start, end) in enumerate(zip(starts, ends, strict=True)):
        here = position[start:end]
        if n + 1 < len(starts) and bucket[starts[n + 1]] == bucket[start] + 1:
            there = np.union1d(here, position[starts[n + 1] : ends[n + 1]])
        else:
            there = here
        if len(there) < 2:
            continue
        for block in range(0, len(here), BLOCK):
            rows = here[block : block + BLOCK]
            scores = vectors[rows] @ vectors[there].T
            i, j = np.nonzero(scores >= threshold)
            a, b = rows[i], there[j]
            keep = a != b
            found.append(np.stack([np.minimum(a, b)[keep], np.maximum(a, b)[keep]], axis=1))
    if not found:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pairs = np.unique(np.concatenate(found), axis=0)
    return pairs[:, 0], pairs[:, 1]


def _empty() -> pa.Table:
    return pa.table({"text_key": pa.array([], pa.uint64()), "cluster": pa.array([], pa.int64())})
