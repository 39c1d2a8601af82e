"""Coordination detection on small, hand-built data with known answers."""

from __future__ import annotations

import random

import numpy as np
import pytest
from builders import Posts
from scipy.stats import poisson

from infoops import Workspace
from infoops.detectors.coordination import (
    BY_NAME,
    SIGNALS,
    CoordinationConfig,
    detect_coordination,
    raw_pairs,
)
from infoops.detectors.coordination._significance import (
    benjamini_hochberg,
    expected_counts,
    poisson_p_values,
)
from infoops.errors import InputError
from infoops.pipeline import run_coordination


def _organic(posts: Posts, rng: random.Random, accounts: int = 60, each: int = 25) -> None:
    """Independent accounts resharing popular posts and links at random times."""
    for a in range(accounts):
        for _ in range(each):
            at = rng.uniform(0, 14 * 86400)
            if rng.random() < 0.5:
                posts.add(f"org{a:03d}", at, retweet_of=f"orig{rng.randint(1, 40)}")
            else:
                url = f"https://news{rng.randint(1, 30)}.example.com/story/{rng.randint(1, 60)}"
                posts.add(f"org{a:03d}", at, f"reading this {url}", urls=[url])


def _ring(posts: Posts, rng: random.Random, members: int = 5, bursts: int = 8) -> list[str]:
    """A retweet ring: the members reshare the same posts within a few seconds."""
    names = [f"ring{m}" for m in range(members)]
    for burst in range(bursts):
        at = rng.uniform(0, 14 * 86400)
        for name in names:
            posts.add(name, at + rng.uniform(0, 20), retweet_of=f"ringpost{burst}")
    return names


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    rng = random.Random(7)
    posts = Posts()
    _organic(posts, rng)
    ring = _ring(posts, rng)
    ws = posts.workspace(tmp_path_factory.mktemp("planted"))
    yield ws, ring
    ws.close()


def test_ring_is_found_and_organic_accounts_are_not(planted):
    ws, ring = planted
    report = run_coordination(ws)
    assert report.campaigns == 1
    members = ws.sql(
        "SELECT account_id FROM campaign_accounts WHERE campaign_id = 'C001' ORDER BY 1"
    ).fetchall()
    assert [m for (m,) in members] == ring
    flagged = ws.sql(
        "SELECT count(*) FROM coordination_edges WHERE significant AND "
        "(source LIKE 'org%' OR target LIKE 'org%')"
    ).fetchall()[0][0]
    assert flagged == 0
    scores = dict(ws.sql("SELECT account_id, coordination_score FROM campaign_accounts").fetchall())
    assert all(scores[name] == 1.0 for name in ring)


def test_every_significant_edge_has_its_evidence(planted):
    ws, _ = planted
    run_coordination(ws)
    rows = ws.sql(
        """SELECT e.signal, e.source, e.target, e.k, count(v.post_source),
                  bool_and(ps.account_id = e.source AND pt.account_id = e.target),
                  max(v.dt_s)
           FROM coordination_edges e
           JOIN coordination_evidence v USING (signal, source, target)
           JOIN posts ps ON ps.post_id = v.post_source JOIN posts pt ON pt.post_id = v.post_target
           WHERE e.significant GROUP BY ALL"""
    ).fetchall()
    significant = ws.sql("SELECT count(*) FROM coordination_edges WHERE significant").fetchall()
    assert len(rows) == significant[0][0] == 10  # the 5-account ring's pairs
    for signal, _source, _target, k, n, owned, max_dt in rows:
        assert signal == "co_reshare" and n >= k >= 2 and owned and max_dt <= 60


def test_window_is_sliding_not_binned(tmp_path):
    posts = Posts()
    # 59 s apart across a minute boundary: paired; 61 s apart: not.
    posts.add("a", 59, retweet_of="x")
    posts.add("b", 118, retweet_of="x")
    posts.add("c", 300, retweet_of="y")
    posts.add("d", 361, retweet_of="y")
    ws = posts.workspace(tmp_path)
    pairs = raw_pairs(ws.con, "co_reshare", 60)
    assert list(zip(pairs["source"].to_pylist(), pairs["target"].to_pylist(), strict=True)) == [
        ("a", "b")
    ]
    wider = raw_pairs(ws.con, "co_reshare", 61)
    assert wider.num_rows == 2


def test_popular_objects_are_capped(tmp_path):
    posts = Posts()
    for n in range(12):
        posts.add(f"fan{n:02d}", n, retweet_of="viral")
    ws = posts.workspace(tmp_path)
    assert raw_pairs(ws.con, "co_reshare", 60).num_rows == 66
    assert raw_pairs(ws.con, "co_reshare", 60, max_object_accounts=10).num_rows == 0


