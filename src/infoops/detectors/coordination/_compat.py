"""CooRTweet's answer on request (``infoops coordination --compat coortweet``).

CooRTweet (R) calls two accounts coordinated when they share the same object within
the time window, and keeps what survives three filters, with no test against a
null model: accounts with fewer than ``min_participation`` shares are dropped
before pairing; after pairing, shares of accounts with fewer than
``min_participation`` paired shares are dropped again; and an account's pairs
with itself ("loops") are dropped unless ``remove_loops`` is off. Its network step
then sums each account pair's share pairs (``weight``) and marks the edges above a
quantile of the weights (``weight_threshold``).

Here the same rules run on infoops' events of one signal (the object a signal
pairs on plays CooRTweet's ``object_id``, the post id its ``content_id``), with
the same sliding window join as detection and no per-object cap, so the rows are
CooRTweet's ``detect_groups`` output and its ``generate_coordinated_network`` edge
attributes (docs/coordination.md, "CooRTweet's semantics").
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ...errors import InputError
from ._backend import DuckDBBackend
from ._signals import BY_NAME, FAST_RESHARE

GROUP_COLUMNS = (
    "object_id", "content_id", "content_id_y", "time_delta", "account_id", "account_id_y",
)  # fmt: skip
EDGE_COLUMNS = (
    "from", "to", "weight", "avg_time_delta", "n_content_id", "n_content_id_y",
    "edge_symmetry_score", "weight_threshold",
)  # fmt: skip


@dataclass(frozen=True)
class CoorTweetOptions:
    """CooRTweet's options, named as in its R functions."""

    time_window: float = 10
    min_participation: int = 2
    remove_loops: bool = True
    edge_weight: float = 0.5  # the quantile of edge weights above which weight_threshold = 1

    def check(self) -> None:
        if self.time_window < 0:
            raise InputError(f"time_window must be >= 0 seconds, got {self.time_window}")
        if self.min_participation < 0:
            raise InputError(f"min_participation must be >= 0, got {self.min_participation}")
        if not 0 <= self.edge_weight <= 1:
            raise InputError(f"edge_weight must be between 0 and 1, got {self.edge_weight}")


def coortweet_groups(
    con: duckdb.DuckDBPyConnection, signal: str, options: CoorTweetOptions | None = None
) -> pa.Table:
    """CooRTweet's ``detect_groups`` rows for one signal: one row per pair of shares of
    the same object within the window, the older share first (``GROUP_COLUMNS``)."""
    options = options or CoorTweetOptions()
    options.check()
    chosen = BY_NAME.get(signal)
    if chosen is None or chosen is FAST_RESHARE or chosen.prepare:
        usable = sorted(n for n, s in BY_NAME.items() if s is not FAST_RESHARE and not s.prepare)
        raise InputError(f"--compat coortweet needs one of {', '.join(usable)}; got {signal!r}")
    return DuckDBBackend(con).arrow(_groups_sql(chosen.events_sql, options))


def _groups_sql(events_sql: str, options: CoorTweetOptions) -> str:
    width = max(float(options.time_window), 1.0)
    minimum = int(options.min_participation)
    loops = (
        """AND l.account_id <> r.account_id AND l.content_id <> r.content_id
           AND l.object_id <> l.content_id AND l.object_id <> r.content_id"""
        if options.remove_loops
        else ""
    )
    return f"""
    WITH ev AS (
        SELECT CAST(e.object AS VARCHAR) AS object_id, e.account_id, p.post_id AS content_id,
               e.ts
        FROM ({events_sql}) e JOIN post_rows p USING (pid)
    ), x AS (  -- the pre-filter: accounts with at least min_participation shares
        SELECT * FROM ev SEMI JOIN (SELECT account_id FROM ev GROUP BY account_id
                                    HAVING count(*) >= {minimum}) USING (account_id)
    ), b AS (
        SELECT *, floor(ts / {width})::BIGINT AS bucket,
               row_number() OVER (ORDER BY object_id, ts, content_id, account_id) AS rn
        FROM x
    ), pairs AS (
        SELECT l.object_id, l.content_id, r.content_id AS content_id_y,
               l.ts - r.ts AS time_delta, l.account_id, r.account_id AS account_id_y
        FROM (SELECT b.*, b.bucket + s.shift AS probe
              FROM b, (VALUES (-1), (0), (1)) AS s(shift)) l
        JOIN b r ON r.object_id = l.object_id AND r.bucket = l.probe
        WHERE l.rn < r.rn AND abs(l.ts - r.ts) <= {float(options.time_window)} {loops}
    ), paired AS (
        SELECT content_id FROM pairs UNION SELECT content_id_y FROM pairs
    ), active AS (  -- the refilter: accounts with min_participation paired shares
        SELECT x.content_id FROM x SEMI JOIN paired USING (content_id)
        QUALIFY count(*) OVER (PARTITION BY x.account_id) >= {minimum}
    ), kept AS (
        SELECT * FROM pairs
        WHERE content_id IN (SELECT content_id FROM active)
           OR content_id_y IN (SELECT content_id FROM active)
    )
    SELECT object_id,
           CASE WHEN time_delta > 0 THEN content_id_y ELSE content_id END AS content_id,
           CASE WHEN time_delta > 0 THEN content_id ELSE content_id_y END AS content_id_y,
           abs(time_delta) AS time_delta,
           CASE WHEN time_delta > 0 THEN account_id_y ELSE account_id END AS account_id,
           CASE WHEN time_delta > 0 THEN account_id ELSE account_id_y END AS account_id_y
    FROM kept ORDER BY object_id, content_id, content_id_y
    """


def coortweet_edges(
    con: duckdb.DuckDBPyConnection, groups: pa.Table, edge_weight: float = 0.5
) -> pa.Table:
    """CooRTweet's ``generate_coordinated_network`` edges from ``coortweet_groups`` rows
    (``EDGE_COLUMNS``): share pairs per account pair, their mean gap, distinct shares
    on each side and the symmetry of the two, and whether the weight is above the
    ``edge_weight`` quantile of all weights (R's default quantile, type 7)."""
    if groups.num_rows == 0:
        return pa.table({name: pa.array([], pa.string()) for name in EDGE_COLUMNS})
    con.register("coortweet_groups", groups)
    try:
        edges = con.sql(
            """SELECT least(account_id, account_id_y) AS "from",
                      greatest(account_id, account_id_y) AS "to", count(*) AS weight,
                      avg(time_delta) AS avg_time_delta,
                      count(DISTINCT content_id) AS n_content_id,
                      count(DISTINCT content_id_y) AS n_content_id_y,
                      least(count(DISTINCT content_id), count(DISTINCT content_id_y))
                      / greatest(count(DISTINCT content_id), count(DISTINCT content_id_y))
                      AS edge_symmetry_score
               FROM coortweet_groups GROUP BY 1, 2 ORDER BY 1, 2"""
        ).to_arrow_table()
    finally:
        con.unregister("coortweet_groups")
    weights = edges.column("weight").to_numpy()
    threshold = float(np.quantile(weights, edge_weight))
    above = pc.cast(pc.greater(edges.column("weight"), threshold), pa.int32())
    return edges.append_column("weight_threshold", above)
