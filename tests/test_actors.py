"""The state-media registry and the posts that amplify state media."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from builders import Posts
from typer.testing import CliRunner

from infoops.cli import app
from infoops.detectors.actors import (
    account_state_media,
    bundled_registry,
    match_state_media,
    read_matrix,
    with_supplement,
)
from infoops.errors import InputError
from infoops.report import write_actors

MATRIX = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "state_media"


def _identifiers(kind: str) -> dict[str, tuple[str, str]]:
    table = bundled_registry()
    return {
        row["identifier"]: (row["country"], row["outlet"])
        for row in table.to_pylist()
        if row["kind"] == kind
    }


def test_bundled_registry_has_real_outlets_domains_and_handles():
    domains = _identifiers("domain")
    assert domains["rt.com"] == ("Russia", "RT")
    assert domains["de.rt.com"][0] == "Russia"
    assert domains["cgtn.com"][0] == "China"
    assert "youtube.com" not in domains and "facebook.com" not in domains
    twitter = _identifiers("twitter")
    assert twitter["rt"][0] == "Russia"
    # The supplement: main accounts the Matrix lacks; no handle X could not have.
    assert twitter["rt_com"] == ("Russia", "RT") and twitter["sputnikint"][0] == "Russia"
    assert twitter["xhnews"][0] == "China" and twitter["presstv"][0] == "Iran"
    assert all(re.fullmatch(r"[a-z0-9_]{1,15}", name) for name in twitter)


def test_bundled_registry_is_the_matrix_rebuilt():
    if not (MATRIX / "State_Media_Matrix.csv").exists():
        pytest.skip("../shared/data/state_media is absent")
    rebuilt = with_supplement(read_matrix(MATRIX / "State_Media_Matrix.csv"))
    assert rebuilt.equals(bundled_registry())


def test_a_file_that_is_not_the_matrix_is_an_input_error(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,url\nX,https://x.org\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing columns"):
        read_matrix(path)


def test_links_mentions_and_subdomains_match_state_media(tmp_path):
    posts = Posts()
    posts.add("amplifier", 0, "read https://www.rt.com/news/1 now",
              urls=["https://www.rt.com/news/1"])  # fmt: skip
    posts.add("amplifier", 10, "auf Deutsch https://de.rt.com/a", urls=["https://de.rt.com/a"])
    posts.add("amplifier", 20, "see @RT today")
    posts.add("amplifier", 30, "nothing to see https://example.org/", urls=["https://example.org/"])
    posts.add(
        "bystander", 40, "the weather is nice https://smart.com/", urls=["https://smart.com/"]
    )
    ws = posts.workspace(tmp_path)
    assert match_state_media(ws.con) == 3
    rows = ws.sql("SELECT via, identifier, country FROM state_media_posts ORDER BY ALL").fetchall()
    assert rows == [
        ("link", "de.rt.com", "Russia"),
        ("link", "rt.com", "Russia"),
        ("mention", "rt", "Russia"),
    ]
    # account, country, posts, share of its posts, by link / mention / reshare, outlets
    assert account_state_media(ws.con).fetchall() == [
        ("amplifier", "Russia", 3, 0.75, 2, 1, 0, "RT")
    ]


def test_cli_update_and_match_write_actors_csv(tmp_path):
    posts = Posts()
    posts.add(
        "amplifier", 0, "read https://news.example.net/1", urls=["https://news.example.net/1"]
    )
    posts.add("amplifier", 10, "nothing here")
    posts.workspace(tmp_path).close()  # checks the CSV ingests; the CLI uses its own file
    csv_path = tmp_path / "posts.csv"
    matrix = tmp_path / "matrix.csv"
    matrix.write_text(
        "Region,Country,Media company,Main assets,URL,Typology,Twitter Link\n"
        "Europe,Examplia,Example Media,Example News,https://www.example.net/,SC,\n",
        encoding="utf-8",
    )
    ws, out = tmp_path / "ws.duckdb", tmp_path / "out"
    runner = CliRunner()
    for args in (["ingest", str(csv_path), "-w", str(ws)],
                 ["actors", "update", str(matrix), "-w", str(ws)],
                 ["actors", "match", "-w", str(ws), "--out", str(out)]):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    with open(out / "actors.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["account_id"], r["country"], r["posts"], r["share"]) for r in rows] == [
        ("amplifier", "Examplia", "1", "0.5")
    ]
    bad = runner.invoke(app, ["actors", "update", str(csv_path), "-w", str(ws)])
    assert bad.exit_code == 1 and "missing columns" in bad.output


def test_campaign_share_of_state_media_amplification(tmp_path):
    posts = Posts()
    posts.add("m1", 0, "read https://www.rt.com/news/1", urls=["https://www.rt.com/news/1"])
    posts.add("m1", 10, "and https://sputniknews.com/a", urls=["https://sputniknews.com/a"])
    posts.add("m2", 20, "my lunch today")
    posts.add("m2", 30, "see https://www.cgtn.com/x", urls=["https://www.cgtn.com/x"])
    posts.add("outsider", 40, "read https://www.rt.com/news/2", urls=["https://www.rt.com/news/2"])
    ws = posts.workspace(tmp_path)
    ws.con.execute(
        """CREATE TABLE campaign_accounts AS SELECT * FROM (VALUES
           ('m1', 'C001'), ('m2', 'C001'), ('outsider', NULL)) t(account_id, campaign_id)"""
    )
    match_state_media(ws.con)
    account_state_media(ws.con).create("account_state_media")
    files = write_actors(ws.con, tmp_path / "out")
    assert files["campaign_actors.csv"] == 2
    with open(tmp_path / "out" / "campaign_actors.csv", encoding="utf-8") as handle:
        rows = [(r["campaign_id"], r["country"], r["posts"], r["share"], r["accounts_amplifying"])
                for r in csv.DictReader(handle)]  # fmt: skip
    # C001 posted 4 times: 2 amplify Russian state media (one account), 1 Chinese.
    assert rows == [("C001", "Russia", "2", "0.5", "1"), ("C001", "China", "1", "0.25", "1")]
