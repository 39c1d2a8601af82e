"""Who pushes a narrative: groups of accounts over-represented among its posts.

A campaign that posts a lot posts a lot in every narrative; what tells that it pushes
*this* narrative is lift: the share of the narrative's posts that come from the group,
divided by the group's share of all posts in narratives (lift 3: three times its usual
weight). Groups are campaigns, or any account grouping an analyst has.
"""

from __future__ import annotations

import duckdb

LIFT_SQL = """
WITH posts_of AS (
    SELECT n.narrative, g.group_id
    FROM text_narratives n JOIN posts p USING (text_key)
    JOIN ({groups}) g ON g.account_id = p.account_id),
cell AS (SELECT narrative, group_id, count(*) AS posts FROM posts_of GROUP BY ALL),
narrative_total AS (SELECT narrative, sum(posts) AS total FROM cell GROUP BY 1),
group_total AS (SELECT group_id, sum(posts) AS total FROM cell GROUP BY 1)
SELECT c.narrative, c.group_id, c.posts,
       round(c.posts / n.total, 4) AS share,
       round((c.posts / n.total) / (g.total / (SELECT sum(posts) FROM cell)), 2) AS lift
FROM cell c JOIN narrative_total n USING (narrative) JOIN group_total g USING (group_id)
WHERE c.posts >= ?
ORDER BY c.narrative, lift DESC, c.group_id"""


def narrative_lift(
    con: duckdb.DuckDBPyConnection, groups: str, min_posts: int = 10
) -> list[tuple[int, str, int, float, float]]:
    """(narrative, group, posts, share of the narrative's posts, lift) for every group with
    ``min_posts`` posts in a narrative; ``groups`` is SQL giving (account_id, group_id)."""
    return con.execute(LIFT_SQL.format(groups=groups), [min_posts]).fetchall()
