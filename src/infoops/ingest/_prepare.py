"""Turn a reader's staging batch into rows ready for the workspace, or problems.

One place derives links, hashtags and mentions from text (for formats that do
not list them), normalises URLs, and checks every row, so all readers obey the
same rules. Pure: batches in, batches and problems out; nothing is written.
"""

from __future__ import annotations

import threading

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._records import Problem
from ._sql import URL_PATTERN, sql_string
from ._urls import SHORTENERS, host_domain, normalise_url, url_domain

MAX_TEXT_BYTES = 1_000_000
MAX_ID_BYTES = 1_024
POST_TYPES = ("post", "reshare", "quote", "reply")

# RE2 patterns, chosen for speed on millions of posts. A hashtag needs a letter
# (``#1`` is a number); neither a hashtag nor a mention may follow a letter or digit
# (``page.html#Echobox=1``, ``me@mail.com``).
_URL = sql_string(URL_PATTERN)
_URL_TAIL = sql_string(r"[.,;:!?)\]}'\"…]+$")
# A hashtag is taken with the character before it (".?" is far faster in RE2 than an
# alternation); that character must not be a letter (it has case), a digit, "_" or
# "&", and is then dropped.
_HASHTAG = r"'.?[#＃][\p{L}\p{N}_]+'"
_MENTION = r"'(?:^|[^A-Za-z0-9_])[@＠]([A-Za-z0-9_]{1,30})'"

_local = threading.local()


def _con() -> duckdb.DuckDBPyConnection:
    if not hasattr(_local, "con"):
        _local.con = duckdb.connect()
        # TimeZone UTC: a time without a zone is UTC, whatever the machine's local zone.
        _local.con.execute("SET threads = 1; SET memory_limit = '256MB'; SET TimeZone = 'UTC'")
    return _local.con


_POST_SQL = rf"""
SELECT *,
    -- formats without post ids: a content hash (repeats are numbered when loading)
    CASE WHEN post_id IS NULL
         THEN 'h' || left(md5(concat_ws(chr(31), account_id, created_at_raw, text)), 24)
    END AS derived_id,
    CASE WHEN _problem IS NOT NULL
         THEN concat_ws(' | ', account_id, created_at_raw, left(text, 300)) END AS _raw
FROM (SELECT * EXCLUDE (urls, hashtags, mentions, post_type),
    coalesce(urls, CASE WHEN contains(text, '://') THEN
        list_transform(regexp_extract_all(text, {_URL}),
                       lambda u: regexp_replace(u, {_URL_TAIL}, '')) ELSE [] END) AS urls,
    coalesce(hashtags, CASE WHEN contains(text, '#') OR contains(text, '＃') THEN
        list_transform(list_filter(regexp_extract_all(text, {_HASHTAG}),
            lambda t: (t[1] IN ('#', '＃') OR NOT (lower(t[1]) <> upper(t[1])
                       OR t[1] BETWEEN '0' AND '9' OR t[1] IN ('_', '&')))
                      AND regexp_matches(t, '\p{{L}}')),
            lambda t: lower(ltrim(CASE WHEN t[1] IN ('#', '＃') THEN t ELSE substr(t, 2) END,
                                  '#＃'))) ELSE [] END) AS hashtags,
    coalesce(mentions, CASE WHEN regexp_matches(text, '[@＠]') THEN
        list_transform(regexp_extract_all(text, {_MENTION}, 1), lambda m: lower(m))
        ELSE [] END) AS mentions,
    CASE WHEN post_type IN {POST_TYPES} THEN post_type ELSE 'post' END AS post_type,
    CASE
        WHEN account_id IS NULL OR trim(account_id) = '' THEN 'missing account id'
        WHEN created_at IS NULL AND coalesce(trim(created_at_raw), '') = '' THEN 'missing time'
        WHEN created_at IS NULL THEN 'cannot parse time ' || left(created_at_raw, 80)
        WHEN strlen(text) > {MAX_TEXT_BYTES}
            THEN format('text is {{:,}} bytes (limit {MAX_TEXT_BYTES:,})', strlen(text))
        WHEN greatest(strlen(account_id), strlen(coalesce(post_id, '')),
                      strlen(coalesce(account_name, ''))) > {MAX_ID_BYTES}
            THEN 'an id or name field is over {MAX_ID_BYTES:,} bytes'
    END AS _problem
FROM batch)
"""

