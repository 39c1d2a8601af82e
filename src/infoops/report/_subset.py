"""A briefing on part of the workspace: a time window, some campaigns, some languages.

Detection ran on the whole workspace (more data, more statistical power), so
campaigns and the significance of their edges stay as found. The subset only
narrows what the briefing states: posts and articles inside the window and
languages; campaigns that were active there (and asked for); the edges whose
kept evidence (the closest post pairs per edge) lies inside; and from those,
every count, span, timeline and confidence level is recomputed.

The narrowing is a set of temporary views that shadow the workspace tables of
the same name for as long as the ``subset_views`` block runs, so every writer of
the report reads the subset without knowing it; nothing in the workspace changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import duckdb

from ..campaigns import CAMPAIGNS_QUERY
from ..errors import InfoopsError
from ..workspace._tables import has_table


@dataclass(frozen=True)
class Subset:
    """What part of the workspace a briefing covers; the default is all of it.

    ``until`` is inclusive: a date means the whole day.
    """

    since: datetime | None = None
    until: datetime | None = None
    campaigns: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()

    @property
    def whole(self) -> bool:
        return not (self.since or self.until or self.campaigns or self.langs)

    def describe(self) -> str:
        """One line for the page and its footer, e.g. 'posts from 2016-10-01; campaigns C002'."""
        parts = []
        if self.since or self.until:
            since = _shown(self.since) if self.since else "the start"
            until = _shown(self.until) if self.until else "the end"
            parts.append(f"from {since} to {until}")
        if self.langs:
            parts.append("in language " + ", ".join(self.langs))
        if self.campaigns:
            parts.append("campaigns " + ", ".join(self.campaigns))
        return "; ".join(parts) or "the whole workspace"


def _shown(moment: datetime) -> str:
    """A whole day as its date, any other moment to the minute."""
    if moment.time() in (time.min, time.max):
        return moment.date().isoformat()
    return moment.isoformat(" ", timespec="minutes")


def parse_moment(text: str, end_of_day: bool = False) -> datetime:
    """A date (YYYY-MM-DD) or date and time; ``end_of_day`` makes a bare date inclusive."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InfoopsError(f"{text!r} is not a date (YYYY-MM-DD) or date and time") from exc
    bare_date = len(text.strip()) <= 10
    if end_of_day and bare_date:
        moment += timedelta(days=1) - timedelta(microseconds=1)
    return moment.replace(tzinfo=None)


# Each view is (name, tables it needs, its query). ``{db}`` is the workspace's own table
# of that name; unqualified names are the views made before it. Order matters.
_VIEWS: list[tuple[str, tuple[str, ...], str]] = [
    ("posts", (), "SELECT rowid AS rowid, * FROM {db}.posts WHERE {posts_filter}"),
    ("articles", (), "SELECT * FROM {db}.articles WHERE {articles_filter}"),
    (
        "coordination_evidence",
        ("coordination_evidence",),
        """SELECT * FROM {db}.coordination_evidence
           WHERE post_source IN (SELECT post_id FROM posts)
             AND post_target IN (SELECT post_id FROM posts)""",
    ),
    (
        "coordination_edges",
        ("coordination_edges", "coordination_evidence"),
        """SELECT * FROM {db}.coordination_edges e
           WHERE EXISTS (SELECT 1 FROM coordination_evidence v WHERE v.signal = e.signal
                         AND v.source = e.source AND v.target = e.target)""",
    ),
    (
        "coordinated_posts",
        ("coordinated_posts",),
        "SELECT * FROM {db}.coordinated_posts WHERE post_rowid IN (SELECT rowid FROM posts)",
    ),
    (
        "campaign_accounts",
        ("campaign_accounts",),
        """WITH active AS (SELECT account_id, count(*) AS n_posts FROM posts GROUP BY ALL),
           coordinated AS (SELECT account_id, count(DISTINCT post_rowid) AS n
                           FROM coordinated_posts GROUP BY ALL)
           SELECT c.account_id, c.account_name,
                  CASE WHEN {campaign_filter} THEN c.campaign_id END AS campaign_id,
                  round(coalesce(k.n, 0) / a.n_posts, 4) AS coordination_score,
                  c.top_signals, a.n_posts, coalesce(k.n, 0) AS n_coordinated_posts, c.degree
           FROM {db}.campaign_accounts c JOIN active a USING (account_id)
           LEFT JOIN coordinated k USING (account_id)""",
    ),
    (
        "fused_edges",
        ("fused_edges", "coordination_edges", "campaign_accounts"),
        """SELECT * FROM {db}.fused_edges f
           WHERE EXISTS (SELECT 1 FROM coordination_edges e WHERE e.significant
                         AND e.source = f.source AND e.target = f.target)
             AND {fused_filter}""",
    ),
    ("campaigns", ("campaigns", "campaign_accounts"), CAMPAIGNS_QUERY),
    (
        "state_media_posts",
        ("state_media_posts",),
        "SELECT * FROM {db}.state_media_posts WHERE post_rowid IN (SELECT rowid FROM posts)",
    ),
    (
        "article_posts",
        ("article_posts",),
        """SELECT * FROM {db}.article_posts WHERE post_rowid IN (SELECT rowid FROM posts)
           AND article_id IN (SELECT article_id FROM articles)""",
    ),
    (
        "laundering",
        ("laundering",),
        """SELECT * FROM {db}.laundering WHERE group_id IN (
               SELECT group_id FROM {db}.laundering
               WHERE article_id IN (SELECT article_id FROM articles))""",
    ),
]


