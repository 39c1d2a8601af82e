"""The dashboard's JSON API on a simulated workspace: every page's data, exports, runs,
the token, the host check, read-only access and clear errors for a bad workspace."""

from __future__ import annotations

import hashlib
import struct
import time
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from infoops import Workspace
from infoops.cli import app as cli
from infoops.dashboard import create_app
from infoops.errors import WorkspaceError
from infoops.pipeline import (
    run_actors,
    run_coordination,
    run_integrity,
    run_laundering,
    run_statements,
)
from infoops.simulate import simulate, write_io_csv

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> "
LOCAL = "http://127.0.0.1:8765"


CONFLICTING_ACCOUNTS = (
    "The White House said the two leaders discussed election security at length. "
    '"We have not discussed elections at all," Lavrov told reporters.'
)


def build_simulated(path: Path, hostile: bool = True) -> Path:
    """A workspace file as 'infoops run' leaves it (coordination, actors, integrity,
    laundering), plus a narrative and a known claim on the campaigns' posts; with
    ``hostile``, attacker-controlled markup in every text the dashboard shows."""
    sim = simulate(6_000, seed=3)
    with Workspace(path) as ws:
        ws.ingest_table(sim.posts, "simulation")
        ws.ingest([FIXTURES / "laundering_articles.jsonl"])
        run_coordination(ws)
        run_actors(ws)
        run_integrity(ws)
        run_laundering(ws)
        ws.con.execute(
            "INSERT INTO articles (article_id, text, lang, source_file, ingest_id) "
            "VALUES ('readout', ?, 'en', 'readout.txt', 1)",
            [CONFLICTING_ACCOUNTS],
        )
        run_statements(ws)
        _add_narrative_and_claim(ws.con)
        if hostile:
            _make_hostile(ws.con)
    return path


def _add_narrative_and_claim(con: duckdb.DuckDBPyConnection) -> None:
    """One narrative and one matched claim over campaign C001's posts (the real steps need
    minutes of embedding; these rows have the tables' real columns)."""
    members = "SELECT account_id FROM campaign_accounts WHERE campaign_id = 'C001'"
    con.execute(f"""CREATE TABLE text_narratives AS SELECT DISTINCT text_key, 1::BIGINT AS narrative,
                    0.8 AS similarity FROM posts WHERE account_id IN ({members})""")  # fmt: skip
    con.execute("""CREATE TABLE narrative_terms AS SELECT 1::BIGINT AS narrative,
                   'vote fraud' AS label, 'vote, fraud, mayor' AS key_terms, 'en' AS language,
                   'the vote was rigged | the mayor lied' AS examples,
                   0.7 AS cohesion, 0.2 AS npmi""")  # fmt: skip
    con.execute("""CREATE TABLE claim_catalogue AS SELECT 'https://euvsdisinfo.eu/report/x/' AS claim_id,
                   'The vote was rigged' AS claim, '2020-01-01' AS date,
                   'https://euvsdisinfo.eu/report/x/' AS url, 'euvsdisinfo' AS catalogue,
                   'disinformation' AS rating, 'US' AS countries, 'vote' AS keywords,
                   'en' AS languages, '' AS outlets, NULL::FLOAT[512] AS vector""")  # fmt: skip
    con.execute(f"""CREATE TABLE claim_matches AS SELECT 'post' AS kind, text_key,
                    NULL::VARCHAR AS article_id, 'rigged' AS evidence,
                    'https://euvsdisinfo.eu/report/x/' AS claim_id, 1 AS rank, 0.9 AS score,
                    'asserts' AS stance, '' AS stance_cue, 'match' AS status, 0.8 AS cosine,
                    0.7 AS coverage
                    FROM (SELECT DISTINCT text_key FROM posts WHERE account_id IN ({members})
                          ORDER BY text_key LIMIT 3)""")  # fmt: skip


