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
    rank_claims,
    read_claim_file,
    read_euvsdisinfo,
    stance,
)
from infoops.detectors.claims._catalogue import bundled_screen_vectors
from infoops.detectors.claims._index import FEATURES, screen_vectors
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


def test_article_reporting_the_ukraine_claim_is_found_but_not_a_match(shared_data, index):
    """news/000 calls it "a discredited theory ... alleging that Ukraine ... interfered":
    the claim is found, and the article reports it; it does not state it."""
    ws = Workspace(memory=True)
    ws.ingest([shared_data / "news"])
    match_claims(ws.con, index=index)
    found = ws.sql(
        "SELECT stance, status, evidence FROM claim_matches WHERE claim_id = ?",
        params=[UKRAINE_CASE],
    ).fetchall()
    assert found, "the Ukraine case is not among any sentence's candidates"
    assert {row[0] for row in found} <= {"reports", "refutes"}, found
    assert all(row[1] not in ("match", "suggested") for row in found)
    assert any("Ukraine" in row[2] for row in found)


def test_seed_article_sentence_does_not_match_the_claim_it_contradicts(shared_data, index):
    """ "Russia interfered in the 2016 election" is the opposite of "no evidence that
    Russia interfered": never a match."""
    ws = Workspace(memory=True)
    ws.ingest([shared_data / "news"])
    match_claims(ws.con, index=index)
    rows = ws.sql(
        """SELECT m.status, k.claim FROM claim_matches m JOIN claim_catalogue k USING (claim_id)
           WHERE m.evidence LIKE '%consensus that Russia interfered in the 2016 election%'"""
    ).fetchall()
    denials = [r for r in rows if "not" in r[1].lower() or "no evidence" in r[1].lower()]
    assert all(status == "refutes" for status, _ in denials), denials


def test_ranked_candidates_put_the_stated_claim_first(index):
    texts = [
        "Ukraine, not Russia, interfered in the US elections in 2016. Wake up people",
        "MH17 was shot down by a Ukrainian fighter jet, not by a Russian Buk missile",
    ]
    found = rank_claims(index, texts, top=5)
    claims = index.claims.column("claim").to_pylist()
    for text, candidates in zip(texts, found, strict=True):
        assert [c.rank for c in candidates] == list(range(1, len(candidates) + 1))
        probabilities = [c.probability for c in candidates]
        assert probabilities == sorted(probabilities, reverse=True)
        best = claims[candidates[0].claim].lower()
        assert ("interfer" in best and "elect" in best) or "mh17" in best, (text, best)


def test_features_are_finite_and_named(index):
    pairs = index.pairs(["Sanctions against Russia hurt the EU more than Russia", "ok"])
    assert pairs.features.shape[1] == len(FEATURES)
    assert np.isfinite(pairs.features).all()
    assert set(pairs.text.tolist()) <= {0, 1}


def test_stance_of_clear_cases():
    claim = "No evidence that Russia interfered in the US elections"
    assert stance("Russia interfered in the 2016 election.", claim).stance == "refutes"
    assert stance("There is no evidence Russia interfered in our election", claim).stance == (
        "asserts"
    )
    reported = stance(
        "Lavrov claimed there were no facts that would support allegations of interference",
        claim,
    )
    assert reported.stance == "reports" and reported.cue
    plain = "Ukraine interfered in US elections"
    assert stance("Fact check: it is false that Ukraine interfered in 2016", plain).stance == (
        "refutes"
    )
    assert stance("Ukraine interfered in the 2016 US election, everyone knows", plain).stance == (
        "asserts"
    )
    # An embedded tweet's signature names its author, not a source it reports.
    signed = "Ukraine interfered in the 2016 election — Jane Doe (@jane) May 3, 2020"
    assert stance(signed, plain).stance == "asserts"


def test_shipped_claim_vectors_are_what_the_matcher_computes(index):
    sample = index.claims.take([0, 4321, index.claims.num_rows - 1])
    fresh = screen_vectors(sample, index.encoder)
    shipped = index.vectors[[0, 4321, index.claims.num_rows - 1]]
    assert np.abs(fresh - shipped).max() < 0.001  # float16 storage
    changed = index.claims.slice(0, 5).set_column(
        1, "claim", pa.array(["Something else entirely"] * 5)
    )
    assert bundled_screen_vectors(changed) is None


