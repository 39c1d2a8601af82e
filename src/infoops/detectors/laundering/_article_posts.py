"""Posts that paste an article's text: which long posts quote which article.

A post and an article are linked when most of the post's word 5-grams (its
"shingles", case and punctuation ignored, links and mentions removed) occur in
the article: ``containment`` = shared shingles / the post's shingles. A
5-gram is specific enough that sharing most of them means copied text, not a
shared topic. Only posts of at least ``min_words`` words are considered; a
reshare repeats its original and is left out. One SQL expression over the
workspace (DuckDB), so it runs on millions of posts.
"""

from __future__ import annotations

import duckdb

SHINGLE_WORDS = 5

_WORDS = r"""list_filter(
    regexp_split_to_array(
        regexp_replace(lower({column}), '(https?://\S+|@\w+)', ' ', 'g'), '[^\p{{L}}\p{{N}}]+'),
    lambda w: w <> '')"""


def _shingles_sql(table: str, key: str, column: str, where: str = "") -> str:
    words = _WORDS.format(column=column)
    return f"""
    SELECT {key} AS key, unnest(list_distinct(list_transform(
               range(1, len(words) - {SHINGLE_WORDS - 2}),
               lambda i: hash(array_to_string(words[i:i + {SHINGLE_WORDS - 1}], ' '))))) AS shingle
    FROM (SELECT {key}, {words} AS words FROM {table} {where})
    WHERE len(words) >= {SHINGLE_WORDS}
    """


def link_posts_to_articles(
    con: duckdb.DuckDBPyConnection, min_words: int = 20, min_containment: float = 0.6
) -> None:
    """Create table ``article_posts``: article_id, url, post_rowid, post_id, account_id,
    created_at, shared_shingles, containment (one row per linked post and article)."""
    any_articles = con.execute("SELECT count(*) > 0 FROM articles").fetchall()[0][0]
    long_posts = (
        "WHERE post_type <> 'reshare' AND text IS NOT NULL "
        f"AND len(string_split(text, ' ')) >= {int(min_words)} AND {any_articles}"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE article_posts AS
        WITH article_shingles AS ({_shingles_sql("articles", "article_id", "coalesce(text, '')")}),
             post_shingles AS ({_shingles_sql("posts", "rowid", "text", long_posts)}),
             post_sizes AS (SELECT key, count(*) AS n FROM post_shingles GROUP BY key),
             shared AS (
                SELECT a.key AS article_id, p.key AS post_rowid, count(*) AS shared_shingles
                FROM post_shingles p JOIN article_shingles a USING (shingle)
                GROUP BY ALL)
        SELECT s.article_id, ar.url, s.post_rowid, po.post_id, po.account_id, po.created_at,
               s.shared_shingles, round(s.shared_shingles / z.n, 4) AS containment
        FROM shared s JOIN post_sizes z ON z.key = s.post_rowid
        JOIN articles ar ON ar.article_id = s.article_id
        JOIN posts po ON po.rowid = s.post_rowid
        WHERE s.shared_shingles / z.n >= {float(min_containment)}
        ORDER BY s.article_id, po.created_at, po.post_id
        """
    )