_ARTICLE_SQL = f"""
SELECT *,
    CASE
        WHEN coalesce(trim(text), '') = '' AND coalesce(trim(title), '') = ''
            THEN 'article has neither title nor text'
        WHEN published_at IS NULL AND coalesce(trim(published_at_raw), '') <> ''
            THEN 'cannot parse date ' || left(published_at_raw, 80)
        WHEN length(text) > {MAX_TEXT_BYTES * 10}
            THEN format('text is {{:,}} characters (limit {MAX_TEXT_BYTES * 10:,})', length(text))
    END AS _problem,
    concat_ws(' | ', url, title, left(text, 300)) AS _raw
FROM batch
"""


def _split(checked: pa.Table) -> tuple[pa.Table, list[Problem]]:
    problem = checked.column("_problem")
    if problem.null_count == len(problem):
        return checked.drop_columns(["_problem", "_raw"]), []
    bad = checked.filter(problem.is_valid()).select(["source_line", "_problem", "_raw"])
    problems = [
        Problem(line=row["source_line"], reason=row["_problem"], raw=row["_raw"] or "")
        for row in bad.to_pylist()
    ]
    good = checked.filter(problem.is_null()).drop_columns(["_problem", "_raw"])
    return good, problems


_HOST = r"^[A-Za-z][A-Za-z0-9+.-]*://(?P<host>[^/?#@:\[\]\\%]+)(?:[/?#]|$)"
_SHORTENER_SET = pa.array(sorted(SHORTENERS), pa.string())


def _normalise_url_lists(table: pa.Table) -> pa.Table:
    """Normalise each post's URLs and add its domains.

    Vectorised: shortener links (most links in tweets) are kept as they are, and
    Python runs only on the other distinct URLs and on distinct hosts.
    """
    urls = table.column("urls").combine_chunks()
    flat = urls.flatten()
    hosts = pc.utf8_lower(pc.struct_field(pc.extract_regex(flat, _HOST), [0]))
    short = pc.fill_null(pc.is_in(hosts, value_set=_SHORTENER_SET), False)
    normal = flat
    long_index = np.flatnonzero(~short.to_numpy(zero_copy_only=False))
    if len(long_index):
        long_urls = pc.take(flat, pa.array(long_index)).to_pylist()
        mask = np.zeros(len(flat), dtype=bool)
        mask[long_index] = True
        replaced = pa.array([normalise_url(u) for u in long_urls], pa.string())
        normal = pc.replace_with_mask(flat, pa.array(mask), replaced)
    distinct_hosts = pc.unique(hosts)
    host_domains = pa.array(
        [host_domain(h.rstrip(".")) if h else None for h in distinct_hosts.to_pylist()],
        pa.string(),
    )
    domains = pc.take(host_domains, pc.index_in(hosts, value_set=distinct_hosts))
    bad_host = np.flatnonzero(hosts.is_null().to_numpy(zero_copy_only=False))
    if len(bad_host):  # unusual URLs (IP literals, user info): parse them properly
        fixed = [url_domain(u) for u in pc.take(normal, pa.array(bad_host)).to_pylist()]
        mask = np.zeros(len(flat), dtype=bool)
        mask[bad_host] = True
        domains = pc.replace_with_mask(domains, pa.array(mask), pa.array(fixed, pa.string()))
    offsets = _offsets(urls)
    nulls = urls.is_null()
    position = table.schema.get_field_index("urls")
    table = table.set_column(
        position, "urls", pa.ListArray.from_arrays(offsets, normal, mask=nulls)
    )
    table = table.append_column("domains", pa.ListArray.from_arrays(offsets, domains, mask=nulls))
    longest = pc.max(pc.list_value_length(table.column("urls"))).as_py() or 0
    if longest <= 1 and domains.null_count == 0:
        return table  # nothing to de-duplicate (most batches of tweets)
    links = pa.table({"urls": table.column("urls"), "domains": table.column("domains")})
    con = _con()
    con.register("linked", links)
    try:
        deduped = con.sql(_DEDUPE_SQL).to_arrow_table()
    finally:
        con.unregister("linked")
    table = table.set_column(position, "urls", deduped.column("urls"))
    return table.set_column(table.num_columns - 1, "domains", deduped.column("domains"))