@pytest.mark.parametrize("signal", [s.name for s in SIGNALS])
def test_signal_contract(signal, tmp_path):
    """Every signal: runs on empty and on real-shaped input, deterministically."""
    empty = Workspace(memory=True)
    config = CoordinationConfig(signals=(signal,))
    assert detect_coordination(empty.con, config)[0].pairs == 0
    posts = Posts()
    rng = random.Random(3)
    for n in range(40):
        tags = ["vote", "fraud"] if n % 2 else ["vote"]
        posts.add(
            f"u{n % 8}",
            n * 20,
            f"Polls close at 8pm, vote #vote @cnn https://x.org/{n % 3}",
            tags=tags,
            urls=[f"https://x.org/{n % 3}"],
        )
        posts.add(f"u{n % 8}", n * 20 + rng.uniform(0, 5), retweet_of=f"p{n % 4}")
    ws = posts.workspace(tmp_path)
    first = detect_coordination(ws.con, config)
    edges_first = ws.sql("SELECT * FROM coordination_edges ORDER BY ALL").fetchall()
    second = detect_coordination(ws.con, config)
    assert [(s.pairs, s.significant) for s in first] == [(s.pairs, s.significant) for s in second]
    assert ws.sql("SELECT * FROM coordination_edges ORDER BY ALL").fetchall() == edges_first
    columns = [c[0] for c in ws.sql("DESCRIBE coordination_edges").fetchall()]
    assert columns[:3] == ["signal", "source", "target"] and "q_value" in columns
    assert ws.sql("SELECT count(*) FROM coordination_edges WHERE source >= target").fetchall() == [
        (0,)
    ]


def test_bad_options_are_input_errors():
    ws = Workspace(memory=True)
    with pytest.raises(InputError, match="unknown signal"):
        detect_coordination(ws.con, CoordinationConfig(signals=("co_nothing",)))
    with pytest.raises(InputError, match="fdr"):
        detect_coordination(ws.con, CoordinationConfig(fdr=1.5))
    with pytest.raises(InputError, match="window"):
        detect_coordination(ws.con, CoordinationConfig(windows={"co_link": -1}))
    with pytest.raises(InputError, match="null_model must be one of degree, timing, either"):
        detect_coordination(ws.con, CoordinationConfig(null_model="poisson"))
    assert "co_reshare" in BY_NAME


def test_poisson_p_values_match_scipy():
    k = np.array([1, 2, 5, 10])
    lam = np.array([0.5, 0.5, 2.0, 1.0])
    assert np.allclose(poisson_p_values(k, lam), poisson.sf(k - 1, lam))


def test_benjamini_hochberg_by_hand():
    p = np.array([0.01, 0.04, 0.03, 0.005])
    # 10 tests in all: q_(i) = min_{j>=i} p_(j) * 10 / j over the sorted p-values.
    expected = np.array([0.05, 0.1, 0.1, 0.05])
    assert np.allclose(benjamini_hochberg(p, 10), expected)


def test_expected_counts_scale_with_activity():
    degrees = np.array([10.0, 10.0, 1.0, 1.0])
    k = np.array([4])
    busy = expected_counts(k, np.array([10.0]), np.array([10.0]), degrees)
    quiet = expected_counts(k, np.array([1.0]), np.array([1.0]), degrees)
    assert busy[0] == pytest.approx(100 * quiet[0])
    # sum over pairs of d_a d_b = (22^2 - 202) / 2 = 141; rate = 4 / 141
    assert busy[0] == pytest.approx(100 * 4 / 141)


def test_minute_resolution_data_gets_a_window_note(tmp_path):
    posts = Posts()
    for n in range(6):
        posts.add(f"u{n}", n * 60, retweet_of="x")
    report = run_coordination(posts.workspace(tmp_path))
    assert any("whole minute" in note and "--window 300" in note for note in report.notes)
    seconds = Posts()
    seconds.add("a", 1, retweet_of="x")
    seconds.add("b", 5, retweet_of="x")
    assert run_coordination(seconds.workspace(tmp_path)).notes == []


def test_evidence_holds_every_post_pair_unless_capped(tmp_path):
    """A pair that co-reshared 30 posts has 30 evidence rows; a cap keeps the closest."""
    posts = Posts()
    for n in range(30):
        at = n * 3600.0
        posts.add("a", at, retweet_of=f"x{n}")
        posts.add("b", at + 5 + n % 7, retweet_of=f"x{n}")
    for other in range(20):  # background, so the pair stands out
        posts.add(f"o{other}", other * 7200.0 + 1800, retweet_of=f"y{other}")
    ws = posts.workspace(tmp_path)
    config = CoordinationConfig(signals=("co_reshare",))
    detect_coordination(ws.con, config)
    n_evidence = ws.sql("SELECT n_evidence FROM coordination_edges WHERE significant").fetchall()
    rows = ws.sql("SELECT count(*) FROM coordination_evidence").fetchall()[0][0]
    assert n_evidence == [(30,)] and rows == 30
    detect_coordination(ws.con, CoordinationConfig(signals=("co_reshare",), evidence_per_edge=3))
    closest = ws.sql("SELECT dt_s FROM coordination_evidence ORDER BY dt_s").fetchall()
    assert closest == [(5.0,), (5.0,), (5.0,)]
    with pytest.raises(InputError, match="evidence_per_edge must be at least 1"):
        detect_coordination(ws.con, CoordinationConfig(evidence_per_edge=0))


def test_objects_over_the_cap_are_reported(planted):
    ws, _ = planted
    report = run_coordination(ws, CoordinationConfig(max_object_accounts=5))
    capped = {s.signal: s.capped_objects for s in report.signals}
    assert capped["co_reshare"] > 0 and capped["fast_reshare"] == 0
    assert any(
        note.startswith(f"co_reshare: {capped['co_reshare']:,} objects used by more than 5 ")
        for note in report.notes
    )
    assert not any("objects used by more" in n for n in run_coordination(ws).notes)
