"""Attacker-written data against the outputs analysts open: the dashboard's host check
(DNS rebinding) and token length, formula-safe CSV, well-formed GEXF and GraphML, and
links only for http(s) URLs. The hostile workspace is small: the whole file runs in
seconds."""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import duckdb
import networkx as nx
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from infoops import Workspace
from infoops.cli import app as cli
from infoops.dashboard import create_app
from infoops.pipeline import run_coordination
from infoops.report import briefing_html, raw_csv, write_gexf, write_graphml, write_parquet
from infoops.report._briefing import is_web_url
from infoops.report._exports import _csv, xml_text
from infoops.simulate import simulate

# What an attacker puts in ids, handles, display names and texts.
FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
BAD_XML = [
    "nul\x00name",
    "bell\x07vt\x0bff\x0c",
    "esc\x1b[31m",
    "nonchar\ufffe\uffff",
    "rlo\u202egpj.exe",
]
XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>"'
HOSTILE = FORMULAS + BAD_XML + [XSS]


@pytest.fixture(scope="module")
def hostile_path(tmp_path_factory) -> Path:
    """A workspace after ingest and coordination whose coordinated accounts carry every
    vector in their ids, display names and texts."""
    sim = simulate(1_500, seed=7)
    planted = sorted(set(sim.truth.filter(pc.not_equal(sim.truth["group_id"], ""))["account_id"]
                         .to_pylist()))  # fmt: skip
    rename = {a: (f"{HOSTILE[i % len(HOSTILE)]}#{i}" if i % 3 == 0 else a)
              for i, a in enumerate(planted)}  # fmt: skip
    names = {a: HOSTILE[i % len(HOSTILE)] for i, a in enumerate(planted)}
    posts = sim.posts
    ids = posts["account_id"].to_pylist()
    columns = {
        "account_id": [rename.get(a, a) for a in ids],
        "account_name": [
            names.get(a, n) for a, n in zip(ids, posts["account_name"].to_pylist(), strict=True)
        ],
        "text": [
            (HOSTILE[i % len(HOSTILE)] + " " + (t or "")) if a in names else t
            for i, (a, t) in enumerate(zip(ids, posts["text"].to_pylist(), strict=True))
        ],
    }
    for name, values in columns.items():
        position = posts.schema.get_field_index(name)
        posts = posts.set_column(position, name, pa.array(values, pa.string()))
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    with Workspace(path) as ws:
        ws.ingest_table(posts, "hostile")
        run_coordination(ws)
    return path


# --- 1. DNS rebinding and the token ------------------------------------------------------

REBINDING = [
    "127.evil.example",
    "127.evil.example:8765",
    "127.0.0.1.nip.io",
    "127.0.0.1.nip.io:8765",
    "127.0.0.1.evil.example:8765",
    "localhost.evil.example:8765",
    "evil.localhost:8765",
    "evil127.0.0.1:8765",
    "evil-127.0.0.1.example",
    "127.0.0.1@evil.example",
    "127.0.0.1@evil.example:8765",
    "evil.example@127.0.0.1:8765",
    "127.1",
    "127.0.0.2:8765",
    "0.0.0.0:8765",
    "2130706433",
    "localhost.",
    "localhost.:8765",
    "127.0.0.1.",
    "127.0.0.1:8765.evil.example",
    "127.0.0.1:",
    "127.0.0.1:abc",
    "[::1].evil.example",
    "[::1]evil:8765",
    "[::ffff:127.0.0.1]:8765",
    "::1:8765",
    "evil.example",
    "",
]
LOOPBACK = [
    "127.0.0.1",
    "127.0.0.1:8765",
    "localhost",
    "localhost:8765",
    "LOCALHOST:8765",
    "[::1]",
    "[::1]:8765",
    "::1",
]
ROUTES = ["/", "/static/js/main.js", "/static/style.css", "/api/summary", "/api/campaigns",
          "/api/network", "/api/export/accounts.csv", "/api/runs", "/api/nothing"]  # fmt: skip


