"""Known false claims: the bundled catalogue, user catalogues, and matching quality."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest
from builders import Posts
from typer.testing import CliRunner

from infoops import Workspace
from infoops.cli import app
from infoops.detectors.claims import (
    ClaimIndex,
    bundled_claims,
    match_claims,
    read_claim_file,
    read_euvsdisinfo,
)
from infoops.detectors.claims._catalogue import bundled_claim_vectors, bundled_screen_vectors
from infoops.detectors.claims._claims import meaning_vectors, screen_vectors
from infoops.errors import InputError

UKRAINE_CASE = "https://euvsdisinfo.eu/report/ukraine-interfered-in-us-elections/"


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex(bundled_claims())


def test_bundled_catalogue_has_real_cases_with_their_links():
    claims = {r["claim_id"]: r for r in bundled_claims().to_pylist()}
    assert len(claims) > 10_000
    case = claims[UKRAINE_CASE]
    assert case["claim"] == "Ukraine interfered in US elections"
    assert case["date"] == "2019-09-27" and case["catalogue"] == "euvsdisinfo"


def test_bundled_catalogue_is_the_database_rebuilt(shared_data):
    assert read_euvsdisinfo(shared_data / "euvsdisinfo" / "posts.csv").equals(bundled_claims())


def test_user_catalogues_in_three_formats(tmp_path):
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text(
        "Claim,URL,rating\nThe vote count was changed by satellites,https://fc.example/1,False\n"
    )
    review = tmp_path / "review.json"
    review.write_text(json.dumps({
        "@type": "ClaimReview", "claimReviewed": "Ballots were printed in Bavaria",
        "url": "https://fc.example/2", "datePublished": "2024-10-02T10:00:00Z",
        "reviewRating": {"alternateName": "Fake"},
    }))  # fmt: skip
    api = tmp_path / "api.jsonl"
    api.write_text(json.dumps({"claims": [{"text": "Postal votes arrive late on purpose",
        "claimReview": [{"url": "https://fc.example/3", "textualRating": "Misleading",
                         "languageCode": "en", "reviewDate": "2024-09-30"}]}]}) + "\n")  # fmt: skip
    rows = [read_claim_file(p).to_pylist()[0] for p in (csv_file, review, api)]
    assert [r["claim"] for r in rows] == [
        "The vote count was changed by satellites",
        "Ballots were printed in Bavaria",
        "Postal votes arrive late on purpose",
    ]
    assert [r["rating"] for r in rows] == ["False", "Fake", "Misleading"]
    assert rows[1]["date"] == "2024-10-02" and rows[2]["languages"] == "en"


def test_unusable_catalogue_names_file_and_line(tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name,score\nx,1\n")
    with pytest.raises(InputError, match="wrong.csv.*claim column"):
        read_claim_file(wrong)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"claimReviewed": "a", "url": "u"}\n{not json\n')
    with pytest.raises(InputError, match="broken.jsonl, line 2"):
        read_claim_file(broken)


def test_article_stating_the_ukraine_claim_matches_its_case(shared_data, index):
    ws = Workspace(memory=True)
    ws.ingest([shared_data / "news"])
    match_claims(ws.con, index=index)
    found = ws.sql(
        "SELECT status, score, evidence FROM claim_matches WHERE claim_id = ?",
        params=[UKRAINE_CASE],
    ).fetchall()
    assert found and found[0][0] == "match", found
    assert "Ukraine" in found[0][2]


def test_shipped_claim_vectors_are_what_the_matcher_computes(index):
    sample = index.claims.take([0, 4321, index.claims.num_rows - 1])
    fresh = meaning_vectors(sample, index.meaning_encoder)
    shipped = index.meanings[[0, 4321, index.claims.num_rows - 1]]
    assert np.abs(fresh - shipped).max() < 0.005  # int8 storage
    fresh = screen_vectors(sample, index.encoder)
    shipped = index.vectors[[0, 4321, index.claims.num_rows - 1]]
    assert np.abs(fresh - shipped).max() < 0.001  # float16 storage
    changed = index.claims.slice(0, 5).set_column(
        1, "claim", pa.array(["Something else entirely"] * 5)
    )
    assert bundled_claim_vectors(changed) is None
    assert bundled_screen_vectors(changed) is None


def test_cli_adds_a_fact_check_and_matches_posts(tmp_path):
    posts = Posts()
    posts.add("a1", 0, "Satellites were used to change the vote count in Ohio, wake up")
    posts.add("a2", 60, "Lovely weather for a walk by the river this afternoon with the kids")
    ws = posts.workspace(tmp_path)
    path = tmp_path / "case.duckdb"
    ws.con.execute(f"ATTACH '{path}' AS disk; COPY FROM DATABASE memory TO disk; DETACH disk")
    ws.close()
    (tmp_path / "mine.csv").write_text(
        "claim,url\nThe vote count was changed by satellites,https://fc.example/1\n"
    )
    runner = CliRunner()
    added = runner.invoke(app, ["claims", "add", str(tmp_path / "mine.csv"), "-w", str(path)])
    assert added.exit_code == 0, added.output
    done = runner.invoke(app, ["claims", "match", "-w", str(path), "--out", str(tmp_path / "o")])
    assert done.exit_code == 0, done.output
    # Reported as leads, not as texts that state the claim.
    said = " ".join(done.output.split())
    assert "1 distinct text(s) match one of 1 known false claim(s) (1 at 'match'" in said
    assert "leads to confirm by hand" in said and " state " not in said
    rows = (tmp_path / "o" / "claim_matches.csv").read_text().splitlines()
    assert rows[0].startswith("status,score,kind,post_id,account_id")
    mine = [r for r in rows if "https://fc.example/1" in r]
    assert len(mine) == 1 and mine[0].startswith("match,") and ",a1," in mine[0]
    assert not any(",a2," in r for r in rows)


def test_stored_claim_vectors_are_reused_only_when_made_the_same_way(monkeypatch):
    from types import SimpleNamespace

    from infoops.detectors.claims import _claims

    claims = bundled_claims().slice(0, 50)
    made = SimpleNamespace(claims=claims, vectors=np.full((50, 512), 0.5, np.float32),
                           meanings=np.full((50, 384), 0.25, np.float32))  # fmt: skip
    monkeypatch.setattr(_claims, "ClaimIndex", lambda claims, **given: given)
    ws = Workspace(memory=True)
    ws.con.register("made", _claims._with_vectors(made))
    ws.con.execute("CREATE TABLE claim_catalogue AS SELECT * FROM made")
    reused = _claims._cached_index(ws.con, claims)

    def encoded(claims) -> bool:  # no stored vectors given: the index encodes them
        return set(_claims._cached_index(ws.con, claims)) == {"meaning_encoder"}

    assert reused["vectors"].shape == (50, 512) and np.all(reused["meanings"] == 0.25)
    assert encoded(bundled_claims().slice(0, 49))  # other claims
    # Vectors of an older infoops (no recipe, or another one) are encoded again.
    ws.con.execute("UPDATE claim_catalogue SET vectors_recipe = 'use: text'")
    assert encoded(claims)
    ws.con.execute("ALTER TABLE claim_catalogue DROP COLUMN vectors_recipe")
    assert encoded(claims)
