"""Which posts amplify state media: links to an outlet's site, mentions and reshares of its
accounts. One SQL expression over the workspace."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ...workspace._tables import has_table, store_arrow
from ._registry import bundled_registry

# A platform's posts mention handles of that platform (X posts mention X accounts).
PLATFORM_KIND = {"twitter": "twitter", "x": "twitter", "telegram": "telegram",
                 "facebook": "facebook", "instagram": "instagram", "tiktok": "tiktok",
                 "vk": "vk"}  # fmt: skip

_MATCH_SQL = """
CREATE OR REPLACE TABLE state_media_posts AS
WITH hosts AS (
    SELECT rowid AS post_rowid, account_id,
           lower(regexp_extract(url, '^[a-z]+://(?:www\\.|m\\.)?([^/:?#]+)', 1)) AS host
    FROM (SELECT rowid, account_id, unnest(urls) AS url FROM posts WHERE len(urls) > 0)
), suffixes AS (
    -- the host and every parent domain: a subdomain of a registered domain matches it
    SELECT post_rowid, account_id, host,
           unnest(list_transform(range(len(string_split(host, '.'))),
                  lambda i: array_to_string(string_split(host, '.')[i + 1:], '.'))) AS suffix
    FROM hosts WHERE host <> ''
), by_link AS (
    -- the longest registered domain that the host is, or is a subdomain of
    SELECT h.post_rowid, h.account_id, 'link' AS via, r.identifier, r.country, r.outlet,
           r.typology
    FROM suffixes h JOIN registry r ON r.kind = 'domain' AND r.identifier = h.suffix
    QUALIFY row_number() OVER (PARTITION BY h.post_rowid, h.host
                               ORDER BY length(r.identifier) DESC, r.country, r.outlet) = 1
), names AS (
    SELECT rowid AS post_rowid, account_id, platform, 'mention' AS via,
           lower(ltrim(unnest(mentions), '@')) AS name
    FROM posts WHERE len(mentions) > 0
    UNION ALL
    SELECT rowid, account_id, platform, 'reshare', lower(reshare_of_account)
    FROM posts WHERE reshare_of_account IS NOT NULL
), by_handle AS (
    SELECT n.post_rowid, n.account_id, n.via, r.identifier, r.country, r.outlet, r.typology
    FROM names n JOIN platform_kind k ON k.platform = lower(n.platform)
    JOIN registry r ON r.kind = k.kind AND r.identifier = n.name
)
SELECT DISTINCT * FROM (SELECT * FROM by_link UNION ALL SELECT * FROM by_handle)
ORDER BY post_rowid, via, identifier, country, outlet
"""


def workspace_registry(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The registry saved in the workspace by ``save_registry``, else the bundled one."""
    saved = has_table(con, "state_media_registry")
    if saved:
        return con.sql("SELECT * FROM state_media_registry").to_arrow_table()
    return bundled_registry()


def save_registry(con: duckdb.DuckDBPyConnection, registry: pa.Table) -> None:
    """Keep ``registry`` (e.g. from a newer Matrix CSV) in the workspace for later matching."""
    store_arrow(con, "state_media_registry", registry)


def match_state_media(con: duckdb.DuckDBPyConnection, registry: pa.Table | None = None) -> int:
    """Create ``state_media_posts`` (post_rowid, account_id, via: link / mention / reshare,
    identifier, country, outlet, typology); return how many posts matched."""
    registry = workspace_registry(con) if registry is None else registry
    kinds = pa.table({"platform": list(PLATFORM_KIND), "kind": list(PLATFORM_KIND.values())})
    con.register("registry", registry)
    con.register("platform_kind", kinds)
    try:
        con.execute(_MATCH_SQL)
    finally:
        con.unregister("registry")
        con.unregister("platform_kind")
    return con.execute("SELECT count(DISTINCT post_rowid) FROM state_media_posts").fetchall()[0][0]


def account_state_media(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """Per account and country: posts that amplify that country's state media, their share
    of the account's posts, how (links, mentions, reshares) and the outlets most amplified."""
    return con.sql(
        """SELECT s.account_id, s.country, count(DISTINCT s.post_rowid) AS posts,
                  round(count(DISTINCT s.post_rowid) / any_value(t.n), 4) AS share,
                  count(DISTINCT s.post_rowid) FILTER (via = 'link') AS by_link,
                  count(DISTINCT s.post_rowid) FILTER (via = 'mention') AS by_mention,
                  count(DISTINCT s.post_rowid) FILTER (via = 'reshare') AS by_reshare,
                  array_to_string(list(DISTINCT s.outlet ORDER BY s.outlet)[1:3], '; ') AS outlets
           FROM state_media_posts s
           JOIN (SELECT account_id, count(*) AS n FROM posts GROUP BY 1) t USING (account_id)
           GROUP BY s.account_id, s.country ORDER BY s.account_id, posts DESC, s.country"""
    )