@pytest.fixture(scope="module")
def loopback_client(hostile_path, tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    app = create_app(hostile_path, runs_dir=runs, warm_caches=False)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        yield client


@pytest.mark.parametrize("host", REBINDING)
def test_tokenless_dashboard_refuses_rebinding_names_on_every_route(loopback_client, host):
    for route in ROUTES:
        answer = loopback_client.get(route, headers={"host": host})
        assert answer.status_code == 400, (host, route)
        assert "unexpected Host" in answer.text and "content-security-policy" in answer.headers
    for route, body in (("/api/runs", {"inputs": ["/etc"]}), ("/api/runs/x/open", {})):
        origin = f"http://{host}"
        answer = loopback_client.post(route, json=body, headers={"host": host, "origin": origin})
        assert answer.status_code == 400, (host, route)
    assert not list(loopback_client.app.state.runs.all())  # no run was started


@pytest.mark.parametrize("host", LOOPBACK)
def test_tokenless_dashboard_answers_loopback_names(loopback_client, host):
    for route in ("/", "/static/js/main.js", "/api/summary", "/api/export/accounts.csv"):
        assert loopback_client.get(route, headers={"host": host}).status_code == 200, route
    origin = f"http://{host}"
    wrong = loopback_client.post(
        "/api/runs/none/open", json={}, headers={"host": host, "origin": "http://evil.example"}
    )
    assert wrong.status_code == 403
    same = loopback_client.post("/api/runs/none/open", json={},
                                headers={"host": host, "origin": origin})  # fmt: skip
    assert same.status_code == 404  # passed the guard; there is no such run


@pytest.mark.parametrize(
    ("host", "token"),
    [
        ("0.0.0.0", "a"),
        ("0.0.0.0", "fifteen-chars-1"),
        ("::", "x" * 15),
        ("192.0.2.1", ""),
        ("127.0.0.2", "abc"),
    ],  # fmt: skip
)
def test_short_token_is_refused_off_loopback(hostile_path, host, token, monkeypatch):
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("served with a weak token"))
    result = CliRunner().invoke(cli, ["serve", "-w", str(hostile_path), "--host", host,
                                      "--token", token])  # fmt: skip
    assert result.exit_code == 1
    message = result.output.strip()
    assert "--token" in message and "16" in message and "\n" not in message


def test_long_token_off_loopback_and_any_token_on_loopback_are_accepted(hostile_path, monkeypatch):
    import uvicorn

    started: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(kw))
    for host, token in (("0.0.0.0", "x" * 16), ("127.0.0.1", "a")):
        result = CliRunner().invoke(cli, ["serve", "-w", str(hostile_path), "--host", host,
                                          "--token", token])  # fmt: skip
        assert result.exit_code == 0, result.output
    assert [s["host"] for s in started] == ["0.0.0.0", "127.0.0.1"]


# --- 2. Formula-safe CSV, XML-safe graph files -------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NOT_XML = {chr(c) for c in range(32) if c not in (9, 10, 13)} | {"\ufffe", "\uffff"}
NUMBER = re.compile(r"[+-]([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?")


def _is_formula(cell: str) -> bool:
    if cell[:1] in ("=", "@", "\t", "\r"):
        return True
    return len(cell) > 1 and cell[0] in "+-" and NUMBER.fullmatch(cell) is None


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.fixture(scope="module")
def cli_outputs(hostile_path, tmp_path_factory) -> dict[str, Path]:
    """coordination with and without --raw-csv on copies of the workspace; then the
    report's GraphML and Parquet (its writers; the CLI's briefing PDF takes long)."""
    folders = {}
    for kind, extra in (("safe", []), ("raw", ["--raw-csv"])):
        root = tmp_path_factory.mktemp(kind)
        copy = root / "ws.duckdb"
        shutil.copy(hostile_path, copy)
        out = root / "out"
        result = CliRunner().invoke(cli, ["coordination", "-w", str(copy), "--out", str(out),
                                          *extra])  # fmt: skip
        assert result.exit_code == 0, result.output
        folders[kind] = out
    with Workspace(folders["safe"].parent / "ws.duckdb") as ws:
        write_graphml(ws.con, folders["safe"] / "network.graphml")
        write_parquet(ws.con, folders["safe"] / "tables")
    return folders


