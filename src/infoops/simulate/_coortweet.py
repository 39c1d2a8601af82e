"""CooRTweet's simulator (``simulate_data`` in the R package), re-implemented, and the grid
of 35 parameter sets its own tests run, so infoops is measured on the peer's ground truth.

Every pair of coordinated accounts co-shares ``min_participation + Poisson(lambda)``
times, each co-share a lone event with the two shares at most ``time_window`` apart;
pairs of organic accounts share the same few objects but always more than
``time_window`` apart. Objects are drawn from ``n_objects``, so with few objects
every coordinated account uses every object: the dense case where nearly every
account is coordinated and no pair shares more objects than any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

_DAY = 86_400


@dataclass(frozen=True)
class CoorSet:
    """One parameter set of the simulator (the R argument names)."""

    n_accounts_coord: int = 5
    n_accounts_noncoord: int = 4
    n_objects: int = 5
    min_participation: int = 3
    time_window: int = 10
    approx_size: int = 200


def coortweet_grid(seed: int = 1) -> list[CoorSet]:
    """The 35 sets of CooRTweet's ``tests/testthat/test-simulated_data.R``: its default,
    its high values, 10 random draws (from ``seed``) over its ranges, balanced and
    unbalanced account counts, 2-6 objects, windows of 1-101 s."""
    rng = np.random.default_rng(seed)
    grid = [CoorSet(), CoorSet(50, 100, 100, 3, 100)]
    for _ in range(10):
        coord, noncoord, objects = (int(v) for v in rng.integers(3, 11, size=3))
        grid.append(
            CoorSet(coord, noncoord, objects, int(rng.integers(1, 11)), int(rng.integers(1, 61)))
        )
    grid += [CoorSet(i, i) for i in range(3, 7)]
    grid += [CoorSet(i, 2 * i) for i in range(3, 7)]
    grid += [CoorSet(2 * i, i) for i in range(3, 7)]
    grid += [CoorSet(5, 5, i) for i in range(2, 7)]
    grid += [CoorSet(5, 5, time_window=w) for w in range(1, 121, 20)]
    return grid


def _pair_rows(n: int, lam: float, extra: int, rng: np.random.Generator) -> np.ndarray:
    """Account pairs (i < j, column-major as R's ``as.table``), each repeated its count."""
    i, j = np.triu_indices(n, k=1)
    order = np.lexsort((i, j))
    i, j = i[order], j[order]
    counts = rng.poisson(lam, size=len(i)) + extra
    return np.column_stack([np.repeat(i, counts), np.repeat(j, counts)])


def simulate_coortweet(params: CoorSet, seed: int = 0) -> tuple[pa.Table, set[str]]:
    """Posts in the canonical layout (each object a URL, for ``co_link``) and the set of
    coordinated account ids. ``n_accounts_coord=0`` gives an organic-only run."""
    smallest = min(params.n_accounts_noncoord, params.n_objects, params.time_window)
    if params.n_accounts_coord < 0 or smallest < 1:
        raise ValueError(
            "the simulator needs n_accounts_coord >= 0 and n_accounts_noncoord, n_objects, "
            f"time_window >= 1, got {params}"
        )
    rng = np.random.default_rng(seed)
    nc, nn, w = params.n_accounts_coord, params.n_accounts_noncoord, params.time_window
    lam_c = params.approx_size / 4 / max(nc * (nc - 1) / 2, 1)
    lam_n = params.approx_size / 4 / max(nn * (nn - 1) / 2, 1)
    coord = _pair_rows(nc, lam_c, params.min_participation, rng)
    organic = _pair_rows(nn, lam_n, 0, rng) + nc
    t0 = float(rng.integers(0, 21 * 365) * _DAY + 946_684_800)
    coord_a = t0 + np.arange(len(coord)) * (2 * w + 1)
    coord_b = coord_a + rng.integers(0, w + 1, size=len(coord))
    noise = 1 + w + rng.integers(1, w + 1, size=len(organic))
    interval = 2 * int(noise.max()) if len(organic) else 1
    start = (coord_b.max() if len(coord) else t0) + interval
    organic_a = start + np.arange(len(organic)) * interval
    rows = np.vstack([coord, organic])
    times = np.concatenate([coord_a, organic_a, coord_b, organic_a + noise])
    accounts = np.concatenate([rows[:, 0], rows[:, 1]])
    objects = rng.integers(1, params.n_objects + 1, size=len(rows))
    return _posts(accounts, np.concatenate([objects, objects]), times), {
        _account(a) for a in range(nc)
    }


def _account(number: int) -> str:
    return f"account_{number + 1:04d}"


def _posts(accounts: np.ndarray, objects: np.ndarray, times: np.ndarray) -> pa.Table:
    from . import POSTS_SCHEMA

    n = len(accounts)
    ids = [_account(int(a)) for a in accounts]
    columns = {
        "platform": ["twitter"] * n,
        "post_id": [f"share_{i + 1:06d}" for i in range(n)],
        "account_id": ids,
        "account_name": ids,
        "created_at": [datetime.fromtimestamp(float(t), UTC).replace(tzinfo=None) for t in times],
        "text": [f"object {o}" for o in objects],
        "lang": ["en"] * n,
        "post_type": ["post"] * n,
        "urls": [[f"https://example.org/object_{int(o):03d}"] for o in objects],
        "hashtags": [[] for _ in range(n)],
        "mentions": [[] for _ in range(n)],
    }
    for name in (
        "reshare_of_post",
        "reshare_of_account",
        "reply_to",
        "reply_to_account",
        "quote_of",
    ):
        columns[name] = [None] * n
    return pa.table(columns, schema=POSTS_SCHEMA)
