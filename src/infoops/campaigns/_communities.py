"""Fuse the significant edges of all signals into one account graph and find campaigns.

Fusion keeps each signal's weight and sums them (the number of objects the pair
shared beyond chance, over all signals) into the graph's edge weight. Leiden
(modularity, igraph) finds well-connected communities: each community of at
least ``min_accounts`` accounts is a candidate campaign. A fixed seed and a
sorted vertex order make the result the same on every run.

Tables written:
- ``campaign_accounts``: account_id, account_name, campaign_id (NULL when the
  account is in no campaign), coordination_score (share of the account's posts
  behind its significant edges), top_signals, n_posts, n_coordinated_posts, degree;
- ``campaigns``: campaign_id, n_accounts, n_edges, signals, first_post, last_post;
- ``fused_edges``: source, target, weight, signals.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from ..workspace._tables import store_arrow


@dataclass(frozen=True)
class CampaignConfig:
    min_accounts: int = 3
    resolution: float = 1.0
    seed: int = 42


_FUSED_SQL = """
CREATE OR REPLACE TABLE fused_edges AS
SELECT source, target, sum(k)::DOUBLE AS weight,
       string_agg(signal || ':' || k, ' ' ORDER BY k DESC, signal) AS signals
FROM coordination_edges WHERE significant
GROUP BY source, target ORDER BY source, target
"""


def find_campaigns(con: duckdb.DuckDBPyConnection, config: CampaignConfig | None = None) -> int:
    """Build ``fused_edges``, ``campaigns`` and ``campaign_accounts``; return the campaign count."""
    config = config or CampaignConfig()
    con.execute(_FUSED_SQL)
    edges = con.sql("SELECT source, target, weight FROM fused_edges").to_arrow_table()
    membership = _leiden(edges, config)
    store_arrow(con, "community", membership, temporary=True)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE campaign_ids AS
            SELECT community, 'C' || lpad((row_number() OVER (
                       ORDER BY count(*) DESC, min(account_id)))::VARCHAR, 3, '0') AS campaign_id
            FROM community GROUP BY community HAVING count(*) >= {int(config.min_accounts)}"""
    )
    con.execute(_ACCOUNTS_SQL)
    con.execute(f"CREATE OR REPLACE TABLE campaigns AS {CAMPAIGNS_QUERY}")
    return con.execute("SELECT count(*) FROM campaigns").fetchall()[0][0]


def _leiden(edges: pa.Table, config: CampaignConfig) -> pa.Table:
    sources = edges.column("source").to_pylist()
    targets = edges.column("target").to_pylist()
    names = sorted(set(sources) | set(targets))
    if not names:
        return pa.table(
            {"account_id": pa.array([], pa.string()), "community": pa.array([], pa.int64())}
        )
    index = {name: i for i, name in enumerate(names)}
    import igraph  # here, not at the top: it loads matplotlib, slowing every start-up

    graph = igraph.Graph(
        n=len(names),
        edges=[(index[s], index[t]) for s, t in zip(sources, targets, strict=True)],
        edge_attrs={"weight": edges.column("weight").to_pylist()},
    )
    state = random.getstate()
    random.seed(config.seed)
    try:
        partition = graph.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=config.resolution,
            n_iterations=-1,
        )
    finally:
        random.setstate(state)
    return pa.table({"account_id": names, "community": partition.membership})


_ACCOUNTS_SQL = """
CREATE OR REPLACE TABLE campaign_accounts AS
WITH activity AS (
    SELECT account_id, arg_max(account_name, created_at) AS account_name, count(*) AS n_posts
    FROM posts GROUP BY account_id
), coordinated AS (
    SELECT account_id, count(DISTINCT post_rowid) AS n_coordinated_posts
    FROM coordinated_posts GROUP BY account_id
), per_signal AS (
    SELECT account_id, signal, count(*) AS n FROM (
        SELECT source AS account_id, signal FROM coordination_edges WHERE significant
        UNION ALL SELECT target, signal FROM coordination_edges WHERE significant)
    GROUP BY ALL
), signals AS (
    SELECT account_id, string_agg(signal, ' ' ORDER BY n DESC, signal) AS top_signals,
           sum(n) AS degree
    FROM per_signal GROUP BY account_id
)
SELECT a.account_id, a.account_name, ids.campaign_id,
       round(coalesce(c.n_coordinated_posts, 0) / a.n_posts, 4) AS coordination_score,
       s.top_signals, a.n_posts, coalesce(c.n_coordinated_posts, 0) AS n_coordinated_posts,
       coalesce(s.degree, 0) AS degree
FROM activity a
LEFT JOIN coordinated c USING (account_id)
LEFT JOIN signals s USING (account_id)
LEFT JOIN community m USING (account_id)
LEFT JOIN campaign_ids ids USING (community)
ORDER BY ids.campaign_id NULLS LAST, coordination_score DESC, a.account_id
"""

# Also the subset briefing's view of campaigns (report._subset), over filtered tables.
CAMPAIGNS_QUERY = """
WITH members AS (
    SELECT account_id, campaign_id FROM campaign_accounts WHERE campaign_id IS NOT NULL
), inside AS (
    SELECT ma.campaign_id, e.signal, e.k FROM coordination_edges e
    JOIN members ma ON ma.account_id = e.source JOIN members mb ON mb.account_id = e.target
    WHERE e.significant AND ma.campaign_id = mb.campaign_id
), signal_totals AS (
    SELECT campaign_id, signal, count(*) AS n_edges FROM inside GROUP BY ALL
), span AS (
    SELECT m.campaign_id, min(p.created_at) AS first_post, max(p.created_at) AS last_post,
           count(*) AS n_posts
    FROM posts p JOIN members m USING (account_id) GROUP BY m.campaign_id
)
SELECT m.campaign_id, count(DISTINCT m.account_id) AS n_accounts,
       coalesce((SELECT sum(n_edges) FROM signal_totals t
                 WHERE t.campaign_id = m.campaign_id), 0) AS n_edges,
       (SELECT string_agg(signal || ':' || n_edges, ' ' ORDER BY n_edges DESC, signal)
        FROM signal_totals t WHERE t.campaign_id = m.campaign_id) AS signals,
       any_value(s.first_post) AS first_post, any_value(s.last_post) AS last_post,
       any_value(s.n_posts) AS n_posts
FROM members m JOIN span s USING (campaign_id)
GROUP BY m.campaign_id ORDER BY m.campaign_id
"""