CSVS = ("accounts.csv", "edges.csv", "evidence.csv", "campaigns.csv")


def test_csv_exports_neutralise_formulas_and_control_characters(cli_outputs):
    changed = 0
    for name in CSVS:
        safe, raw = _rows(cli_outputs["safe"] / name), _rows(cli_outputs["raw"] / name)
        assert len(safe) == len(raw) > 1, name
        for safe_row, raw_row in zip(safe, raw, strict=True):
            assert len(safe_row) == len(raw_row)
            for s, r in zip(safe_row, raw_row, strict=True):
                assert not NOT_XML & set(s), (name, s)
                assert not _is_formula(s), (name, s)
                cleaned = xml_text(r)
                expected = "'" + cleaned if _is_formula(cleaned) else cleaned
                assert s == expected, (name, r, s)
                changed += s != r
    assert changed > 50  # the hostile accounts reach every file
    raw_cells = {c for n in CSVS for row in _rows(cli_outputs["raw"] / n) for c in row}
    assert set(FORMULAS + BAD_XML) <= raw_cells  # --raw-csv: as stored, NUL included
    safe_accounts = (cli_outputs["safe"] / "accounts.csv").read_text(encoding="utf-8")
    assert '\'=HYPERLINK(""http://evil.example"",""x"")' in safe_accounts
    assert "'=cmd|' /C calc'!A0" in safe_accounts and "\x00" not in safe_accounts


def test_numbers_and_harmless_text_are_written_unchanged(tmp_path):
    con = duckdb.connect()
    cells = ["-5", "+3", "-0.25", "+1.5e3", "-.5", "-", "+", "", "plain", "a=b", " =x",
             "2-3", "café\u202e", "multi\nline", 'quote "q", comma']  # fmt: skip
    con.execute("CREATE TABLE t (text VARCHAR, n INTEGER, x DOUBLE, tags VARCHAR[])")
    con.executemany("INSERT INTO t VALUES (?, -5, -0.5, ?)", [[c, [c, "b"]] for c in cells])
    con.execute("INSERT INTO t VALUES (NULL, NULL, NULL, NULL)")
    with raw_csv():
        _csv(con, "SELECT * FROM t", tmp_path / "raw.csv")
    _csv(con, "SELECT * FROM t", tmp_path / "safe.csv")
    assert (tmp_path / "raw.csv").read_bytes() == (tmp_path / "safe.csv").read_bytes()
    assert _rows(tmp_path / "safe.csv")[1][:3] == ["-5", "-5", "-0.5"]


def test_parquet_and_workspace_keep_the_original_text(cli_outputs):
    accounts = pq.read_table(cli_outputs["safe"] / "tables" / "campaign_accounts.parquet")
    names = set(accounts["account_name"].to_pylist())
    assert set(HOSTILE) <= names
    with Workspace(cli_outputs["safe"].parent / "ws.duckdb") as ws:  # the served one is open
        stored = {n for (n,) in ws.sql("SELECT DISTINCT account_name FROM posts").fetchall()}
    assert set(HOSTILE) <= stored


