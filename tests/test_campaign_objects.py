"""Campaign objects: confidence rules, DISARM techniques and campaigns.json on planted groups."""

from __future__ import annotations

import json

import pytest

from infoops import Workspace
from infoops.campaigns._objects import assessment, confidence
from infoops.detectors.claims import STREAM_PRECISION
from infoops.pipeline import run_coordination
from infoops.report import write_campaigns
from infoops.simulate import simulate


@pytest.mark.parametrize(
    ("families", "accounts", "degree", "level"),
    [
        ({"resharing": 9, "text": 4}, 12, 4, "high"),
        ({"resharing": 9, "text": 4}, 300, 3, "high"),  # large but tight
        ({"resharing": 9, "text": 4}, 12, 1, "moderate"),  # two kinds, a chain
        ({"resharing": 9, "text": 4}, 4, 3, "moderate"),  # two kinds, few accounts
        ({"links": 20}, 8, 5, "moderate"),  # one kind, tight
        ({"links": 20}, 40, 2, "low"),  # one kind, loose
        ({"hashtags": 3}, 3, 2, "low"),  # one kind, too few accounts
    ],
)
def test_confidence_follows_the_documented_rules(families, accounts, degree, level):
    found, reasons = confidence(families, accounts, degree)
    assert found == level
    assert any(f"{accounts} accounts" == r for r in reasons)
    assert any(f"median of {degree:g} others" in r for r in reasons)


def test_campaigns_json_describes_planted_groups(tmp_path):
    sim = simulate(20_000, seed=3)
    ws = Workspace(memory=True)
    ws.ingest_table(sim.posts, "simulation")
    run_coordination(ws)
    write_campaigns(ws.con, tmp_path)
    first = (tmp_path / "campaigns.json").read_bytes()
    write_campaigns(ws.con, tmp_path)
    assert (tmp_path / "campaigns.json").read_bytes() == first  # deterministic
    campaigns = json.loads(first)["campaigns"]
    assert len(campaigns) >= 3
    truth = dict(zip(sim.truth["account_id"].to_pylist(), sim.truth["group_id"].to_pylist(),
                     strict=True))  # fmt: skip
    for campaign in campaigns:
        assert campaign["confidence"]["level"] in {"low", "moderate", "high"}
        assert campaign["assessment"].startswith(
            f"We assess with {campaign['confidence']['level']} confidence"
        )
        assert "not of who runs the accounts" in campaign["assessment"]
        assert sum(campaign["timeline"].values()) == campaign["posts"]
        assert all(truth[a["account_id"]] for a in campaign["top_accounts"])  # planted accounts
        for evidence in campaign["example_evidence"]:
            assert evidence["signal"] in campaign["signals"] and evidence["q_value"] <= 0.05
        for technique in campaign["disarm"]:
            assert technique["id"].startswith("T0") and technique["evidence"]


def test_claim_matches_read_as_leads_not_findings():
    """On a real stream most claim matches only share the claim's subject (docs: Limits), so
    the assessment says 'match', unconfirmed, with the reviewed share, never 'state'."""
    obj = {
        "confidence": {"level": "moderate"},
        "accounts": 12,
        "first_post": "2016-10-01",
        "last_post": "2016-11-08",
        "signal_families": {"resharing": 9},
        "state_media": [],
        "claims": [{"posts_matched": 7}, {"posts_matched": 3}],
        "integrity": {},
    }
    sentence = assessment(obj)
    assert "10 posts match known false claims (unconfirmed" in sentence
    assert f"{STREAM_PRECISION['match']:.0%} of such matches" in sentence
    assert "state known false claims" not in sentence
    assert sentence.startswith("We assess with moderate confidence that these 12 accounts")
