"""End to end on simulated data with known ground truth: planted groups found, organic spared."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from infoops import Workspace
from infoops.cli import app
from infoops.pipeline import run_coordination
from infoops.simulate import simulate


@pytest.fixture(scope="module", params=[True, False], ids=["planted", "organic"])
def detected(request):
    sim = simulate(150_000, seed=5, planted=request.param)
    ws = Workspace(memory=True)
    report = ws.ingest_table(sim.posts, "simulation")
    assert report.posts_added == sim.posts.num_rows and report.quarantined == 0
    run_coordination(ws)
    flagged = {
        a
        for (a,) in ws.sql(
            "SELECT account_id FROM campaign_accounts WHERE campaign_id IS NOT NULL"
        ).fetchall()
    }
    active = {a for (a,) in ws.sql("SELECT DISTINCT account_id FROM posts").fetchall()}
    planted = {
        a
        for a, g in zip(sim.truth["account_id"].to_pylist(), sim.truth["group_id"].to_pylist(),
                        strict=True)
        if g and a in active
    }  # fmt: skip
    yield request.param, flagged, planted, ws
    ws.close()


def test_planted_groups_are_found_and_organic_accounts_are_not(detected):
    planted_run, flagged, planted, _ = detected
    if planted_run:
        hits = flagged & planted
        assert len(hits) / len(flagged) >= 0.95  # precision
        assert len(hits) / len(planted) >= 0.90  # recall
    else:
        assert planted == set() and flagged == set()


def test_each_campaign_is_mostly_one_planted_group(detected):
    planted_run, _, _, ws = detected
    if not planted_run:
        pytest.skip("no campaigns in organic data")
    sizes = ws.sql(
        "SELECT campaign_id, count(*) FROM campaign_accounts WHERE campaign_id IS NOT NULL "
        "GROUP BY 1"
    ).fetchall()
    assert len(sizes) >= 4 and all(n >= 3 for _, n in sizes)


def test_run_command_writes_every_coordination_output(tmp_path):
    """The command a new user runs first, without the content stages (each has its own
    tests): planted accounts in campaigns, every file consistent with the others."""
    runner = CliRunner()
    sample = tmp_path / "sample"
    done = runner.invoke(app, ["simulate", "--posts", "8000", "--out", str(sample)])
    assert done.exit_code == 0, done.output
    out = tmp_path / "results"
    events = tmp_path / "events.jsonl"
    command = ["run", str(sample / "posts.csv.gz"), "--out", str(out), "--no-content"]
    done = runner.invoke(app, [*command, "--events", str(events)])
    assert done.exit_code == 0, done.output
    logged = [json.loads(line) for line in events.read_text().splitlines()]
    assert [e["stage"] for e in logged if e["status"] == "skipped"] == [
        "integrity", "claims", "narratives", "statements", "laundering",
    ]  # fmt: skip
    with open(out / "accounts.csv", newline="") as f:
        accounts = list(csv.DictReader(f))
    assert list(accounts[0]) == [
        "account_id", "account_name", "campaign_id", "coordination_score", "top_signals",
        "n_posts", "n_coordinated_posts",
    ]  # fmt: skip
    in_campaigns = {a["account_id"] for a in accounts if a["campaign_id"]}
    with open(sample / "posts_truth.csv", newline="") as f:
        truth = {row["account_id"]: row["group_id"] for row in csv.DictReader(f)}
    assert in_campaigns and all(truth[a] for a in in_campaigns)
    with open(out / "edges.csv", newline="") as f:
        edges = list(csv.DictReader(f))
    assert {"source", "target", "signal", "weight", "p_value", "q_value", "n_evidence"} <= set(
        edges[0]
    )
    assert all(float(e["q_value"]) <= 0.05 for e in edges)
    with open(out / "evidence.csv", newline="") as f:
        evidence = list(csv.DictReader(f))
    edge_keys = {(e["signal"], e["source"], e["target"]) for e in edges}
    assert {(v["signal"], v["source"], v["target"]) for v in evidence} == edge_keys
    graph = ET.parse(out / "network.gexf").getroot()
    ns = {"g": "http://gexf.net/1.3"}
    nodes = graph.findall(".//g:node", ns)
    assert {n.get("id") for n in nodes} >= in_campaigns
    assert len(graph.findall(".//g:edge", ns)) > 0
    assert (out / "actors.csv").exists() and (out / "briefing.html").exists()
    for name in ("narratives.csv", "claim_matches.csv", "integrity_tags.csv"):
        assert not (out / name).exists(), name  # --no-content
    campaigns = json.loads((out / "campaigns.json").read_text())["campaigns"]
    assert {c["campaign_id"] for c in campaigns} == {a["campaign_id"] for a in accounts} - {""}


def test_ingest_table_is_idempotent():
    sim = simulate(5_000, seed=1)
    ws = Workspace(memory=True)
    first = ws.ingest_table(sim.posts.to_pandas(), "frame")
    again = ws.ingest_table(sim.posts.to_pandas(), "frame")
    assert first.posts_added == 5_000 and again.skipped
    assert ws.sql("SELECT count(*) FROM posts").fetchall() == [(5_000,)]