def test_gexf_and_graphml_parse_with_xml_etree_and_networkx(cli_outputs):
    with Workspace(cli_outputs["safe"].parent / "ws.duckdb") as ws:  # the served one is open
        stored = ws.sql("""SELECT coalesce(account_name, account_id) FROM campaign_accounts
                           WHERE account_id IN (SELECT source FROM fused_edges
                                                UNION SELECT target FROM fused_edges)""").fetchall()
    expected = {xml_text(n) for (n,) in stored}  # every display name, cleaned, not cut
    assert len({xml_text(h) for h in HOSTILE} & expected) >= 8  # the vectors reach the graph
    gexf = cli_outputs["safe"] / "network.gexf"
    tree = ElementTree.parse(gexf)  # raises on a document that is not well-formed
    assert {e.get("label") for e in tree.iter() if e.get("label") is not None} == expected
    graph = nx.read_gexf(gexf)
    assert graph.number_of_nodes() == len(stored) and graph.number_of_edges() > 0
    assert {d["label"] for _, d in graph.nodes(data=True)} == expected
    ElementTree.parse(cli_outputs["safe"] / "network.graphml")
    graphml = nx.read_graphml(cli_outputs["safe"] / "network.graphml")
    assert {d["label"] for _, d in graphml.nodes(data=True)} == expected  # a CR stays a CR
    ids = {d["account_id"] for _, d in graphml.nodes(data=True)}
    assert any(i.startswith("=") for i in ids)  # graph files are not sheets: no quote added
    for path in (
        gexf,
        cli_outputs["raw"] / "network.gexf",
        cli_outputs["safe"] / "network.graphml",
    ):
        assert not NOT_XML & set(path.read_text(encoding="utf-8")), path


def test_ids_that_differ_only_in_forbidden_characters_stay_apart_in_graph_files(tmp_path):
    """Cleaning ids for XML must not merge accounts: a+U+0001, a+U+0002, a+NUL and a are
    four nodes in both graph files, joined as in the workspace; a clean id is kept."""
    con = duckdb.connect()
    ids = ["a\x01", "a\x02", "a\x00", "a", "b\r"]
    con.execute(
        """CREATE TABLE campaign_accounts AS SELECT unnest($ids) AS account_id,
                   NULL::VARCHAR AS account_name, 'C001' AS campaign_id,
                   0.5 AS coordination_score, 'co_link' AS top_signals""",
        {"ids": ids},
    )
    con.execute(
        """CREATE TABLE fused_edges AS SELECT unnest($s) AS source, unnest($t) AS target,
                   1.0 AS weight, 'co_link' AS signals""",
        {"s": ids[:-1], "t": ids[1:]},
    )
    write_gexf(con, tmp_path / "g.gexf")
    write_graphml(con, tmp_path / "g.graphml")
    gexf, graphml = nx.read_gexf(tmp_path / "g.gexf"), nx.read_graphml(tmp_path / "g.graphml")
    account = nx.get_node_attributes(graphml, "account_id")
    chain = [xml_text(i) for i in ids]  # each id joined to the next, as in fused_edges
    for graph, name in ((gexf, lambda n: n), (graphml, lambda n: account[n])):
        assert graph.number_of_nodes() == 5 and graph.number_of_edges() == 4
        ends = [n for n in graph if graph.degree(n) == 1]
        path = [name(n).split("~")[0] for n in nx.shortest_path(graph, *ends)]
        assert path in (chain, chain[::-1])
    assert set(gexf) == set(account.values()) and {"a", "b\r"} <= set(gexf)


def test_dashboard_csv_downloads_are_neutralised(loopback_client, cli_outputs):
    for name in CSVS:
        answer = loopback_client.get(f"/api/export/{name}")
        assert answer.status_code == 200
        assert answer.content == (cli_outputs["safe"] / name).read_bytes(), name
    for name in ("network.gexf", "network.graphml"):
        ElementTree.fromstring(loopback_client.get(f"/api/export/{name}").content)


def test_raw_csv_is_an_option_of_every_command_that_writes_csv():
    for command in (["coordination"], ["run"], ["laundering"], ["narratives"], ["integrity"],
                    ["claims", "match"], ["actors", "match"]):  # fmt: skip
        result = CliRunner().invoke(cli, [*command, "--help"], env={"COLUMNS": "200"})
        assert "--raw-csv" in result.output, command


