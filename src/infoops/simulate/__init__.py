"""Simulated X/Twitter activity with planted coordinated groups: data with known ground truth.

``simulate(n_posts, seed=...)`` returns a :class:`Simulation`: ``posts`` in the
canonical ``posts`` layout (see docs/ingest.md) and ``truth``, which account
belongs to which planted group. ``write_io_csv`` writes the posts as an X/Twitter
information-operations archive CSV that ``infoops ingest`` reads back unchanged.

Organic activity: heavy-tailed account activity (lognormal) and popularity;
Zipf-popular hashtags, domains and URLs (URLs mostly shared within days of their
publication); a daily rhythm in each account's time zone with posting sessions;
reshare, reply and quote cascades whose delays are heavy-tailed (seconds to
days); bursts around a few random events (many unrelated accounts, one hashtag
or link, within about an hour); replies and mentions toward popular accounts;
texts built from templated vocabularies in four languages, so organic texts
rarely repeat exactly, except for a few popular slogans.

Planted groups (``planted=True``): retweet rings, link-sharing networks,
copy-paste text and hashtag campaigns, 5-50 accounts each, about 1.5% of the
accounts in all (at least one group of each kind). See ``_planted.py``.

Everything is vectorised numpy and pyarrow; the same seed gives the same tables.
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ._coortweet import CoorSet, coortweet_grid, simulate_coortweet
from ._organic import (
    LANGS,
    POST_TYPES,
    QUOTE,
    REPLY,
    RESHARE,
    Lookup,
    Pools,
    Skeleton,
    make_accounts,
    organic,
    render,
)
from ._planted import KINDS, attach_targets, plan_groups, planted_posts

__all__ = [
    "KINDS",
    "CoorSet",
    "Simulation",
    "coortweet_grid",
    "simulate",
    "simulate_coortweet",
    "write_io_csv",
]

POSTS_SCHEMA = pa.schema(
    [
        ("platform", pa.string()),
        ("post_id", pa.string()),
        ("account_id", pa.string()),
        ("account_name", pa.string()),
        ("created_at", pa.timestamp("us")),
        ("text", pa.string()),
        ("lang", pa.string()),
        ("post_type", pa.string()),
        ("reshare_of_post", pa.string()),
        ("reshare_of_account", pa.string()),
        ("reply_to", pa.string()),
        ("reply_to_account", pa.string()),
        ("quote_of", pa.string()),
        ("urls", pa.list_(pa.string())),
        ("hashtags", pa.list_(pa.string())),
        ("mentions", pa.list_(pa.string())),
    ]
)
TRUTH_SCHEMA = pa.schema(
    [("account_id", pa.string()), ("group_id", pa.string()), ("kind", pa.string())]
)
ACCOUNTS_SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("account_name", pa.string()),
        ("lang", pa.string()),
        ("utc_offset", pa.int8()),
        ("followers", pa.int64()),
    ]
)
_TWEPOCH_MS = 1_288_834_974_657  # Twitter's snowflake epoch
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Simulation:
    """A simulated data set: posts, the ground truth, and the accounts behind them."""

    posts: pa.Table  # the canonical posts columns (POSTS_SCHEMA), sorted by created_at
    truth: pa.Table  # every simulated account: account_id, group_id ('' if organic), kind
    accounts: pa.Table  # account_id, account_name, lang, utc_offset, followers
    params: dict[str, Any] = field(default_factory=dict)

    def groups(self) -> dict[str, list[str]]:
        """Planted group id -> its member account ids."""
        planted = self.truth.filter(pc.not_equal(self.truth["group_id"], ""))
        out: dict[str, list[str]] = {}
        for gid, aid in zip(
            planted["group_id"].to_pylist(), planted["account_id"].to_pylist(), strict=True
        ):
            out.setdefault(gid, []).append(aid)
        return out


def _epoch_seconds(start: str | date | datetime) -> int:
    """Epoch seconds of ``start``; a naive time or a date is UTC."""
    if isinstance(start, datetime):
        if start.tzinfo is not None:
            start = start.astimezone(UTC)
        start = start.replace(tzinfo=None).isoformat()
    elif isinstance(start, date):
        start = start.isoformat()
    return int(np.datetime64(start, "s").astype(np.int64))


def simulate(
    n_posts: int,
    *,
    seed: int = 0,
    n_accounts: int | None = None,
    planted: bool = True,
    start: str | date | datetime = "2024-09-01",
    days: int = 60,
) -> Simulation:
    """Simulate ``n_posts`` X/Twitter posts by ``n_accounts`` accounts (default n_posts / 40).

    ``start`` (UTC) and ``days`` set the time window. With ``planted`` (default),
    coordinated groups of every kind in ``KINDS`` are planted; ``truth`` says who
    is in which. Deterministic for a given seed.
    """
    if n_posts < 1:
        raise ValueError("n_posts must be at least 1")
    if days < 1:
        raise ValueError("days must be at least 1")
    n_accounts = int(n_accounts) if n_accounts is not None else max(100, round(n_posts / 40))
    if n_accounts < 1:
        raise ValueError("n_accounts must be at least 1")
    start_s = _epoch_seconds(start)
    rng = np.random.default_rng(seed)

    acc = make_accounts(rng, n_accounts)
    pools = Pools(rng, n_posts, n_accounts, days)
    groups = plan_groups(rng, acc) if planted else []
    coordinated, pending = planted_posts(rng, groups, acc, pools, n_posts, start_s, days)
    if len(coordinated) > n_posts // 2:
        raise ValueError(f"n_posts={n_posts} is too small for planted groups; use more posts")
    background = organic(rng, acc, pools, n_posts - len(coordinated), start_s, days)
    attach_targets(rng, coordinated, pending, background)
    sk = Skeleton.concat([background, coordinated])
    del background, coordinated
    sk.copy_into_reshares()

    # Time order; snowflake-like ids that grow with time (millisecond + sequence bits).
    ms = rng.integers(0, 1000, len(sk))
    order = np.argsort(sk.t * 1000 + ms, kind="stable")
    sk.reorder(order)
    ms = ms[order]
    del order
    sequence = np.arange(len(sk), dtype=np.int64) & ((1 << 22) - 1)
    post_ids = pa.array(((sk.t * 1000 + ms - _TWEPOCH_MS) << 22) | sequence).cast(pa.string())
    del ms, sequence

    lookup = Lookup.build(acc, pools)
    chunks = [
        _posts_chunk(sk, slice(lo, min(lo + _CHUNK, len(sk))), post_ids, acc.ids, lookup)
        for lo in range(0, len(sk), _CHUNK)
    ]
    posts = pa.Table.from_batches([b for c in chunks for b in c.to_batches()], POSTS_SCHEMA)

    group_id = np.full(n_accounts, "", dtype=object)
    kind = np.full(n_accounts, "organic", dtype=object)
    for g in groups:
        group_id[g.members] = g.group_id
        kind[g.members] = g.kind
    truth = pa.table(
        [acc.ids, pa.array(group_id, pa.string()), pa.array(kind, pa.string())],
        schema=TRUTH_SCHEMA,
    )
    followers = np.rint(50 * acc.popularity / np.median(acc.popularity)).astype(np.int64)
    accounts = pa.table(
        [
            acc.ids,
            acc.names,
            pc.take(pa.array(LANGS), pa.array(acc.lang)),
            pa.array(acc.tz.astype(np.int8)),
            pa.array(followers),
        ],
        schema=ACCOUNTS_SCHEMA,
    )
    params = {
        "n_posts": n_posts,
        "seed": seed,
        "n_accounts": n_accounts,
        "planted": planted,
        "start": str(np.datetime64(start_s, "s")),
        "days": days,
        "groups": len(groups),
    }
    return Simulation(posts=posts, truth=truth, accounts=accounts, params=params)


def _posts_chunk(
    sk: Skeleton, rows: slice, post_ids: pa.Array, account_ids: pa.Array, lookup: Lookup
) -> pa.Table:
    kind = sk.kind[rows]
    target = sk.target[rows]
    author = sk.acct[np.maximum(target, 0)]
    n = len(kind)

    def ref(which: int) -> tuple[pa.Array, pa.Array]:
        hit = kind == which
        post = pc.take(post_ids, pa.array(target, mask=~hit))
        account = pc.take(account_ids, pa.array(author, mask=~hit))
        return post, account

    reshare_post, reshare_account = ref(RESHARE)
    reply_post, reply_account = ref(REPLY)
    quote_post, _ = ref(QUOTE)
    parts = render(sk, rows, lookup)
    columns = [
        pa.repeat("twitter", n).cast(pa.string()),
        post_ids[rows.start : rows.stop],
        pc.take(account_ids, pa.array(sk.acct[rows])),
        pc.take(lookup.names, pa.array(sk.acct[rows])),
        pa.array(sk.t[rows] * 1_000_000, pa.timestamp("us")),
        parts["text"],
        pc.take(pa.array(LANGS), pa.array(sk.lang[rows])),
        pc.take(pa.array(POST_TYPES), pa.array(kind)),
        reshare_post,
        reshare_account,
        reply_post,
        reply_account,
        quote_post,
        parts["urls"],
        parts["hashtags"],
        parts["mentions"],
    ]
    return pa.table(columns, schema=POSTS_SCHEMA)


# -- the X/Twitter information-operations archive CSV -------------------------------------------

IO_COLUMNS = (
    "tweetid",
    "userid",
    "user_screen_name",
    "tweet_time",
    "tweet_text",
    "tweet_language",
    "is_retweet",
    "retweet_tweetid",
    "retweet_userid",
    "in_reply_to_tweetid",
    "in_reply_to_userid",
    "quoted_tweet_tweetid",
    "hashtags",
    "urls",
    "user_mentions",
)


def _bracketed(lists: pa.Array) -> pa.Array:
    """``[a, b]`` cells as in the archives (``[]`` when empty)."""
    joined = pc.fill_null(pc.binary_join(lists, ", "), "")
    return pc.binary_join_element_wise("[", joined, "]", "")


def _io_batch(batch: pa.RecordBatch, names: pa.Array, ids: pa.Array) -> pa.RecordBatch:
    def text(name: str) -> pa.Array:
        return pc.fill_null(batch.column(name), "")

    mentions = batch.column("mentions")
    offsets = mentions.offsets
    offsets = pc.subtract(offsets, offsets[0])
    flat = pc.take(ids, pc.index_in(mentions.flatten(), value_set=names))
    mention_ids = pa.ListArray.from_arrays(offsets, flat)
    seconds = batch.column("created_at").cast(pa.timestamp("s"))
    columns = [
        batch.column("post_id"),
        batch.column("account_id"),
        batch.column("account_name"),
        pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S"),
        batch.column("text"),
        text("lang"),
        pc.if_else(pc.equal(batch.column("post_type"), "reshare"), "True", "False"),
        text("reshare_of_post"),
        text("reshare_of_account"),
        text("reply_to"),
        text("reply_to_account"),
        text("quote_of"),
        _bracketed(batch.column("hashtags")),
        _bracketed(batch.column("urls")),
        _bracketed(mention_ids),
    ]
    return pa.RecordBatch.from_arrays(columns, names=list(IO_COLUMNS))


def _open_output(path: Path) -> BinaryIO:
    if path.suffix == ".gz":
        return gzip.open(path, "wb", compresslevel=4)  # type: ignore[return-value]
    return path.open("wb")


def write_io_csv(
    sim: Simulation,
    path: str | os.PathLike[str],
    *,
    truth_path: str | os.PathLike[str] | None = None,
) -> tuple[Path, Path]:
    """Write the posts as an X/Twitter IO-archive CSV (gzip if the name ends in ``.gz``).

    The ground truth goes to ``truth_path``, by default beside it: ``NAME_truth.csv``
    for ``NAME.csv.gz``. Returns both paths. ``infoops ingest`` reads the posts
    back with every field of ``sim.posts`` unchanged (times have whole seconds).
    """
    path = Path(path)
    if truth_path is None:
        stem = path.name.removesuffix(".gz").removesuffix(".csv")
        truth_path = path.with_name(f"{stem}_truth.csv")
    truth_path = Path(truth_path)
    names = sim.accounts["account_name"].combine_chunks()
    ids = sim.accounts["account_id"].combine_chunks()
    schema = pa.schema([(name, pa.string()) for name in IO_COLUMNS])
    with _open_output(path) as raw, pacsv.CSVWriter(raw, schema) as writer:
        for batch in sim.posts.to_batches(max_chunksize=200_000):
            writer.write_batch(_io_batch(batch, names, ids))
    pacsv.write_csv(sim.truth, truth_path)
    return path, truth_path