def test_checkthat_catalogue_loads_as_it_is(shared_data):
    claims = read_claim_file(shared_data / "checkthat2022" / "vclaims.csv.gz")
    assert claims.num_rows == 14_231
    first = claims.to_pylist()[0]
    assert first["claim_id"].startswith("vclaim-sno-") and first["claim"]
    assert first["context"] and first["date"][:2] in ("19", "20")


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
    assert "1 distinct text asserts a known false claim (1 at 'match'" in said
    searched = bundled_claims().num_rows + 1  # the one added
    assert f"1 different claim of the {searched:,} known false claims searched" in said
    assert "Leads to confirm by hand" in said
    rows = (tmp_path / "o" / "claim_matches.csv").read_text().splitlines()
    assert rows[0].startswith("status,score,rank,stance,stance_cue,kind,post_id,account_id")
    mine = [r for r in rows if "https://fc.example/1" in r]
    assert len(mine) == 1 and mine[0].startswith("match,") and ",a1," in mine[0]
    assert not any(",a2," in r for r in rows)


def test_stored_claim_vectors_are_reused_only_when_made_the_same_way(monkeypatch):
    from types import SimpleNamespace

    from infoops.detectors.claims import _claims

    claims = bundled_claims().slice(0, 50)
    made = SimpleNamespace(claims=claims, vectors=np.full((50, 512), 0.5, np.float32))
    monkeypatch.setattr(_claims, "ClaimIndex", lambda claims, **given: given)
    ws = Workspace(memory=True)
    ws.con.register("made", _claims._with_vectors(made))
    ws.con.execute("CREATE TABLE claim_catalogue AS SELECT * FROM made")
    reused = _claims._cached_index(ws.con, claims)
    assert reused["vectors"].shape == (50, 512) and np.all(reused["vectors"] == 0.5)
    assert _claims._cached_index(ws.con, bundled_claims().slice(0, 49)) == {}  # other claims
    # Vectors of an older infoops (no recipe, or another one) are encoded again.
    ws.con.execute("UPDATE claim_catalogue SET vectors_recipe = 'use: text'")
    assert _claims._cached_index(ws.con, claims) == {}
    ws.con.execute("ALTER TABLE claim_catalogue DROP COLUMN vectors_recipe")
    assert _claims._cached_index(ws.con, claims) == {}


def test_checkthat_style_catalogue_added_and_matched_with_stance(tmp_path):
    """A fact-checker's catalogue in CheckThat!'s columns (compressed) is added as it is;
    a post stating its claim is a match, a post debunking it refutes it."""
    import gzip

    with gzip.open(tmp_path / "vclaims.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(
            "vclaim_id,vclaim,title,subtitle,page_url,date\n"
            "vclaim-1,Ballots in Maricopa County were printed with invisible ink to void votes.,"
            "Were Maricopa Ballots Printed With Invisible Ink?,A rumor spread after the count.,"
            ",12 November 2020\n"
            "vclaim-2,A video shows a shark swimming on a flooded highway in Houston.,"
            "Shark on a Houston Highway?,An old photoshopped picture.,,28 August 2017\n"
        )
    posts = Posts()
    posts.add("a1", 0, "Maricopa county printed ballots with invisible ink so our votes get "
                       "voided, share before they delete this")  # fmt: skip
    posts.add("a2", 60, "Fact check: false, Maricopa ballots were not printed with invisible "
                        "ink, officials say the rumor is baseless")  # fmt: skip
    ws = posts.workspace(tmp_path)
    path = tmp_path / "case.duckdb"
    ws.con.execute(f"ATTACH '{path}' AS disk; COPY FROM DATABASE memory TO disk; DETACH disk")
    ws.close()
    runner = CliRunner()
    added = runner.invoke(app, ["claims", "add", str(tmp_path / "vclaims.csv.gz"), "-w", str(path)])
    assert added.exit_code == 0 and "2 claims read" in added.output, added.output
    done = runner.invoke(app, ["claims", "match", "-w", str(path), "--out", str(tmp_path / "o")])
    assert done.exit_code == 0, done.output
    with Workspace(path) as ws:
        rows = dict(ws.sql(
            """SELECT p.account_id, m.stance FROM claim_matches m JOIN posts p USING (text_key)
               WHERE m.claim_id = 'vclaim-1'"""
        ).fetchall())  # fmt: skip
    assert rows.get("a1") == "asserts" and rows.get("a2") == "refutes", rows


def test_cli_search_prints_ranked_claims_with_stance():
    done = CliRunner().invoke(app, ["claims", "search", "Ukraine interfered in the US elections",
                                    "--top", "3"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "asserts" in done.output and "Ukraine" in done.output
