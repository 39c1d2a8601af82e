"""CooRTweet's simulator and its grid: the dense case the timing null exists for.

The full grid (35 sets, several draws) and its figures are in
benchmarks/eval_coortweet_grid.py; here a few sets that separate the null models.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from infoops import Workspace
from infoops.cli import app
from infoops.detectors.coordination import CoordinationConfig, detect_coordination, raw_pairs
from infoops.simulate import CoorSet, coortweet_grid, simulate_coortweet

TWO_OBJECTS = CoorSet(5, 5, n_objects=2)  # every coordinated account uses both objects
MANY_COORDINATED = CoorSet(12, 6)  # two accounts in three are coordinated


def _flagged(params: CoorSet, null_model: str, seed: int = 24) -> tuple[set[str], set[str]]:
    posts, coordinated = simulate_coortweet(params, seed=seed)
    with Workspace(memory=True) as ws:
        ws.ingest_table(posts, "coortweet")
        config = CoordinationConfig(
            signals=("co_link",), windows={"co_link": params.time_window}, null_model=null_model
        )
        detect_coordination(ws.con, config)
        rows = ws.sql("SELECT source, target FROM coordination_edges WHERE significant")
        return {a for row in rows.fetchall() for a in row}, coordinated


def test_grid_is_coortweets_35_sets():
    grid = coortweet_grid()
    assert len(grid) == 35
    assert grid[0] == CoorSet() and grid[1] == CoorSet(50, 100, 100, 3, 100)
    assert [s.time_window for s in grid[-6:]] == [1, 21, 41, 61, 81, 101]
    assert coortweet_grid(1) == grid and coortweet_grid(2) != grid


def test_simulator_keeps_coortweets_ground_truth():
    """Coordinated shares are at most a window apart, organic ones always more."""
    posts, coordinated = simulate_coortweet(CoorSet(), seed=3)
    assert coordinated == {f"account_{i:04d}" for i in range(1, 6)}
    assert len(set(posts.column("post_id").to_pylist())) == posts.num_rows
    with Workspace(memory=True) as ws:
        ws.ingest_table(posts, "coortweet")
        pairs = raw_pairs(ws.con, "co_link", 10).to_pylist()
    assert {(p["source"], p["target"]) for p in pairs} == {
        (a, b) for a in coordinated for b in coordinated if a < b
    }
    assert min(p["n_evidence"] for p in pairs) >= CoorSet().min_participation
    with pytest.raises(ValueError, match="n_objects"):
        simulate_coortweet(CoorSet(n_objects=0))


@pytest.mark.parametrize("params", [TWO_OBJECTS, MANY_COORDINATED], ids=["2-objects", "12-of-18"])
def test_default_null_finds_every_coordinated_account_in_dense_sets(params):
    flagged, coordinated = _flagged(params, "either")
    assert flagged == coordinated


def test_degree_null_alone_misses_the_two_object_set():
    """Each pair shares both objects, as every other pair does: nothing stands out by count."""
    flagged, coordinated = _flagged(TWO_OBJECTS, "degree")
    assert len(flagged & coordinated) < len(coordinated)


def test_organic_only_sets_flag_nobody():
    for params in (CoorSet(0, 10), CoorSet(0, 12, n_objects=2), CoorSet(0, 8, time_window=61)):
        for null_model in ("either", "timing"):
            assert _flagged(params, null_model)[0] == set()


def test_cli_rejects_an_unknown_null_model(tmp_path):
    result = CliRunner().invoke(
        app, ["coordination", "-w", str(tmp_path / "ws.duckdb"), "--null-model", "poisson"]
    )
    assert result.exit_code == 1
    assert "null_model must be one of degree, timing, either, got 'poisson'" in result.output