def _make_hostile(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "UPDATE posts SET text = ? || coalesce(text, '') WHERE account_id IN "
        "(SELECT account_id FROM campaign_accounts WHERE campaign_id IS NOT NULL)",
        [HOSTILE],
    )
    first = "(SELECT min(account_id) FROM campaign_accounts WHERE campaign_id = 'C001')"
    for table in ("campaign_accounts", "posts", "accounts"):
        con.execute(f"UPDATE {table} SET account_name = ? WHERE account_id = {first}", [HOSTILE])
    con.execute("UPDATE narrative_terms SET label = ? || label, key_terms = ? || key_terms, "
                "examples = ? || examples", [HOSTILE, HOSTILE, HOSTILE])  # fmt: skip
    con.execute("UPDATE claim_catalogue SET claim = ? || claim", [HOSTILE])
    for table in ("articles", "laundering"):
        con.execute(f"UPDATE {table} SET title = ? || title", [HOSTILE])
    con.execute("UPDATE laundering_changes SET copy_sentence = ? || copy_sentence", [HOSTILE])
    con.execute("UPDATE statements SET speaker = ? || speaker, statement = ? || statement",
                [HOSTILE, HOSTILE])  # fmt: skip


@pytest.fixture(scope="module")
def sim_path(tmp_path_factory) -> Path:
    return build_simulated(tmp_path_factory.mktemp("dash") / "sim.duckdb")


@pytest.fixture(scope="module")
def client(sim_path, tmp_path_factory):
    app = create_app(sim_path, runs_dir=tmp_path_factory.mktemp("runs"), warm_caches=False)
    with TestClient(app, base_url=LOCAL) as test_client:
        yield test_client


def _json(client: TestClient, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:300])
    return response.json()


def test_campaign_list_with_search_and_filters(client):
    listed = _json(client, "/api/campaigns")
    assert listed["total"] == len(listed["campaigns"]) >= 3
    first = listed["campaigns"][0]
    assert {"campaign_id", "confidence", "accounts", "signals", "narratives", "timeline"} <= set(
        first
    )
    one = _json(client, f"/api/campaigns?q={first['campaign_id'].lower()}")["campaigns"]
    assert [c["campaign_id"] for c in one] == [first["campaign_id"]]
    assert _json(client, "/api/campaigns?q=fraud")["campaigns"][0]["campaign_id"] == "C001"
    assert _json(client, "/api/campaigns?q=no-such-thing-anywhere")["campaigns"] == []
    claims = _json(client, "/api/campaigns?flags=claims")["campaigns"]
    assert [c["campaign_id"] for c in claims] == ["C001"]
    level = first["confidence"]
    assert all(
        c["confidence"] == level
        for c in _json(client, f"/api/campaigns?confidence={level}")["campaigns"]
    )
    by_size = _json(client, "/api/campaigns?sort=accounts")["campaigns"]
    assert [c["accounts"] for c in by_size] == sorted(
        (c["accounts"] for c in by_size), reverse=True
    )


def test_campaign_detail_is_the_briefing_object_with_its_members(client):
    c = _json(client, "/api/campaigns/C001")
    assert c["assessment"].startswith("We assess with") and c["confidence"]["reasons"]
    assert len(c["members"]) == c["accounts"] and c["example_evidence"]
    assert c["narratives"][0]["narrative"] == 1 and c["claims"][0]["posts_matched"] == 3
    assert sum(_json(client, "/api/campaigns/C001/timeline").values()) == c["posts"]
    _json(client, "/api/campaigns/C999", 404)


def test_account_has_posts_edges_and_the_post_pairs_behind_each_edge(client):
    member = _json(client, "/api/campaigns/C001")["members"][0]["account_id"]
    a = _json(client, f"/api/accounts/{member}")
    assert (
        a["membership"]["campaign_id"] == "C001"
        and a["posts"]
        and a["post_count"] >= len(a["posts"])
    )
    edge = a["edges"][0]
    assert edge["significant"] and member in (edge["source"], edge["target"])
    assert edge["evidence"] and all(p["text_source"] and p["text_target"] for p in edge["evidence"])
    every = _json(client, f"/api/evidence?signal={edge['signal']}&source={edge['source']}"
                          f"&target={edge['target']}")  # fmt: skip
    # n_evidence counts every shared object; the workspace keeps every pair behind the edge.
    assert len(every) == edge["n_evidence"] >= len(edge["evidence"])
    assert len(_json(client, f"/api/accounts/{member}?limit=2&offset=1")["posts"]) == 2
    _json(client, "/api/accounts/nobody-at-all", 404)


