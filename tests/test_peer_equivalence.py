"""Our raw co-retweet, co-link and co-tweet pairs equal coordination-network-toolkit's edges.

Same input, same window: a slice of the real IRA archive, given to the peer in its
CSV layout (retweets identified by their text, as infoops does for this archive)
and to infoops through its own ingest. Pairs are compared before any filtering.
"""

from __future__ import annotations

import csv
import gzip
import sqlite3
from datetime import UTC, datetime

import pytest

from infoops import Workspace
from infoops.detectors.coordination import raw_pairs
from infoops.report import write_peer_csv

# the peer tool on a slice of the IRA archive: pytest -m slow, and .ci/run
pytestmark = pytest.mark.slow

peer = pytest.importorskip(
    "coordination_network_toolkit", reason="coordination-network-toolkit (the peer) not installed"
)

WINDOW = 60
# Two weeks of the 2016 campaign: every account active then, all of its tweets.
WEEK = ("2016-08-01", "2016-08-15")


@pytest.fixture(scope="module")
def sample(shared_data, tmp_path_factory):
    """The IRA tweets of one week, as an IRA CSV for infoops and a workspace built from it."""
    folder = tmp_path_factory.mktemp("peer")
    source = folder / "ira_week.csv.gz"
    kept = 0
    with (
        gzip.open(shared_data / "ira" / "tweets.csv.gz", "rt", encoding="utf-8", newline="") as f,
        gzip.open(source, "wt", encoding="utf-8", newline="") as out,
    ):
        reader, writer = csv.reader(f), csv.writer(out)
        writer.writerow(next(reader))
        for row in reader:
            if WEEK[0] <= row[4] < WEEK[1]:
                writer.writerow(row)
                kept += 1
    ws = Workspace(folder / "ws.duckdb")
    (report,) = ws.ingest([source]).files
    assert report.posts_added == kept > 10_000
    yield ws, folder
    ws.close()


def _peer_db(ws: Workspace, folder) -> str:
    """The same posts in the peer's CSV layout, preprocessed into its SQLite database."""
    from coordination_network_toolkit.preprocess import preprocess_csv_files

    path = folder / "peer.csv"
    write_peer_csv(ws.con, path)
    db = str(folder / "peer.db")
    preprocess_csv_files(db, [str(path)])
    # The peer splits an empty urls cell into one URL "", which would pair every two
    # link-less posts in the window; it is not a link, so it is removed on its side.
    with sqlite3.connect(db) as con:
        con.execute("DELETE FROM message_url WHERE url = ''")
    return db


def _peer_pairs(db: str, table: str) -> set[tuple[str, str]]:
    with sqlite3.connect(db) as con:
        rows = con.execute(f"SELECT user_1, user_2 FROM {table}").fetchall()
    return {(min(a, b), max(a, b)) for a, b in rows if a != b}


def _ours(ws: Workspace, signal: str) -> set[tuple[str, str]]:
    table = raw_pairs(ws.con, signal, WINDOW, max_object_accounts=None)
    return set(zip(table["source"].to_pylist(), table["target"].to_pylist(), strict=True))


@pytest.fixture(scope="module")
def peer_db(sample):
    ws, folder = sample
    return _peer_db(ws, folder)


def test_co_retweet_pairs_equal_peer(sample, peer_db):
    from coordination_network_toolkit.compute_networks import compute_co_retweet_parallel

    compute_co_retweet_parallel(peer_db, WINDOW, n_threads=1, min_edge_weight=1)
    expected = _peer_pairs(peer_db, "co_retweet_network")
    ours = _ours(sample[0], "co_reshare")
    assert len(expected) > 5
    assert ours == expected, (sorted(expected - ours), sorted(ours - expected))


def test_co_link_pairs_equal_peer(sample, peer_db):
    from coordination_network_toolkit.compute_networks import compute_co_link_network

    compute_co_link_network(peer_db, WINDOW, n_threads=1, min_edge_weight=1)
    expected = _peer_pairs(peer_db, "co_link_network")
    ours = _ours(sample[0], "co_link")
    assert len(expected) > 0
    assert ours == expected


def test_time_is_utc_epoch_in_both(sample):
    ws, _ = sample
    first = ws.sql("SELECT min(created_at) FROM posts").fetchall()[0][0]
    assert first.tzinfo is None and first < datetime(2019, 1, 1)
    assert (
        datetime.fromtimestamp(first.replace(tzinfo=UTC).timestamp(), UTC).replace(tzinfo=None)
        == first
    )


def test_co_tweet_pairs_equal_peer_given_the_same_text_normalisation(sample, peer_db, monkeypatch):
    """The peer's co-tweet pairing, given infoops' text normalisation (lower case, links,
    mentions and "RT" dropped, spaces folded; texts under 20 characters, before or after,
    never match), gives
    exactly infoops' identical_text pairs. With its own normalisation (only mentions
    dropped, no length floor) the pairs differ on texts that differ only by a link, or are
    short: see docs/benchmarks.md."""
    import itertools

    import pyarrow as pa
    from coordination_network_toolkit import compute_networks

    from infoops.ingest._prepare import MIN_KEYED_TEXT, normalised_texts

    unique = itertools.count()

    def ours(text: str) -> str:
        normal = normalised_texts(pa.array([text]))[0].as_py()
        if min(len(text), len(normal)) < MIN_KEYED_TEXT:
            return f"\x00short {next(unique)}"  # matches nothing, as a text without key
        return normal

    monkeypatch.setattr(compute_networks, "message_preprocessor", ours)
    compute_networks.compute_co_tweet_network(
        peer_db, WINDOW, n_threads=1, min_edge_weight=1, reprocess_text=True
    )
    expected = _peer_pairs(peer_db, "co_tweet_network")
    assert len(expected) > 5
    assert _ours(sample[0], "identical_text") == expected
