"""``--compat coortweet``: CooRTweet's rows and edges from infoops' events.

CooRTweet's own tests assert that ``detect_groups`` on its simulator's input returns
exactly the simulator's coordinated rows; the same holds here for every set of its
grid. Its filters (pre- and re-filter by participation, loops) and its edge columns
are checked on hand-made shares with known answers, and the rows and edges equal
CooRTweet's own output on a slice of its bundled German election data
(tests/fixtures/coortweet/README.md).
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest
from builders import Posts
from typer.testing import CliRunner

from infoops import Workspace
from infoops.cli import app
from infoops.detectors.coordination import (
    CoorTweetOptions,
    coortweet_edges,
    coortweet_groups,
)
from infoops.detectors.coordination._compat import EDGE_COLUMNS
from infoops.errors import InputError
from infoops.simulate import POSTS_SCHEMA, coortweet_grid, simulate_coortweet


def _simulated_pairs(posts, coordinated) -> set[frozenset]:
    """The simulator's coordinated rows: share i pairs with share i + n/2."""
    half = posts.num_rows // 2
    ids, accounts = posts.column("post_id").to_pylist(), posts.column("account_id").to_pylist()
    return {
        frozenset({(ids[i], accounts[i]), (ids[i + half], accounts[i + half])})
        for i in range(half)
        if accounts[i] in coordinated and accounts[i + half] in coordinated
    }


@pytest.mark.parametrize("number", [0, 9, 23, 24, 29])
def test_rows_equal_the_simulators_coordinated_rows(number):
    params = coortweet_grid()[number]
    posts, coordinated = simulate_coortweet(params, seed=number)
    with Workspace(memory=True) as ws:
        ws.ingest_table(posts, "coortweet")
        options = CoorTweetOptions(params.time_window, params.min_participation)
        rows = coortweet_groups(ws.con, "co_link", options).to_pylist()
    assert {
        frozenset({(r["content_id"], r["account_id"]), (r["content_id_y"], r["account_id_y"])})
        for r in rows
    } == _simulated_pairs(posts, coordinated)
    ids, created = posts.column("post_id").to_pylist(), posts.column("created_at").to_pylist()
    times = dict(zip(ids, created, strict=True))
    assert all(times[r["content_id"]] <= times[r["content_id_y"]] for r in rows)  # older first


@pytest.fixture
def shares(tmp_path):
    """a and b share link L1 three times within 10 s; c joins once; a reshares its own link."""
    posts = Posts()
    for n, at in enumerate((0, 1000, 2000)):
        posts.add("a", at, f"see https://x.example/{n}", urls=[f"https://x.example/{n}"])
        posts.add("b", at + 4, f"see https://x.example/{n}", urls=[f"https://x.example/{n}"])
    posts.add("c", 1003, "see https://x.example/1", urls=["https://x.example/1"])
    posts.add("a", 1006, "again https://x.example/1", urls=["https://x.example/1"])
    ws = posts.workspace(tmp_path)
    yield ws
    ws.close()


def _pairs(ws, **options) -> list[tuple]:
    groups = coortweet_groups(ws.con, "co_link", CoorTweetOptions(**options))
    return sorted((r["account_id"], r["account_id_y"], r["time_delta"]) for r in groups.to_pylist())


def test_participation_filters_and_loops(shares):
    assert _pairs(shares, time_window=10, min_participation=1) == sorted([
        ("a", "b", 4.0), ("a", "b", 4.0), ("a", "b", 4.0), ("c", "b", 1.0),
        ("a", "c", 3.0), ("c", "a", 3.0), ("b", "a", 2.0),
    ])  # fmt: skip
    # c has one share: the pre-filter at 2 drops it before pairing
    assert ("c", "b", 1.0) not in _pairs(shares, time_window=10, min_participation=2)
    with_loops = _pairs(shares, time_window=10, min_participation=1, remove_loops=False)
    assert ("a", "a", 6.0) in with_loops and len(with_loops) == 8
    assert _pairs(shares, time_window=10, min_participation=9) == []


def test_edges_carry_coortweets_columns(shares):
    groups = coortweet_groups(shares.con, "co_link", CoorTweetOptions(10, 1))
    edges = {(e["from"], e["to"]): e for e in coortweet_edges(shares.con, groups).to_pylist()}
    assert set(edges) == {("a", "b"), ("a", "c"), ("b", "c")}
    ab = edges["a", "b"]
    assert ab["weight"] == 4 and ab["avg_time_delta"] == pytest.approx((4 * 3 + 2) / 4)
    assert ab["n_content_id"] == 4 and ab["n_content_id_y"] == 4
    assert ab["edge_symmetry_score"] == 1.0
    # weights 4, 2, 1: the median is 2, so only a-b is above it
    assert {k: e["weight_threshold"] for k, e in edges.items()} == {
        ("a", "b"): 1, ("a", "c"): 0, ("b", "c"): 0,
    }  # fmt: skip


