"""The coordination signals: for each, which posts are events and what object they share.

A signal is one SQL query over ``posts`` that yields events
``(account_id, object, ts, pid)`` (pid: the post's number in ``post_rows``); two accounts co-occur when they have
events on the same object within the signal's time window. Everything else
(pairing, significance, fusion) is shared, so a new signal is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...ingest._urls import SHORTENERS

if TYPE_CHECKING:
    import duckdb

# Shortener and platform hosts say nothing about what was shared.
UNINFORMATIVE_DOMAINS = tuple(
    sorted(SHORTENERS | {"twitter.com", "x.com", "facebook.com", "instagram.com", "youtube.com"})
)

# Seconds since the epoch as DOUBLE: DuckDB's epoch(), spelled so that Spark computes the
# same value (its unix_timestamp() drops the fraction).
_EPOCH = "epoch_us(created_at) / 1000000"


@dataclass(frozen=True)
class Signal:
    """One coordination signal: its name, its events, and its default window (seconds)."""

    name: str
    title: str
    events_sql: str
    window_s: float
    description: str
    shared_sql: str = "NULL"  # what two posts share, from posts aliased pa and pb
    default: bool = True
    # Events carry a 5th column ``variant``; two events pair only when their variants differ.
    variant: bool = False
    # Run before the events query, with the coordination options (CoordinationConfig).
    prepare: Callable[[duckdb.DuckDBPyConnection, Any], None] | None = None
    similarity_sql: str = "NULL"  # the two posts' similarity, from posts pa, pb and joins
    evidence_joins: str = ""  # tables the similarity needs, joined to posts pa and pb
    temp_tables: tuple[str, ...] = ()  # made by ``prepare`` (tables or views); dropped after


def _epoch(alias: str) -> str:
    return _EPOCH.replace("created_at", f"{alias}.created_at")


def _unnest(column: str, extra: str = "", distinct: bool = True) -> str:
    """Events for each item of a list column (once per post; urls and domains already are).

    A NULL item is no object; dropping it also keeps the engines equal (DuckDB's
    list_distinct drops NULLs, Spark's array_distinct keeps one).
    """
    items = f"list_distinct({column})" if distinct else column
    return f"""
    SELECT account_id, obj AS object, {_EPOCH} AS ts, pid
    FROM (SELECT account_id, created_at, pid, unnest({items}) AS obj
          FROM post_rows WHERE array_length({column}) > 0 {extra})
    WHERE obj IS NOT NULL
    """


def _prepare_near_duplicates(con: duckdb.DuckDBPyConnection, config: Any) -> None:
    """Temp table ``near_dup_texts`` (text_key, cluster) and view ``near_dup_sigs`` (text_key, sig)."""
    from ...text import near_duplicate_clusters
    from ...workspace import store_arrow

    clusters, sigs = near_duplicate_clusters(
        con, "posts", config.text_similarity, "text_key IS NOT NULL AND post_type <> 'reshare'"
    )
    store_arrow(con, "near_dup_texts", clusters, temporary=True)
    # Read only for evidence rows: a view on the Arrow table (copying its arrays of 64
    # values into a DuckDB table costs ~0.07 s per 80,000 texts).
    con.register("near_dup_sigs", sigs.as_arrow())


def _prepare_similar_meaning(con: duckdb.DuckDBPyConnection, config: Any) -> None:
    """Temp table ``similar_texts`` (text_key, cluster): texts of one meaning."""
    from ...text import similar_meaning_clusters
    from ...workspace import store_arrow

    clusters = similar_meaning_clusters(
        con,
        f"""SELECT text_key, text, {_EPOCH} AS ts FROM posts
            WHERE text_key IS NOT NULL AND post_type <> 'reshare'""",
        config.meaning_similarity,
        config.window(BY_NAME["similar_meaning"]),
    )
    store_arrow(con, "similar_texts", clusters, temporary=True)


def _cluster_events(table: str) -> str:
    """Events of posts whose text is in a cluster of ``table`` (text_key, cluster); the
    text is the variant, so two posts of one cluster pair only when their texts differ."""
    return f"""SELECT p.account_id, c.cluster AS object, {_EPOCH} AS ts, p.pid,
                      p.text_key AS variant
               FROM post_rows p JOIN {table} c USING (text_key)
               WHERE p.post_type <> 'reshare'"""


_NEAR_DUP_SIMILARITY = (
    "len(list_filter(range(1, len(sa.sig) + 1), lambda i: sa.sig[i] = sb.sig[i])) / len(sa.sig)"
)
_NEAR_DUP_JOINS = """LEFT JOIN near_dup_sigs sa ON sa.text_key = pa.text_key
                     LEFT JOIN near_dup_sigs sb ON sb.text_key = pb.text_key"""

_DOMAINS = ", ".join(f"'{d}'" for d in UNINFORMATIVE_DOMAINS)

SIGNALS: tuple[Signal, ...] = (
    Signal(
        "co_reshare",
        "Co-reshare",
        # Any post that names the original it reshares (a mapped CSV may lack post_type).
        f"""SELECT account_id, reshare_of_post AS object, {_EPOCH} AS ts, pid FROM post_rows
            WHERE reshare_of_post IS NOT NULL""",
        60,
        "Accounts reshare the same original post within the window.",
        shared_sql="pa.reshare_of_post",
    ),
    Signal(
        "co_link",
        "Co-link",
        _unnest("urls", "AND post_type <> 'reshare'", distinct=False),
        60,
        "Accounts post the same normalised URL within the window (reshares excluded).",
        shared_sql="array_to_string(array_intersect(pa.urls, pb.urls), ' ')",
    ),
    Signal(
        "co_domain",
        "Co-domain",
        f"""SELECT account_id, object, ts, pid FROM ({_unnest("domains", "AND post_type <> 'reshare'", distinct=False)})
            WHERE object NOT IN ({_DOMAINS})""",
        60,
        "Accounts link to the same web site within the window (shorteners excluded).",
        shared_sql="array_to_string(array_intersect(pa.domains, pb.domains), ' ')",
    ),
    Signal(
        "co_hashtag",
        "Co-hashtag",
        _unnest("hashtags", "AND post_type <> 'reshare'"),
        60,
        "Accounts use the same hashtag within the window.",
        shared_sql="array_to_string(array_intersect(pa.hashtags, pb.hashtags), ' ')",
    ),
    Signal(
        "hashtag_sequence",
        "Identical hashtag sequence",
        f"""SELECT account_id, array_to_string(hashtags, ' ') AS object, {_EPOCH} AS ts, pid
            FROM post_rows WHERE array_length(hashtags) >= 2 AND post_type <> 'reshare'""",
        300,
        "Accounts post the same sequence of two or more hashtags within the window.",
        shared_sql="array_to_string(pa.hashtags, ' ')",
    ),
    Signal(
        "identical_text",
        "Identical text",
        f"""SELECT account_id, text_key AS object, {_EPOCH} AS ts, pid FROM post_rows
            WHERE post_type <> 'reshare' AND text_key IS NOT NULL""",
        60,
        "Accounts post the same text (case, links, mentions, spacing ignored; at least 20 "
        "characters) within the window.",
        shared_sql="left(pa.text, 280)",
    ),
    Signal(
        "near_duplicate",
        "Near-duplicate text",
        _cluster_events("near_dup_texts"),
        60,
        "Accounts post nearly the same text (estimated Jaccard similarity of words and word "
        "pairs at least the threshold, 0.7 by default; identical texts are left to "
        "identical_text) within the window.",
        variant=True,
        prepare=_prepare_near_duplicates,
        similarity_sql=_NEAR_DUP_SIMILARITY,
        evidence_joins=_NEAR_DUP_JOINS,
        temp_tables=("near_dup_texts", "near_dup_sigs"),
    ),
    Signal(
        "similar_meaning",
        "Same message in other words or languages",
        _cluster_events("similar_texts"),
        60,
        "Accounts post texts of the same meaning (cosine of multilingual sentence embeddings "
        "at least 0.65 by default), in other words or another language, within the window "
        "(opt-in: embedding runs at about 500-1,000 texts per second).",
        variant=True,
        prepare=_prepare_similar_meaning,
        default=False,
        temp_tables=("similar_texts",),
    ),
    Signal(
        "co_reply",
        "Co-reply",
        f"""SELECT account_id, reply_to AS object, {_EPOCH} AS ts, pid FROM post_rows
            WHERE reply_to IS NOT NULL""",
        60,
        "Accounts reply to the same post within the window.",
        shared_sql="pa.reply_to",
    ),
    Signal(
        "co_mention",
        "Co-mention",
        _unnest("mentions", "AND post_type <> 'reshare'"),
        60,
        "Accounts mention the same account within the window.",
        shared_sql="array_to_string(array_intersect(pa.mentions, pb.mentions), ' ')",
    ),
    Signal(
        "same_time",
        "Same-time posting",
        f"""SELECT account_id, platform AS object, {_EPOCH} AS ts, pid FROM post_rows""",
        1,
        "Accounts post anything within the same second (opt-in: dense data pairs everyone).",
        default=False,
        shared_sql="NULL",
    ),
)

# Fast resharing is directed (who reshares whom, how fast) and is built separately.
FAST_RESHARE = Signal(
    "fast_reshare",
    "Fast resharing",
    f"""SELECT r.account_id AS resharer, o.account_id AS author,
               {_epoch("r")} AS ts,
               r.pid AS reshare_post, o.pid AS original_post,
               {_epoch("r")} - {_epoch("o")} AS delay
        FROM post_rows r JOIN post_rows o
          ON o.post_id = r.reshare_of_post AND o.platform = r.platform
        WHERE r.post_type = 'reshare' AND r.account_id <> o.account_id""",
    10,
    "An account reshares another's post within the window of its publication.",
    shared_sql="coalesce(pa.reshare_of_post, pb.reshare_of_post)",
)

BY_NAME = {signal.name: signal for signal in (*SIGNALS, FAST_RESHARE)}