@contextmanager
def subset_views(con: duckdb.DuckDBPyConnection, subset: Subset | None) -> Iterator[None]:
    """Within the block, the workspace tables read as ``subset``; afterwards as they were."""
    if subset is None or subset.whole:
        yield
        return
    _check(con, subset)
    db = con.execute("SELECT current_database()").fetchall()[0][0]
    names = {
        "db": f'"{db}".main',
        "posts_filter": _filter(subset, "created_at"),
        "articles_filter": _filter(subset, "published_at"),
        "campaign_filter": _in_list("c.campaign_id", subset.campaigns),
        # With campaigns chosen, the network keeps the edges that touch them.
        "fused_filter": "TRUE" if not subset.campaigns else _TOUCHES_CAMPAIGN,
    }
    made: list[str] = []
    try:
        for name, needs, query in _VIEWS:
            if all(has_table(con, table) for table in needs):
                con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {query.format(**names)}")
                made.append(name)
        if not con.execute("SELECT count(*) FROM posts").fetchall()[0][0]:
            raise InfoopsError(f"No posts in the subset ({subset.describe()})")
        yield
    finally:
        for name in reversed(made):
            con.execute(f"DROP VIEW IF EXISTS temp.main.{name}")


def _filter(subset: Subset, time_column: str) -> str:
    """SQL condition for the window and languages (views cannot take parameters)."""
    conditions = ["TRUE"]
    if subset.since:
        conditions.append(f"{time_column} >= TIMESTAMP '{subset.since.isoformat(' ')}'")
    if subset.until:
        conditions.append(f"{time_column} <= TIMESTAMP '{subset.until.isoformat(' ')}'")
    if subset.langs:
        conditions.append(_in_list("lang", subset.langs))
    return " AND ".join(conditions)


_TOUCHES_CAMPAIGN = """(f.source IN (SELECT account_id FROM campaign_accounts WHERE campaign_id
                                  IS NOT NULL)
     OR f.target IN (SELECT account_id FROM campaign_accounts WHERE campaign_id IS NOT NULL))"""


def _in_list(column: str, values: tuple[str, ...]) -> str:
    if not values:
        return "TRUE"
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"{column} IN ({quoted})"


def _check(con: duckdb.DuckDBPyConnection, subset: Subset) -> None:
    if subset.since and subset.until and subset.since > subset.until:
        raise InfoopsError(f"--since {subset.since} is after --until {subset.until}")
    if not subset.campaigns:
        return
    known = (
        {r[0] for r in con.execute("SELECT campaign_id FROM campaigns").fetchall()}
        if has_table(con, "campaigns")
        else set()
    )
    unknown = sorted(set(subset.campaigns) - known)
    if unknown:
        listed = ", ".join(sorted(known)[:20]) or "none: run infoops coordination first"
        raise InfoopsError(f"Unknown campaign {', '.join(unknown)}; known: {listed}")