def test_network_meta_and_binary_agree(client):
    meta = _json(client, "/api/network")
    body = client.get("/api/network.bin").content
    magic, nodes, edges, _ = struct.unpack("<4I", body[:16])
    assert (
        magic == 0x31474F49
        and nodes == meta["nodes"] == len(meta["ids"])
        and edges == meta["edges"]
    )
    assert len(body) == 16 + 4 * (4 * nodes + 3 * edges)
    campaign = _json(client, "/api/network?campaign=C001")
    members = {m["account_id"] for m in _json(client, "/api/campaigns/C001")["members"]}
    assert set(campaign["ids"]) == members and 0 < campaign["edges"] < edges
    assert _json(client, "/api/network?campaign=nope")["nodes"] == 0


def test_narrative_claim_and_laundering_pages(client):
    narratives = _json(client, "/api/narratives")
    assert narratives[0]["narrative"] == 1 and narratives[0]["posts"] > 0
    n = _json(client, "/api/narratives/1")
    assert (
        n["campaigns"][0]["campaign_id"] == "C001" and n["sample_posts"] and len(n["examples"]) == 2
    )
    assert sum(_json(client, "/api/narratives/1/timeline").values()) == n["posts"]
    _json(client, "/api/narratives/99", 404)
    claims = _json(client, "/api/claims")
    assert claims[0]["matched"] == 3
    claim = _json(client, f"/api/claim?id={claims[0]['claim_id']}")
    assert "vector" not in claim["claim"] and len(claim["posts"]) == 3
    found = _json(client, "/api/statements")
    denial = [c for c in found["conflicts"] if c["source_id_a"] == "readout"]
    assert len(denial) == 1 and denial[0]["speaker_b"].endswith("Lavrov")
    assert {s["speaker"].split(">")[-1].strip() for s in found["speakers"]} >= {
        "White House",
        "Lavrov",
    }
    groups = _json(client, "/api/laundering")
    assert groups[0]["translations"] == 2 and groups[0]["copies"] == 1
    article = _json(client, f"/api/articles/{groups[0]['origin_id']}")
    assert [s["role"] for s in article["chain"]][0] == "origin" and len(article["chain"]) == 4
    assert {c["change"] for c in article["changes"]} >= {"negation dropped", "numbers changed"}


def test_exports_match_the_report_writers(client):
    for name, marker in [("edges.csv", b"source,target,signal"), ("accounts.csv", b"account_id"),
                         ("evidence.csv", b"signal,source"), ("campaigns.csv", b"campaign_id"),
                         ("network.gexf", b"<gexf"), ("network.graphml", b"<graphml"),
                         ("campaigns.json", b'"campaigns"')]:  # fmt: skip
        response = client.get(f"/api/export/{name}")
        assert response.status_code == 200 and marker in response.content[:400], name
        assert "attachment" in response.headers["content-disposition"]
    briefing = client.get("/api/export/briefing.html?download=false")
    assert (
        b"We assess with" in briefing.content
        and "inline" in briefing.headers["content-disposition"]
    )
    assert briefing.headers["content-security-policy"].startswith("sandbox")
    assert (
        b"&lt;script&gt;alert(1)" in briefing.content
        and b"<script>alert(1)" not in briefing.content
    )
    _json(client, "/api/export/secrets.txt", 404)


def test_security_headers_and_no_inline_script(client):
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    scripts = [line for line in page.text.splitlines() if "<script" in line]
    assert scripts and all('src="/static/' in line for line in scripts)
    for path in ("/static/vendor/sigma.min.js", "/static/vendor/graphology.umd.min.js",
                 "/static/vendor/sigma.LICENSE.txt", "/static/js/main.js"):  # fmt: skip
        assert client.get(path).status_code == 200, path


def test_loopback_server_refuses_other_host_names_and_cross_site_writes(client):
    assert client.get("/api/summary", headers={"host": "evil.example"}).status_code == 400
    form = client.post("/api/runs", data={"inputs": "x"})
    assert form.status_code == 415
    foreign = client.post(
        "/api/runs", json={"inputs": ["x"]}, headers={"origin": "http://evil.example"}
    )
    assert foreign.status_code == 403


