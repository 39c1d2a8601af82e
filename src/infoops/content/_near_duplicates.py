"""Group texts that are near-duplicates of each other: MinHash signatures and LSH banding.

Each distinct normalised text (posts' ``text_key``) becomes a set of word tokens:
its words and its word pairs (bigrams keep some word order, which matters in
short posts built from a common vocabulary). A MinHash signature of
``NUM_PERM`` values estimates the Jaccard similarity of two such sets as the
share of equal values. Locality-sensitive hashing cuts each signature into
``BANDS`` bands; texts that agree on a whole band land in the same bucket, so
candidate pairs come from buckets instead of comparing every pair.

Within a bucket every text is compared with the bucket's earliest text (linear,
not quadratic, in the bucket's size) and linked when the estimated similarity
reaches the threshold; connected components of these links are the clusters.
A cluster may thus chain texts (A~B, B~C) whose own similarity is lower: every
link in it passed the threshold, and each evidence pair reports its own
estimate.

All work is vectorised: tokens are split and hashed in batches (Arrow, DuckDB),
signatures are computed with one multiply-add hash per permutation over all
tokens of a batch, and buckets are found by sorting each band (numpy).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..ingest._prepare import normalised_texts

NUM_PERM = 64
BANDS = 16  # 4 rows a band: P(candidate) = 1 - (1 - s^4)^16, 0.99 at s = 0.7
ROWS = NUM_PERM // BANDS
TOKEN_PATTERN = r"[^\p{L}\p{N}#]+"
BATCH = 200_000

_rng = np.random.default_rng(20_161_108)
_MULTIPLIERS = _rng.integers(1, 2**32, NUM_PERM, dtype=np.uint32) | np.uint32(1)
_OFFSETS = _rng.integers(0, 2**32, NUM_PERM, dtype=np.uint32)
_BAND_MIX = _rng.integers(1, 2**63, ROWS, dtype=np.uint64) | np.uint64(1)
_MAX = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True)
class Signatures:
    """MinHash signatures (rows follow ``keys``); texts without a token get no row."""

    keys: np.ndarray  # uint64 text keys
    values: np.ndarray  # (n, NUM_PERM) uint32

    def as_arrow(self) -> pa.Table:
        """(text_key, sig): one fixed-size list of NUM_PERM values per text."""
        flat = pa.array(self.values.reshape(-1), pa.uint32())
        return pa.table(
            {
                "text_key": pa.array(self.keys, pa.uint64()),
                "sig": pa.FixedSizeListArray.from_arrays(flat, NUM_PERM),
            }
        )


def token_hashes(
    texts: pa.Array, con: duckdb.DuckDBPyConnection
) -> list[tuple[np.ndarray, np.ndarray]]:
    """32-bit hashes of each text's words, then of its word pairs: two (hashes, offsets)
    blocks, each flat and in text order with n + 1 offsets."""
    words = pc.split_pattern_regex(normalised_texts(texts), TOKEN_PATTERN)
    flat = words.flatten()
    keep = pc.greater(pc.utf8_length(flat), 0).to_numpy(zero_copy_only=False)
    counts = np.add.reduceat(keep, words.offsets.to_numpy()[:-1]) if len(keep) else keep
    counts = np.where(np.diff(words.offsets.to_numpy()) > 0, counts, 0)
    con.register("tokens", pa.table({"t": pc.filter(flat, pa.array(keep))}))
    try:
        hashed = con.sql("SELECT hash(t) AS h FROM tokens").to_arrow_table().column("h")
    finally:
        con.unregister("tokens")
    unigrams = hashed.to_numpy().astype(np.uint64, copy=False)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    with np.errstate(over="ignore"):
        pairs = (unigrams[:-1] * np.uint64(0x9E3779B97F4A7C15)) ^ (unigrams[1:] >> np.uint64(7))
    # A pair is inside one text when it does not start at a text's last word.
    last_word = offsets[1:][counts > 0] - 1
    inside = np.ones(len(pairs), dtype=bool)
    inside[last_word[last_word < len(pairs)]] = False
    pair_counts = np.maximum(counts - 1, 0)
    high = np.uint64(32)
    return [
        ((unigrams >> high).astype(np.uint32), offsets),
        ((pairs[inside] >> high).astype(np.uint32), np.concatenate([[0], np.cumsum(pair_counts)])),
    ]


def minhash(blocks: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """(n, NUM_PERM) uint32 signatures over the union of the blocks' tokens of each text;
    a text without tokens gets all-max values."""
    n = len(blocks[0][1]) - 1
    values = np.full((NUM_PERM, n), _MAX, dtype=np.uint32)  # one contiguous row a permutation
    for hashes, offsets in blocks:
        nonempty = np.flatnonzero(np.diff(offsets) > 0)
        if len(nonempty) == 0:
            continue
        starts = offsets[:-1][nonempty]
        everyone = len(nonempty) == n
        permuted = np.empty_like(hashes)
        with np.errstate(over="ignore"):
            for i in range(NUM_PERM):
                # Multiply-add modulo 2^32 with an odd multiplier: a permutation of the hashes.
                np.multiply(hashes, _MULTIPLIERS[i], out=permuted)
                np.add(permuted, _OFFSETS[i], out=permuted)
                column = np.minimum.reduceat(permuted, starts)
                if everyone:
                    np.minimum(values[i], column, out=values[i])
                else:
                    values[i, nonempty] = np.minimum(values[i, nonempty], column)
    return np.ascontiguousarray(values.T)


def band_key(values: np.ndarray, band: int, texts: np.ndarray) -> np.ndarray:
    """One uint64 hash per text (rows ``texts``) of band ``band``'s ``ROWS`` values."""
    rows = values[texts, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = (rows * _BAND_MIX).sum(axis=1, dtype=np.uint64)
        return mixed ^ (mixed >> np.uint64(29))


def signatures(
    con: duckdb.DuckDBPyConnection, texts_sql: str, batch: int = BATCH
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(keys, signatures) batches for the rows ``(key, text)`` of ``texts_sql``."""
    reader = con.sql(texts_sql).to_arrow_reader(batch)
    worker = duckdb.connect()
    try:
        for record_batch in reader:
            if record_batch.num_rows == 0:
                continue
            keys = record_batch.column(0).to_numpy(zero_copy_only=False).astype(np.uint64)
            yield keys, minhash(token_hashes(record_batch.column(1), worker))
    finally:
        worker.close()


def near_duplicate_clusters(
    con: duckdb.DuckDBPyConnection, texts_sql: str, threshold: float
) -> tuple[pa.Table, Signatures]:
    """Cluster the texts of ``texts_sql`` (rows: key, text, in a stable order).

    Returns the table (key, cluster) of every text in a cluster of two or more
    distinct texts (cluster = its earliest member's position), and the
    signatures of those texts for per-pair similarity. Memory: the signatures
    (256 bytes a text) and one band at a time.
    """
    total = con.sql(f"SELECT count(*) FROM ({texts_sql})").fetchall()[0][0]
    keys = np.empty(total, dtype=np.uint64)
    values = np.empty((total, NUM_PERM), dtype=np.uint32)
    filled = 0
    for batch_keys, batch_values in signatures(con, texts_sql):
        keys[filled : filled + len(batch_keys)] = batch_keys
        values[filled : filled + len(batch_keys)] = batch_values
        filled += len(batch_keys)
    keys, values = keys[:filled], values[:filled]
    left, right = _similar_links(values, threshold)
    members = np.unique(np.concatenate([left, right]))
    if len(members) == 0:
        return _empty_clusters(), Signatures(
            np.empty(0, np.uint64), np.empty((0, NUM_PERM), np.uint32)
        )
    local = np.searchsorted(members, np.concatenate([left, right]))
    half = len(left)
    graph = coo_matrix(
        (np.ones(half, dtype=np.int8), (local[:half], local[half:])),
        shape=(len(members), len(members)),
    )
    _, component = connected_components(graph, directed=False)
    # Name each component by its earliest member so the numbering is stable.
    first = np.full(component.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(first, component, members)
    clusters = pa.table(
        {"text_key": pa.array(keys[members]), "cluster": pa.array(first[component])}
    )
    return clusters, Signatures(keys[members], values[members])


VERIFY_CHUNK = 250_000  # links compared at once: 128 MB of signature rows


def _similar_links(values: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(member, leader) positions of verified links: in every band, each text is compared
    with the earliest text of its bucket and kept when the estimate reaches the threshold."""
    positions = np.flatnonzero(values[:, 0] != _MAX)
    size = np.int64(max(len(values), 1))
    found: list[np.ndarray] = []
    for band in range(BANDS if len(positions) > 1 else 0):
        buckets = band_key(values, band, positions)
        order = np.argsort(buckets, kind="stable")  # equal buckets keep position order
        ordered = buckets[order]
        starts = np.concatenate([[True], ordered[1:] != ordered[:-1]])
        leader = order[starts][np.cumsum(starts) - 1]
        linked = order != leader
        members, leaders = positions[order[linked]], positions[leader[linked]]
        for low in range(0, len(members), VERIFY_CHUNK):
            m, lead = members[low : low + VERIFY_CHUNK], leaders[low : low + VERIFY_CHUNK]
            keep = (values[m] == values[lead]).mean(axis=1) >= threshold
            found.append(m[keep] * size + lead[keep])
    pairs = np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)
    return pairs // size, pairs % size


def _empty_clusters() -> pa.Table:
    return pa.table({"text_key": pa.array([], pa.uint64()), "cluster": pa.array([], pa.int64())})
