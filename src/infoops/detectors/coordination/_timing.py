"""The timing null: do two accounts post on the same objects at the same moments more
than their habits explain? (``null_model="timing"`` or ``"either"``.)

The degree-corrected null asks whether a pair shares more objects than the two
accounts' activity predicts; in a collection where nearly every account is
coordinated every pair shares about as much as any other and nothing stands out.
Timing still does: coordinated posts meet other accounts' posts within the window
far more often than the posts around them on the same object would predict.

Two steps, both one SELECT (``_cooccurrence``):

1. Each account: ``met``, its posts that met another account's post on the same
   object within the window, against ``expected``, what the other accounts' posts on
   that object within ``LOCAL_SPAN`` windows either side would give if spread evenly
   over that neighbourhood. A cascade (a post reshared by hundreds in its first hour)
   is as crowded at ten windows as at one and does not count; a group that meets at
   one window inside a steady stream does. ``met ~ Poisson(expected)``, one test per
   account, Benjamini-Hochberg over the accounts.
2. Each pair of passing accounts with at least ``min_shared`` shared objects is kept
   when both sides meet at least as often as if each account's posts were spread
   over its own active span, or over the object's lifetime if that makes meeting
   likelier (``expected`` of the edge). Its p- and q-value are the larger of its two
   accounts'.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ._backend import SqlBackend
from ._cooccurrence import timing_accounts_sql, timing_expectation_sql
from ._significance import benjamini_hochberg, poisson_p_values


def timing_test(
    backend: SqlBackend,
    table: str,
    pairs: pa.Table,
    window_s: float,
    fdr: float,
    min_shared: int,
    settled: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Expected, p_value, q_value and passed for each row of ``pairs`` (a, b, k,
    posts_a, posts_b, sorted by a, b) under the timing null. Pairs marked in
    ``settled`` (kept by another test) skip step 2 and do not pass here."""
    p_account, q_account = _account_tests(backend.arrow(timing_accounts_sql(table, window_s)))
    a = pairs.column("a").to_numpy()
    b = pairs.column("b").to_numpy()
    p_values = np.maximum(_lookup(p_account, a), _lookup(p_account, b))
    q_values = np.maximum(_lookup(q_account, a), _lookup(q_account, b))
    candidate = (q_values <= fdr) & (pairs.column("k").to_numpy() >= min_shared)
    if settled is not None:
        candidate &= ~settled
    expected = np.full(pairs.num_rows, np.nan)
    passed = np.zeros(pairs.num_rows, dtype=bool)
    if candidate.any():
        rows = np.flatnonzero(candidate)
        backend.upload("timing_pairs", pairs.take(rows).select(["a", "b"]))
        spans = backend.arrow(timing_expectation_sql(table, "timing_pairs", window_s))
        backend.drop("timing_pairs")
        expected[rows], passed[rows] = _meets_enough(pairs.take(rows), spans)
    return expected, p_values, q_values, passed


def _account_tests(accounts: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """p- and q-values of the account-level test, indexed by account number."""
    met = accounts.column("met").to_numpy().astype(np.float64)
    p_values = poisson_p_values(met, accounts.column("expected").to_numpy())
    q_values = benjamini_hochberg(p_values, len(p_values))
    aid = accounts.column("aid").to_numpy()
    size = int(aid.max()) + 1 if len(aid) else 1
    p_by_aid, q_by_aid = np.ones(size), np.ones(size)
    p_by_aid[aid], q_by_aid[aid] = p_values, q_values
    return p_by_aid, q_by_aid


def _lookup(values: np.ndarray, aid: np.ndarray) -> np.ndarray:
    """``values[aid]``, 1 for accounts the account test did not see."""
    inside = aid < len(values)
    return np.where(inside, values[np.where(inside, aid, 0)], 1.0)


def _meets_enough(pairs: pa.Table, spans: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate pair: the expectation of its weaker side and whether both sides
    meet at least that often (``spans`` holds every candidate, in the same order)."""
    observed_a = pairs.column("posts_a").to_numpy().astype(np.float64)
    observed_b = pairs.column("posts_b").to_numpy().astype(np.float64)
    expected_a = spans.column("expected_a").to_numpy()
    expected_b = spans.column("expected_b").to_numpy()
    weaker_a = observed_a * expected_b <= observed_b * expected_a
    expected = np.where(weaker_a, expected_a, expected_b)
    return expected, (observed_a >= expected_a) & (observed_b >= expected_b)
