"""The simulator: schema, determinism, realism, planted ground truth, IO-archive round trip."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from infoops import Workspace
from infoops.simulate import KINDS, Simulation, simulate, write_io_csv

COLUMNS = [
    "platform", "post_id", "account_id", "account_name", "created_at", "text", "lang",
    "post_type", "reshare_of_post", "reshare_of_account", "reply_to", "reply_to_account",
    "quote_of", "urls", "hashtags", "mentions",
]  # fmt: skip
# Object each kind co-shares, which posts count, and the window (seconds) it acts within.
SIGNATURES = {
    "retweet_ring": ("reshare_of_post", "post_type = 'reshare'", 60),
    "link_network": ("unnest(urls)", "post_type <> 'reshare'", 120),
    "copy_paste": ("text", "post_type <> 'reshare'", 600),
    "hashtag_campaign": (
        "array_to_string(hashtags, ' ')",
        "post_type <> 'reshare' AND len(hashtags) >= 2",
        300,
    ),
}


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return simulate(100_000, seed=7)


@pytest.fixture(scope="module")
def small() -> Simulation:
    return simulate(20_000, seed=3, start="2024-10-01", days=30)


@pytest.fixture(scope="module")
def con(sim: Simulation) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("posts", sim.posts)
    con.register("truth", sim.truth)
    return con


def test_same_seed_same_tables(small: Simulation) -> None:
    again = simulate(20_000, seed=3, start="2024-10-01", days=30)
    assert again.posts.equals(small.posts)
    assert again.truth.equals(small.truth)
    other = simulate(20_000, seed=4, start="2024-10-01", days=30)
    assert not other.posts.equals(small.posts)


def test_schema_and_values(small: Simulation) -> None:
    posts = small.posts
    assert posts.column_names == COLUMNS
    assert posts.num_rows == 20_000
    types = dict(zip(posts.column_names, posts.schema.types, strict=True))
    assert types["created_at"] == pa.timestamp("us")
    for name in ("urls", "hashtags", "mentions"):
        assert types[name] == pa.list_(pa.string())
    df = posts.to_pandas()
    assert set(df.platform) == {"twitter"}
    assert set(df.post_type) == {"post", "reshare", "reply", "quote"}
    assert df.post_id.is_unique
    assert df.created_at.between(pd.Timestamp("2024-10-01"), pd.Timestamp("2024-10-31")).all()
    assert (df.created_at.dt.microsecond == 0).all()  # whole seconds
    assert df.created_at.is_monotonic_increasing
    assert df.text.str.len().min() > 0 and df.lang.notna().all()
    assert set(small.truth.column_names) == {"account_id", "group_id", "kind"}
    assert set(small.truth["kind"].to_pylist()) == {"organic", *KINDS}
    tags = pc.list_flatten(posts["hashtags"]).to_pylist()
    assert tags and all(t == t.lower() and not t.startswith("#") for t in tags)
    urls = pc.list_flatten(posts["urls"]).to_pylist()
    assert urls and all(u.startswith("https://") and "www." not in u for u in urls)
    names = set(small.accounts["account_name"].to_pylist())
    assert set(pc.list_flatten(posts["mentions"]).to_pylist()) <= names
    for row in df.sample(300, random_state=0).itertuples():  # texts carry their entities
        assert all(f"#{t}" in row.text for t in row.hashtags)
        assert all(u in row.text for u in row.urls)
        assert all(f"@{m}" in row.text for m in row.mentions)


def test_references_exist_and_come_earlier(small: Simulation) -> None:
    df = small.posts.to_pandas().set_index("post_id")
    for kind, post_col, account_col in [
        ("reshare", "reshare_of_post", "reshare_of_account"),
        ("reply", "reply_to", "reply_to_account"),
        ("quote", "quote_of", None),
    ]:
        rows = df[df.post_type == kind]
        assert len(rows) and rows[post_col].notna().all()
        original = df.loc[rows[post_col]]
        assert (original.created_at.to_numpy() < rows.created_at.to_numpy()).all()
        assert (original.post_type != "reshare").all()
        if account_col:
            assert (original.account_id.to_numpy() == rows[account_col].to_numpy()).all()
        others = [c for c in ("reshare_of_post", "reply_to", "quote_of") if c != post_col]
        assert rows[others].isna().all().all()
    reshares = df[df.post_type == "reshare"]
    original = df.loc[reshares.reshare_of_post]
    expected = "RT @" + original.account_name.to_numpy() + ": " + original.text.to_numpy()
    assert (reshares.text.to_numpy() == expected).all()
    delay = (reshares.created_at.to_numpy() - original.created_at.to_numpy()) / np.timedelta64(
        1, "s"
    )
    assert np.median(delay) > 60 and np.quantile(delay, 0.95) > 6 * 3600  # minutes to days
    assert (df[df.post_type == "post"].reshare_of_post.isna()).all()


def test_heavy_tails(sim: Simulation, con: duckdb.DuckDBPyConnection) -> None:
    per_account = con.sql("SELECT count(*) AS n FROM posts GROUP BY account_id").df().n
    per_account = np.sort(per_account.to_numpy())[::-1]
    top = per_account[: max(1, len(per_account) // 100)].sum() / per_account.sum()
    assert top > 0.15  # the top 1% of accounts write a large share
    urls = con.sql("SELECT count(*) AS n FROM (SELECT unnest(urls) AS u FROM posts) GROUP BY u")
    counts = urls.df().n.to_numpy()
    assert counts.max() >= 20 * np.median(counts)
    tags = (
        con.sql("SELECT count(*) AS n FROM (SELECT unnest(hashtags) AS h FROM posts) GROUP BY h")
        .df()
        .n.to_numpy()
    )
    assert tags.max() >= 50 * np.median(tags)
    reshared = (
        con.sql(
            "SELECT count(*) AS n FROM posts WHERE reshare_of_post IS NOT NULL GROUP BY reshare_of_post"
        )
        .df()
        .n.to_numpy()
    )
    assert reshared.max() >= 20 * np.median(reshared)


def test_daily_rhythm(sim: Simulation, con: duckdb.DuckDBPyConnection) -> None:
    hours = pc.hour(sim.posts["created_at"]).to_numpy()
    utc = np.bincount(hours, minlength=24)
    assert utc.max() > 1.5 * utc.min()  # accounts are spread over time zones ...
    con.register("accounts", sim.accounts)
    local = con.sql(
        "SELECT (hour(created_at) + utc_offset + 24) % 24 AS h, count(*) AS n "
        "FROM posts JOIN accounts USING (account_id) GROUP BY 1 ORDER BY 1"
    ).df()
    assert len(local) == 24
    assert local.n.max() > 5 * local.n.min()  # ... and each sleeps at night


def test_organic_texts_rarely_repeat(con: duckdb.DuckDBPyConnection) -> None:
    repeated = con.sql(
        """
        SELECT avg((n > 1)::INT) FROM (
            SELECT p.text, count(DISTINCT p.account_id) OVER (PARTITION BY p.text) AS n
            FROM posts p JOIN truth t USING (account_id)
            WHERE t.kind = 'organic' AND p.post_type IN ('post', 'quote'))
        """
    ).fetchall()[0][0]
    assert repeated < 0.03


def test_planted_groups_shape(sim: Simulation) -> None:
    truth = sim.truth.to_pandas()
    planted = truth[truth.kind != "organic"]
    assert set(planted.kind) == set(KINDS)
    sizes = planted.groupby("group_id").size()
    assert sizes.between(5, 50).all()
    assert 0.01 <= len(planted) / len(truth) <= 0.04
    assert (truth[truth.kind == "organic"].group_id == "").all()
    assert planted.groupby("group_id").kind.nunique().eq(1).all()
    groups = sim.groups()
    assert {g: len(m) for g, m in groups.items()} == sizes.to_dict()


def test_planted_volume_is_ordinary(sim: Simulation, con: duckdb.DuckDBPyConnection) -> None:
    counts = con.sql(
        "SELECT t.kind, count(*) AS n FROM posts p JOIN truth t USING (account_id) "
        "GROUP BY p.account_id, t.kind"
    ).df()
    organic = counts[counts.kind == "organic"].n
    planted = counts[counts.kind != "organic"].n
    assert planted.median() > organic.median()  # active accounts ...
    assert planted.median() < organic.quantile(0.99)  # ... not extreme ones
    assert planted.max() < 10 * organic.quantile(0.95)
    # Members also post replies and quotes like everybody else.
    mixed = con.sql(
        "SELECT count(DISTINCT account_id) FROM posts JOIN truth USING (account_id) "
        "WHERE truth.kind <> 'organic' AND post_type IN ('reply', 'quote')"
    ).fetchall()[0][0]
    assert mixed > 0.5 * len(planted)


@pytest.mark.parametrize("kind", KINDS)
def test_planted_members_co_share_within_window(
    kind: str, sim: Simulation, con: duckdb.DuckDBPyConnection
) -> None:
    obj, where, window = SIGNATURES[kind]
    pairs = con.sql(
        f"""
        WITH shares AS (
            SELECT account_id, {obj} AS object, epoch(created_at) AS t FROM posts WHERE {where}
        ), co AS (
            SELECT a.account_id AS a, b.account_id AS b, count(*) AS events
            FROM shares a JOIN shares b
              ON a.object = b.object AND a.account_id < b.account_id
             AND abs(a.t - b.t) <= {window}
            GROUP BY 1, 2
        )
        SELECT ta.group_id AS ga, tb.group_id AS gb, ta.kind AS ka, tb.kind AS kb, events
        FROM co JOIN truth ta ON ta.account_id = co.a JOIN truth tb ON tb.account_id = co.b
        """
    ).df()
    truth = sim.truth.to_pandas()
    posting = set(pc.unique(sim.posts["account_id"]).to_pylist())
    truth = truth[truth.account_id.isin(posting)]
    groups = truth[truth.kind == kind].groupby("group_id").size()
    group_pairs = int((groups * (groups - 1) // 2).sum())
    n_organic = int((truth.kind == "organic").sum())
    organic_pairs = n_organic * (n_organic - 1) // 2
    inside = pairs[(pairs.ga == pairs.gb) & (pairs.ka == kind)]
    organic = pairs[(pairs.ka == "organic") & (pairs.kb == "organic")]
    group_rate = inside.events.sum() / group_pairs
    organic_rate = organic.events.sum() / organic_pairs
    assert group_rate > 3  # several co-shares per member pair ...
    assert group_rate > 100 * organic_rate  # ... far beyond chance among organic accounts
    assert len(inside) / group_pairs > 0.8  # most member pairs are linked


def test_retweet_rings_reshare_within_a_minute(con: duckdb.DuckDBPyConnection) -> None:
    gaps = (
        con.sql(
            """
        WITH ring AS (
            SELECT group_id, account_id, reshare_of_post, epoch(created_at) AS t
            FROM posts JOIN truth USING (account_id)
            WHERE truth.kind = 'retweet_ring' AND post_type = 'reshare')
        SELECT abs(a.t - b.t) AS gap FROM ring a JOIN ring b
          ON a.group_id = b.group_id AND a.reshare_of_post = b.reshare_of_post
         AND a.account_id < b.account_id
        """
        )
        .df()
        .gap
    )
    assert len(gaps) > 100
    assert (gaps <= 60).mean() > 0.7  # usually within a minute; a few stragglers


def test_copy_paste_is_identical_or_near_identical(con: duckdb.DuckDBPyConnection) -> None:
    pairs = con.sql(
        """
        WITH cp AS (
            SELECT group_id, account_id, text, epoch(created_at) AS t
            FROM posts JOIN truth USING (account_id)
            WHERE truth.kind = 'copy_paste' AND post_type = 'post')
        SELECT a.text = b.text AS same,
               levenshtein(a.text, b.text) / greatest(length(a.text), length(b.text)) AS distance
        FROM cp a JOIN cp b ON a.group_id = b.group_id AND a.account_id < b.account_id
         AND abs(a.t - b.t) <= 600
        """
    ).df()
    same = pairs.same.sum()
    near = (~pairs.same & (pairs.distance < 0.35)).sum()
    assert same > 20 and near > 0.5 * same  # identical copies, and lightly edited ones
    assert (same + near) / len(pairs) > 0.6


def test_without_planted_groups() -> None:
    sim = simulate(20_000, seed=1, planted=False)
    assert set(sim.truth["kind"].to_pylist()) == {"organic"}
    assert sim.posts.num_rows == 20_000


def test_io_csv_round_trip(small: Simulation, tmp_path) -> None:
    path, truth_path = write_io_csv(small, tmp_path / "sim.csv.gz")
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert truth_path == tmp_path / "sim_truth.csv"
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    assert truth.equals(small.truth.to_pandas())
    ws = Workspace(memory=True)
    report = ws.ingest([path])
    assert not report.errors
    assert ws.sql("SELECT count(*) FROM quarantine").fetchall()[0][0] == 0
    back = ws.posts("arrow").select(COLUMNS).sort_by("post_id")
    expected = small.posts.sort_by("post_id")
    assert back.num_rows == expected.num_rows
    for name in COLUMNS:
        assert back[name].to_pylist() == expected[name].to_pylist(), name