def test_token_is_required_on_every_request(sim_path):
    app = create_app(sim_path, token="s3cret-token", check_host=False, warm_caches=False)
    with TestClient(app, base_url="http://192.0.2.1:8765") as c:
        for path in ("/", "/api/summary", "/static/js/main.js", "/api/export/edges.csv"):
            assert c.get(path).status_code == 401, path
        assert c.get("/api/summary", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert (
            c.get("/api/summary", headers={"authorization": "Bearer s3cret-token"}).status_code
            == 200
        )
        first = c.get("/?token=s3cret-token")
        assert first.status_code == 200 and "HttpOnly" in first.headers["set-cookie"]
        assert c.get("/api/summary").status_code == 200  # the cookie now carries it


def test_serve_off_loopback_generates_a_token(sim_path, monkeypatch):
    import uvicorn

    from infoops.dashboard import serve

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    said: list[str] = []
    serve(sim_path, host="0.0.0.0", port=9999, say=said.append)
    assert started["host"] == "0.0.0.0" and "?token=" in said[0]
    token = said[0].split("?token=")[1]
    with TestClient(started["app"], base_url="http://192.0.2.1:9999") as c:
        assert c.get("/api/summary").status_code == 401
        assert c.get(f"/api/summary?token={token}").status_code == 200


def test_workspace_is_opened_read_only(sim_path, client):
    before = hashlib.sha256(sim_path.read_bytes()).hexdigest()
    for url in ("/api/campaigns", "/api/export/campaigns.json", "/api/export/briefing.html",
                "/api/accounts/x", "/api/narratives/1"):  # fmt: skip
        client.get(url)
    data = client.app.state.served.data
    with pytest.raises(duckdb.Error, match="read-only"):
        data.workspace.con.execute("CREATE TABLE intruder (x INT)")
    assert hashlib.sha256(sim_path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("content", [None, b"this is not a database\n" * 100])
def test_missing_or_corrupt_workspace_is_named(tmp_path, content):
    path = tmp_path / "case.duckdb"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(WorkspaceError, match="case.duckdb"):
        create_app(path)
    result = CliRunner().invoke(cli, ["serve", "--workspace", str(path)])
    assert result.exit_code == 1 and "case.duckdb" in result.output


def test_a_duckdb_file_that_is_not_a_workspace(tmp_path):
    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(WorkspaceError, match="other.duckdb.*not an infoops workspace"):
        create_app(path)


def test_run_from_the_page_shows_progress_and_opens_its_results(sim_path, tmp_path):
    app = create_app(sim_path, runs_dir=tmp_path / "runs", warm_caches=False)
    with TestClient(app, base_url=LOCAL) as client:
        _run_and_open(client, tmp_path)


def _run_and_open(client: TestClient, tmp_path: Path) -> None:
    missing = client.post("/api/runs", json={"inputs": [str(tmp_path / "nothing.csv")]})
    assert missing.status_code == 400 and "nothing.csv" in missing.json()["detail"]
    sim = simulate(2_000, seed=1)
    csv, _ = write_io_csv(sim, tmp_path / "posts.csv.gz")
    started = client.post("/api/runs", json={"inputs": [str(csv)], "content": False})
    assert started.status_code == 202
    run_id, seen = started.json()["run_id"], []
    deadline = time.time() + 240
    while time.time() < deadline:
        state = _json(client, f"/api/runs/{run_id}")
        seen.append((state["status"], state["step"], state["progress"]))
        if state["status"] != "running":
            break
        time.sleep(0.5)
    assert state["status"] == "finished", state["lines"][-20:]
    assert state["progress"] == 1.0 and any(s[0] == "running" for s in seen)
    assert any("ingested" in line for line in state["lines"])
    assert _json(client, "/api/runs")["runs"][0]["run_id"] == run_id
    assert client.post(f"/api/runs/{run_id}/open", json={}).status_code == 200
    assert _json(client, "/api/summary")["posts"] == sim.posts.num_rows