def _offsets(lists: pa.ListArray) -> pa.Array:
    """Offsets that start at zero, matching ``lists.flatten()``."""
    offsets = lists.offsets
    first = offsets[0].as_py() if len(offsets) else 0
    return pc.subtract(offsets, first) if first else offsets


# Keep each link and domain once per post, in order of first appearance.
_DEDUPE_SQL = """
SELECT * REPLACE (
    list_filter(urls, lambda u, i: list_position(urls, u) = i) AS urls,
    list_filter(domains, lambda d, i: d IS NOT NULL AND list_position(domains, d) = i) AS domains
) FROM linked
"""


MIN_KEYED_TEXT = 20
_DROPPED_TOKENS = ("http", "@", "＠")


def normalised_texts(text: pa.Array) -> pa.Array:
    """Text as coordination research compares it: lower case, without links, mentions,
    the retweet marker "RT" and extra spacing (Arrow kernels: fast on millions of posts)."""
    words = pc.utf8_split_whitespace(pc.utf8_lower(text))
    flat = words.flatten()
    drop = pc.equal(flat, "rt")
    for prefix in _DROPPED_TOKENS:
        drop = pc.or_(drop, pc.starts_with(flat, prefix))
    kept = np.concatenate([[0], np.cumsum(~drop.to_numpy(zero_copy_only=False))])
    offsets = words.offsets.to_numpy()
    new_offsets = pa.array(kept[offsets - offsets[0]].astype(np.int32))
    kept_words = pa.ListArray.from_arrays(new_offsets, pc.filter(flat, pc.invert(drop)))
    return pc.binary_join(kept_words, " ")


def _text_keys(table: pa.Table) -> pa.Array:
    """A stable 64-bit key of each post's normalised text; NULL for reshares (they repeat
    their original) and for texts under MIN_KEYED_TEXT characters."""
    text = table.column("text").combine_chunks()
    wanted = pc.and_(
        pc.not_equal(pc.fill_null(table.column("post_type"), ""), "reshare"),
        pc.greater_equal(pc.fill_null(pc.utf8_length(text), 0), MIN_KEYED_TEXT),
    )
    index = np.flatnonzero(wanted.to_numpy(zero_copy_only=False))
    keys = pa.nulls(len(text), pa.uint64())
    if len(index):
        normal = pa.table({"t": normalised_texts(pc.take(text, pa.array(index)))})
        con = _con()
        con.register("normal", normal)
        try:
            hashed = con.sql(
                f"SELECT CASE WHEN length(t) >= {MIN_KEYED_TEXT} THEN md5_number_lower(t) END "
                "AS k FROM normal"
            ).to_arrow_table()
        finally:
            con.unregister("normal")
        mask = np.zeros(len(text), dtype=bool)
        mask[index] = True
        keys = pc.replace_with_mask(keys, pa.array(mask), hashed.column("k").combine_chunks())
    return keys


def prepare_posts(batch: pa.Table, projection: str | None = None) -> tuple[pa.Table, list[Problem]]:
    """Derive entities, normalise links and check each row of a staging post batch.

    With ``projection`` (a SELECT over the view ``raw``), ``batch`` holds a reader's
    raw columns and the projection to the staging schema runs in the same query.
    """
    con = _con()
    name = "raw" if projection else "batch"
    sql = f"WITH batch AS ({projection}) {_POST_SQL}" if projection else _POST_SQL
    con.register(name, batch)
    try:
        checked = con.sql(sql).to_arrow_table()
    finally:
        con.unregister(name)
    good, problems = _split(checked)
    good = good.append_column("text_key", _text_keys(good))
    return _normalise_url_lists(good), problems


def prepare_articles(batch: pa.Table) -> tuple[pa.Table, list[Problem]]:
    """Check each row of a staging article batch; normalise its URL and add the domain."""
    con = _con()
    con.register("batch", batch)
    try:
        checked = con.sql(_ARTICLE_SQL).to_arrow_table()
    finally:
        con.unregister("batch")
    good, problems = _split(checked)
    urls = [normalise_url(u) if u else None for u in good.column("url").to_pylist()]
    domains = [url_domain(u) if u else None for u in urls]
    good = good.set_column(good.schema.get_field_index("url"), "url", pa.array(urls, pa.string()))
    return good.append_column("domain", pa.array(domains, pa.string())), problems