# --- 3. Links only for http(s) URLs ------------------------------------------------------

WEB = [
    "https://euvsdisinfo.eu/report/x/",
    "http://factcheck.example/a?b=1&c=2",
    "HTTPS://CAPS.example/",
]
NOT_WEB = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "https:evil.example",
    "https://evil.example/\x00x",
    "mailto:a@evil.example",
]


@pytest.fixture(scope="module")
def claims_workspace(cli_outputs, tmp_path_factory) -> Path:
    """The hostile workspace with known claims, one per URL, matched to campaign posts."""
    path = tmp_path_factory.mktemp("claims") / "ws.duckdb"
    shutil.copy(cli_outputs["raw"].parent / "ws.duckdb", path)
    con = duckdb.connect(str(path))
    campaigns = [
        c for (c,) in con.execute("SELECT campaign_id FROM campaigns ORDER BY 1").fetchall()
    ]
    assert len(campaigns) >= 3
    con.execute("""CREATE TABLE claim_catalogue (claim_id VARCHAR, claim VARCHAR, date VARCHAR,
                   url VARCHAR, catalogue VARCHAR, rating VARCHAR, countries VARCHAR,
                   keywords VARCHAR, languages VARCHAR, outlets VARCHAR, vector FLOAT[512])""")
    con.execute("""CREATE TABLE claim_matches (kind VARCHAR, text_key UBIGINT, article_id VARCHAR,
                   evidence VARCHAR, claim_id VARCHAR, rank INTEGER, score DOUBLE,
                   stance VARCHAR, stance_cue VARCHAR, status VARCHAR, cosine DOUBLE,
                   coverage DOUBLE)""")  # fmt: skip
    for number, url in enumerate(WEB + NOT_WEB):
        claim_id = f"claim-{number}"
        con.execute("INSERT INTO claim_catalogue VALUES (?, ?, '2020-01-01', ?, 'mine', "
                    "'false', '', '', 'en', '', NULL)", [claim_id, f"Claim {number}", url])  # fmt: skip
        con.execute(
            """INSERT INTO claim_matches SELECT 'post', text_key, NULL, 'x', ?, 1, 0.9,
                      'asserts', '', 'match', 0.8, 0.7
               FROM (SELECT DISTINCT text_key FROM posts WHERE account_id IN
                     (SELECT account_id FROM campaign_accounts WHERE campaign_id = ?)
                     ORDER BY text_key LIMIT 2)""",
            [claim_id, campaigns[number % len(campaigns)]],
        )
    con.close()
    return path


@pytest.mark.parametrize("url", WEB)
def test_web_urls_are_links(url):
    assert is_web_url(url)


@pytest.mark.parametrize("url", NOT_WEB + ["", None, 5])
def test_other_urls_are_not_links(url):
    assert not is_web_url(url)


def test_briefing_links_only_http_urls_in_html_and_pdf(claims_workspace, tmp_path):
    with Workspace(claims_workspace, read_only=True) as ws:
        page = briefing_html(ws.con)
    claims_shown = re.findall(r"<td>(?:<a href=\"([^\"]*)\">)?Claim (\d+)", page)
    assert len(claims_shown) == len(WEB + NOT_WEB)
    for href, number in claims_shown:
        url = (WEB + NOT_WEB)[int(number)]
        assert (href == html.escape(url)) if url in WEB else (href == ""), (url, href)
    hrefs = re.findall(r"href=\"([^\"]*)\"", page)
    assert all(h.startswith(("#", "http://", "https://", "HTTPS://")) for h in hrefs), hrefs
    assert html.escape("javascript:alert(document.domain)") in page  # shown, as text
    try:  # the PDF's link annotations, as write_pdf makes them, in readable objects
        import weasyprint
    except OSError:
        pytest.skip("no Pango library: no PDF")
    pdf = weasyprint.HTML(string=page).write_pdf(uncompressed_pdf=True)
    actions = re.findall(rb"/URI \(([^)]*)\)", pdf)
    assert {a.decode() for a in actions} >= {"https://euvsdisinfo.eu/report/x/"}
    assert all(a.lower().startswith((b"http://", b"https://")) for a in actions), actions