def test_bad_compat_requests_are_input_errors(shares):
    with pytest.raises(InputError, match="needs one of"):
        coortweet_groups(shares.con, "near_duplicate")
    with pytest.raises(InputError, match="edge_weight must be between 0 and 1"):
        coortweet_groups(shares.con, "co_link", CoorTweetOptions(edge_weight=2))


def test_cli_writes_coortweet_files(shares, tmp_path):
    path = tmp_path / "case.duckdb"
    with Workspace(path) as ws:
        ws.ingest([tmp_path / "posts.csv"])  # the shares, as the fixture wrote them
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [
        "coordination", "-w", str(path), "--out", str(out), "--compat", "coortweet",
        "--signals", "co_link", "--min-participation", "1", "--window", "10",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    with open(out / "coortweet_co_link_groups.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["object_id", "content_id", "content_id_y", "time_delta",
                             "account_id", "account_id_y"] and len(rows) == 7  # fmt: skip
    with open(out / "coortweet_co_link_edges.csv", newline="") as f:
        assert len(list(csv.DictReader(f))) == 3
    bad = CliRunner().invoke(app, ["coordination", "-w", str(path), "--compat", "peer"])
    assert bad.exit_code == 1 and "--compat expects coortweet" in bad.output


FIXTURES = Path(__file__).parent / "fixtures" / "coortweet"


def _german_posts() -> pa.Table:
    """CooRTweet's input rows (one per post and object) as posts whose URLs are the objects."""
    with open(FIXTURES / "german_urls_4days.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    posts: dict[str, dict] = {}
    for row in rows:
        post = posts.setdefault(row["content_id"], {**row, "urls": []})
        post["urls"].append(row["object_id"])
    n = len(posts)
    columns = {
        "platform": ["twitter"] * n,
        "post_id": list(posts),
        "account_id": [p["account_id"] for p in posts.values()],
        "account_name": [p["account_id"] for p in posts.values()],
        "created_at": [
            datetime.fromtimestamp(int(p["timestamp_share"]), UTC).replace(tzinfo=None)
            for p in posts.values()
        ],  # fmt: skip
        "text": [""] * n,
        "lang": ["de"] * n,
        "post_type": ["post"] * n,
        "urls": [p["urls"] for p in posts.values()],
        "hashtags": [[] for _ in range(n)],
        "mentions": [[] for _ in range(n)],
    }
    for name in ("reshare_of_post", "reshare_of_account", "reply_to", "reply_to_account",
                 "quote_of"):  # fmt: skip
        columns[name] = [None] * n
    return pa.table(columns, schema=POSTS_SCHEMA)


def _as_rows(table: list[dict]) -> Counter:
    """Group rows as a multiset; the two shares of a pair in either order (ties in time)."""
    return Counter(
        (str(r["object_id"]), frozenset({(str(r["content_id"]), str(r["account_id"])),
                                         (str(r["content_id_y"]), str(r["account_id_y"]))}),
         float(r["time_delta"]))
        for r in table
    )  # fmt: skip


def _as_edges(table: list[dict]) -> dict:
    """Edges by unordered account pair (igraph orders an edge's ends by vertex number)."""
    columns = EDGE_COLUMNS[2:]
    return {frozenset({r["from"], r["to"]}): tuple(round(float(r[c]), 9) for c in columns)
            for r in table}  # fmt: skip


@pytest.mark.parametrize(
    ("window", "participation", "loops", "suffix"),
    [(60, 2, True, "60s_min2"), (10, 1, False, "10s_min1_loops")],
)
def test_equals_coortweets_own_output_on_its_german_data(window, participation, loops, suffix):
    with Workspace(memory=True) as ws:
        ws.ingest_table(_german_posts(), "german_elections")
        options = CoorTweetOptions(window, participation, remove_loops=loops)
        groups = coortweet_groups(ws.con, "co_link", options)
        edges = coortweet_edges(ws.con, groups, options.edge_weight)
    with open(FIXTURES / f"groups_{suffix}.csv", newline="") as f:
        assert _as_rows(groups.to_pylist()) == _as_rows(list(csv.DictReader(f)))
    with open(FIXTURES / f"edges_{suffix}.csv", newline="") as f:
        assert _as_edges(edges.to_pylist()) == _as_edges(list(csv.DictReader(f)))
