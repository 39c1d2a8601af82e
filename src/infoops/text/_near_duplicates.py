"""Group texts that are near-duplicates of each other: MinHash signatures and LSH banding.

Each distinct normalised text (posts' ``text_key``) becomes a set of word tokens:
its words and its word pairs (bigrams keep some word order, which matters in
short posts built from a common vocabulary). A MinHash signature of
``NUM_PERM`` values estimates the Jaccard similarity of two such sets as the
share of equal values (``_sketch``: one compiled pass over each text's bytes).
Each value keeps the low 16 bits of its minimum: two different minima agree there
by chance once in 65,536, which moves an estimate by less than 0.0001, and the
signatures take half the memory.
Locality-sensitive hashing cuts each signature into ``BANDS`` bands, hashed in the
same pass from the full minima; texts that agree on a whole band land in the same
bucket, so candidate pairs come from buckets instead of comparing every pair.

Within a bucket every text is compared with the bucket's earliest text (linear,
not quadratic, in the bucket's size) and linked when the estimated similarity
reaches the threshold; connected components of these links are the clusters.
A cluster may thus chain texts (A~B, B~C) whose own similarity is lower: every
link in it passed the threshold, and each evidence pair reports its own
estimate.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ._sketch import empty_sketches

_BATCH_ROWS = 65_536


@dataclass(frozen=True)
class Signatures:
    """MinHash signatures (rows follow ``keys``); texts without a token get no row."""

    keys: np.ndarray  # uint64 text keys
    values: np.ndarray  # (n, NUM_PERM) uint16

    def as_arrow(self) -> pa.Table:
        """(text_key, sig): one fixed-size list of NUM_PERM values per text."""
        flat = pa.array(self.values.reshape(-1), pa.uint16())
        return pa.table(
            {
                "text_key": pa.array(self.keys, pa.uint64()),
                "sig": pa.FixedSizeListArray.from_arrays(flat, self.values.shape[1]),
            }
        )


def near_duplicate_clusters(
    con: duckdb.DuckDBPyConnection, table: str, threshold: float, where: str = "TRUE"
) -> tuple[pa.Table, Signatures]:
    """Cluster the distinct texts of ``table`` (a DuckDB table with ``text_key``,
    ``created_at`` and ``text``, one row per post; the rows that count: ``where``, an
    SQL condition written by the caller, never taken from data).

    Each text key is sketched once, from its first row, and the keys are ordered by
    first appearance (then key), so numbering is stable. Returns the table (key,
    cluster) of every text in a cluster of two or more distinct texts (cluster = its
    earliest member's position), and the signatures of those texts for per-pair
    similarity. Memory: the signatures (128 bytes a text), band hashes (64 bytes a
    text) and one batch of texts at a time.
    """
    # Loading the compiled kernels from numba's cache takes about 0.3 s of one core in a new
    # process (mostly numba refreshing its compiler): do it while DuckDB, which releases the
    # GIL, orders the keys.
    with ThreadPoolExecutor(1) as loader:
        kernels = loader.submit(_kernels)
        firsts = con.sql(
            f"""SELECT text_key, min(rowid) AS first_row FROM {table} WHERE {where}
                GROUP BY text_key ORDER BY min(created_at), text_key"""
        ).fetchnumpy()
        sketch_into, similar_links, sorted_unique = kernels.result()
    keys = firsts["text_key"].astype(np.uint64, copy=False)
    # Signatures are laid out in the order the texts are read (by first row), so a batch
    # is written to consecutive rows; laid out by time, each text's 16 band hashes would
    # land on 16 scattered cache lines (0.07 s more on IRA). `rank_of_row` is each row's
    # position in time: the earliest text of a bucket is its lowest rank.
    rank_of_row = np.argsort(firsts["first_row"], kind="stable")
    first_rows = firsts["first_row"][rank_of_row]
    values, bands = empty_sketches(len(keys))
    for texts, rows, dest in _first_row_texts(con, table, where, first_rows):
        sketch_into(values, bands, texts, rows, dest)
    left, right = similar_links(values, bands, threshold, rank_of_row)
    del bands
    left, right = rank_of_row[left], rank_of_row[right]
    members = sorted_unique(np.concatenate([left, right]))
    if len(members) == 0:
        return _empty_clusters(), Signatures(keys[:0], values[:0])
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
    row_of_rank = np.empty_like(rank_of_row)
    row_of_rank[rank_of_row] = np.arange(len(rank_of_row))
    return clusters, Signatures(keys[members], values[row_of_rank[members]])


def _first_row_texts(con, table, where, first_rows):
    """Batches (texts, rows, dest): ``texts[rows[i]]`` is the text of table row
    ``first_rows[dest[i]]`` (``first_rows`` ascending). Read in batches, since a batch's
    memory is reused by the next, where one table of every text would be new memory,
    which costs more to touch than to sketch."""
    if len(first_rows) == 0:
        return
    texts = con.sql(f"SELECT rowid, text FROM {table} WHERE {where}")
    for batch in texts.to_arrow_reader(_BATCH_ROWS):
        rowids = batch.column(0).to_numpy()
        at = np.minimum(np.searchsorted(first_rows, rowids), len(first_rows) - 1)
        hit = np.flatnonzero(first_rows[at] == rowids)
        if len(hit):
            yield batch.column(1), hit, at[hit]


def _kernels():
    """The compiled functions, loaded (from numba's cache, or compiled) by a first call."""
    from . import _sketch

    _sketch.warm_up()
    return _sketch.sketch_into, _sketch.similar_links, _sketch.sorted_unique


def _empty_clusters() -> pa.Table:
    return pa.table({"text_key": pa.array([], pa.uint64()), "cluster": pa.array([], pa.int64())})