NODE_CHECK = r"""
const dom = await import(process.argv[2]);
const nodes = [];
globalThis.Node = class {};
globalThis.document = {
  createElement: (tag) => { const n = new Node(); Object.assign(n, { tag, attrs: {},
    setAttribute(k, v) { this.attrs[k] = v; }, append() {}, addEventListener() {} });
    nodes.push(n); return n; },
  createTextNode: (text) => { const n = new Node(); n.text = text; return n; },
};
const urls = JSON.parse(process.argv[3]);
const out = urls.map((u) => { const r = dom.external(u, "label");
  return typeof r === "string" ? null : r.attrs.href; });
console.log(JSON.stringify({ external: out, safe: urls.map((u) => dom.safeHref(u)) }));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="no node to run the dashboard's JS")
def test_dashboard_links_only_http_urls(tmp_path):
    dom = Path(create_app.__code__.co_filename).parent / "static" / "js" / "dom.js"
    script = tmp_path / "check.mjs"
    script.write_text(NODE_CHECK)
    urls = WEB + NOT_WEB
    done = subprocess.run(["node", str(script), dom.as_uri(), json.dumps(urls)],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for url, href, safe in zip(urls, result["external"], result["safe"], strict=True):
        if url in WEB:
            assert href and href.lower().startswith(("http://", "https://")), url
        else:
            assert href is None or href.startswith(("http://", "https://")), (url, href)
            assert safe is None or safe.startswith(("http://", "https://")), (url, safe)
    assert result["external"][len(WEB)] is None  # javascript: shown as text


# --- 4. The hostile fixture, as a user runs it ---------------------------------------------

HOSTILE_FILE = Path(__file__).parent / "fixtures" / "hostile" / "posts.jsonl"
ACTIVE = {"script", "iframe", "object", "embed", "foreignobject", "frame", "base", "form"}


def _input_strings() -> set[str]:
    """Every id, handle, display name, text, hashtag and URL the fixture holds."""
    found: set[str] = set()
    for line in HOSTILE_FILE.read_text(encoding="utf-8").splitlines():
        tweet = json.loads(line)
        for post in (tweet, tweet.get("retweeted_status") or {}):
            user = post.get("user", {})
            found |= {user.get("id_str"), user.get("screen_name"), user.get("name"),
                      post.get("full_text")}  # fmt: skip
            entities = post.get("entities", {})
            found |= {h["text"] for h in entities.get("hashtags", [])}
            found |= {u["expanded_url"] for u in entities.get("urls", [])}
    return {s for s in found if s}


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory) -> Path:
    """tests/fixtures/hostile/posts.jsonl through the CLI: ingest, coordination, report."""
    root = tmp_path_factory.mktemp("fixture")
    ws, out = root / "case.duckdb", root / "out"
    for args in (["ingest", HOSTILE_FILE, "-w", ws], ["coordination", "-w", ws, "--out", out],
                 ["report", "-w", ws, "--out", out]):  # fmt: skip
        result = CliRunner().invoke(cli, list(map(str, args)))
        assert result.exit_code == 0 and result.exception is None, result.output
    return root


class _Markup(HTMLParser):
    """The elements and attributes of a page, to find any a post could have added."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def _assert_inert(page: str) -> None:
    """No element that runs or loads anything, no event handler, links only to the page
    itself or to http(s), images only inline."""
    markup = _Markup()
    markup.feed(page)
    assert not markup.tags & ACTIVE, markup.tags & ACTIVE
    assert not [a for a in markup.attributes if a[0].startswith("on")]
    for name, value in markup.attributes:
        if name in ("href", "xlink:href", "action", "formaction"):
            assert value.startswith(("#", "http://", "https://")), (name, value)
        if name == "src":
            assert value.startswith("data:image/"), value


