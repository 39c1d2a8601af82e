"""Which account pairs co-occur more than chance allows.

Null model (degree-corrected Poisson, per signal): co-occurrences fall on account
pairs in proportion to how active each account is. With ``d_a`` the number of
distinct objects account ``a`` used and ``M`` the total shared objects over all
pairs, a pair's expected count is ``lambda_ab = d_a * d_b * M / sum_{a<b} d_a d_b``.
Popular objects and busy windows raise ``M`` and with it every pair's
expectation, so bursts of organic attention do not stand out; a pair stands out
when it shares far more objects than the two accounts' activity predicts.

Each pair's p-value is the Poisson upper tail ``P(K >= k_ab)``. Every pair of
active accounts is a test (unseen pairs have p = 1), and the Benjamini-Hochberg
procedure over all of them controls the false-discovery rate at ``q``.

The timing null (``null_model="timing"`` or ``"either"``) is in ``_timing``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import pdtrc


def expected_counts(
    k: np.ndarray, degree_a: np.ndarray, degree_b: np.ndarray, degrees: np.ndarray
) -> np.ndarray:
    """``lambda_ab`` for each observed pair, from all accounts' degrees."""
    total = float(degrees.sum())
    pair_mass = (total * total - float(np.square(degrees, dtype=np.float64).sum())) / 2
    if pair_mass <= 0:
        return np.full(len(k), np.inf)
    rate = float(k.sum()) / pair_mass
    return degree_a.astype(np.float64) * degree_b.astype(np.float64) * rate


def poisson_p_values(k: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """``P(K >= k)`` for ``K ~ Poisson(expected)``."""
    # pdtrc(n, m) is the upper tail P(K > n); P(K >= k) = P(K > k - 1).
    tail = pdtrc(np.maximum(k.astype(np.float64) - 1, 0), expected)
    return np.where(k >= 1, np.clip(tail, 0.0, 1.0), 1.0)


def benjamini_hochberg(p_values: np.ndarray, n_tests: int) -> np.ndarray:
    """q-values for ``p_values`` when ``n_tests`` hypotheses were tested in all.

    Untested hypotheses have p = 1 and rank after every observed one, so the
    observed p-values' ranks among all tests are their ranks among themselves.
    """
    n_tests = max(int(n_tests), len(p_values))
    if len(p_values) == 0:
        return p_values.copy()
    order = np.argsort(p_values, kind="stable")
    ranked = p_values[order] * n_tests / np.arange(1, len(p_values) + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q_values = np.empty_like(q_sorted)
    q_values[order] = np.minimum(q_sorted, 1.0)
    return q_values