def test_hostile_fixture_is_read_whole_and_kept_as_written(fixture_run):
    lines = HOSTILE_FILE.read_text(encoding="utf-8").splitlines()
    with Workspace(fixture_run / "case.duckdb", read_only=True) as ws:
        assert ws.sql("SELECT count(*) FROM posts").fetchall()[0][0] == len(lines)
        names = {n for (n,) in ws.sql("SELECT display_name FROM accounts").fetchall()}
        members = ws.sql("SELECT count(*) FROM campaign_accounts WHERE campaign_id IS NOT "
                         "NULL").fetchall()[0][0]  # fmt: skip
    assert {json.loads(line)["user"]["name"] for line in lines} == names  # NUL, RLO and all
    assert members == 12  # the network is found, so its vectors reach every output


def test_hostile_fixture_briefing_escapes_every_vector(fixture_run):
    page = (fixture_run / "out" / "briefing.html").read_text(encoding="utf-8")
    _assert_inert(page)
    markup = [s for s in _input_strings() if "<" in s]
    assert markup and not [s for s in markup if s in page]
    assert html.escape("<script>alert(1)</script>", quote=False) in page  # shown, as text


def test_hostile_fixture_csvs_neutralise_every_formula(fixture_run):
    neutralised = 0
    for path in sorted((fixture_run / "out").glob("*.csv")):
        for row in _rows(path):
            for cell in row:
                assert not _is_formula(cell) and not NOT_XML & set(cell), (path.name, cell)
                neutralised += cell[:1] == "'" and _is_formula(cell[1:])
    assert neutralised > 100


def test_hostile_fixture_graph_files_parse(fixture_run):
    """Both graph files parse and hold every network account, its handle cleaned of what
    XML forbids and otherwise whole (a CR too)."""
    with Workspace(fixture_run / "case.duckdb", read_only=True) as ws:
        handles = {n for (n,) in ws.sql("SELECT account_name FROM campaign_accounts "
                                        "WHERE campaign_id IS NOT NULL").fetchall()}  # fmt: skip
    assert sum(not h.isalnum() for h in handles) >= 6  # the vectors reach the graph
    for name, read in (("network.gexf", nx.read_gexf), ("network.graphml", nx.read_graphml)):
        path = fixture_run / "out" / name
        ElementTree.parse(path)
        graph = read(path)
        assert graph.number_of_nodes() == 12 and graph.number_of_edges() > 0
        assert {d["label"] for _, d in graph.nodes(data=True)} == {xml_text(h) for h in handles}


def test_hostile_fixture_dashboard_routes_answer_and_stay_inert(fixture_run, tmp_path):
    app = create_app(fixture_run / "case.duckdb", runs_dir=tmp_path, warm_caches=False)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        campaign = client.get("/api/campaigns").json()["campaigns"][0]["campaign_id"]
        members = client.get(f"/api/campaigns/{campaign}").json()["members"]
        routes = [*ROUTES[:-1], f"/api/campaigns/{campaign}", f"/api/campaigns/{campaign}/timeline",
                  "/api/network.bin", "/api/narratives", "/api/claims", "/api/laundering",
                  *(f"/api/accounts/{quote(m['account_id'], safe='')}" for m in members)]  # fmt: skip
        for route in routes:
            answer = client.get(route)
            assert answer.status_code == 200, (route, answer.status_code)
            assert "content-security-policy" in answer.headers
            if answer.headers["content-type"].startswith("application/json"):
                answer.json()
        assert "rigged" not in client.get("/").text  # the page is static: data comes as JSON
        _assert_inert(client.get("/api/export/briefing.html").text)
        for name in ("accounts.csv", "edges.csv", "evidence.csv", "campaigns.csv"):
            exported = client.get(f"/api/export/{name}").content
            assert exported == (fixture_run / "out" / name).read_bytes(), name
