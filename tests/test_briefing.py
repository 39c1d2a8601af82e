"""The briefing page: its structure, escaping of hostile posts, and reproducibility."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from infoops import Workspace
from infoops.pipeline import run_actors, run_coordination, run_integrity
from infoops.report import briefing_html
from infoops.simulate import simulate

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> "


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.campaign_divs = 0
        self.resources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "div" and attrs.get("class") == "campaign":
            self.campaign_divs += 1
        if tag in {"script", "img", "link", "iframe"} or "src" in attrs:
            self.resources.append(tag)


@pytest.fixture(scope="module")
def page() -> tuple[str, int, Workspace]:
    sim = simulate(20_000, seed=3)
    ws = Workspace(memory=True)
    ws.ingest_table(sim.posts, "simulation")
    run_coordination(ws)
    # Attacker-controlled text in every post of the campaign accounts.
    ws.con.execute(
        "UPDATE posts SET text = ? || coalesce(text, '') WHERE account_id IN "
        "(SELECT account_id FROM campaign_accounts WHERE campaign_id IS NOT NULL)",
        [HOSTILE],
    )
    campaigns = ws.sql("SELECT count(*) FROM campaigns").fetchall()[0][0]
    yield briefing_html(ws.con), campaigns, ws
    ws.close()


def test_page_has_every_section_and_one_block_per_campaign(page):
    html, campaigns, _ = page
    structure = _Structure()
    structure.feed(html)
    assert {"summary", "picture", "campaigns", "method"} <= set(structure.ids)
    assert structure.campaign_divs == campaigns >= 3
    assert structure.tags.count("svg") == campaigns + 2  # volume, network, one timeline each
    assert "footer" in structure.tags and "simulation" in html  # the input is named
    assert "We assess with" in html and "not of who runs the accounts" in html


def test_hostile_post_text_is_shown_as_text(page):
    html, _, _ = page
    structure = _Structure()
    structure.feed(html)
    assert structure.resources == []  # no script, image or frame: nothing runs or loads
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html


def test_page_is_self_contained_and_reproducible(page):
    html, _, ws = page
    assert not re.search(r"(src|href)=\"(https?:)?//", html.split("<section id=\"method\"")[0]
                         .replace('href="https://euvsdisinfo', ""))  # fmt: skip
    assert briefing_html(ws.con) == html


def test_graphml_and_parquet_exports_carry_campaigns(page, tmp_path):
    import igraph
    import pyarrow.parquet as pq

    from infoops.report import write_graphml, write_parquet

    _, campaigns, ws = page
    ws.con.execute(
        "UPDATE campaign_accounts SET account_name = '<b>&\"x' WHERE campaign_id = 'C001'"
    )
    nodes = write_graphml(ws.con, tmp_path / "network.graphml")
    graph = igraph.Graph.Read_GraphML(str(tmp_path / "network.graphml"))
    assert graph.vcount() == nodes > 0
    assert len(set(graph.vs["campaign_id"]) - {""}) == campaigns
    assert '<b>&"x' in graph.vs["label"]  # hostile names survive as data, escaped in the XML
    assert write_parquet(ws.con, tmp_path / "tables") >= 8
    table = pq.read_table(tmp_path / "tables" / "campaign_accounts.parquet")
    assert table.num_rows == ws.sql("SELECT count(*) FROM campaign_accounts").fetchall()[0][0]


def test_pdf_has_the_same_content(page, tmp_path):
    try:
        import weasyprint  # noqa: F401
    except OSError:
        pytest.skip("briefing.pdf needs the Pango library (apt-get install libpango-1.0-0)")
    from infoops.report import write_pdf

    html, campaigns, _ = page
    pages = write_pdf(html, tmp_path / "briefing.pdf")
    data = (tmp_path / "briefing.pdf").read_bytes()
    assert data.startswith(b"%PDF") and pages >= campaigns + 2  # a page per campaign at least
    write_pdf(html, tmp_path / "again.pdf")
    assert (tmp_path / "again.pdf").read_bytes() == data  # same page, same bytes


@pytest.fixture(scope="module")
def ira_week(tmp_path_factory):
    """Ten days of the real IRA archive (October 2016, 21,612 tweets), in its own format."""
    shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "ira" / "tweets.csv.gz"
    if not shared.exists():
        pytest.skip("../shared/data/ira is absent")
    import duckdb

    sample = tmp_path_factory.mktemp("ira") / "ira_2016-10-01_10.csv"
    duckdb.sql(
        f"""COPY (SELECT * FROM read_csv('{shared}', all_varchar=true)
                  WHERE publish_date LIKE '2016-10-0%') TO '{sample}' (HEADER)"""
    )
    ws = Workspace(memory=True)
    ws.ingest([sample])
    run_coordination(ws)
    run_actors(ws)
    run_integrity(ws)
    yield ws, briefing_html(ws.con)
    ws.close()


@pytest.mark.slow  # real IRA tweets: pytest -m slow, and .ci/run
def test_each_section_on_real_ira_tweets(ira_week):
    ws, html = ira_week
    campaigns = ws.sql("SELECT campaign_id FROM campaigns ORDER BY 1").fetchall()
    assert len(campaigns) >= 2
    summary = html.split('id="summary"')[1].split("</section>")[0]
    assert f"{len(campaigns)} candidate campaigns" in summary
    picture = html.split('id="picture"')[1].split("</section>")[0]
    assert picture.count("<svg") == 2  # volume over time and the network
    for (campaign_id,) in campaigns:
        assert f'<tr><td><a href="#{campaign_id}">{campaign_id}</a></td>' in picture
    sections = html.split('id="campaigns"')[1].split("</section>")[0].split('class="campaign"')[1:]
    assert len(sections) == len(campaigns)
    for section in sections:
        assert "We assess with" in section and "Confidence set by" in section
        assert "<h4>Signals</h4>" in section and section.count('class="post"') >= 2
    method = html.split('id="method"')[1].split("</section>")[0]
    assert "<td>fdr</td><td>0.05</td>" in method
    assert "ira_2016-10-01_10.csv" in html.split("<footer>")[1]


def _subset_objects(ws, subset):
    from infoops.campaigns._objects import campaign_objects
    from infoops.report import subset_views

    with subset_views(ws.con, subset):
        return campaign_objects(ws.con)


def test_subset_by_time_recomputes_what_lies_inside(page):
    from datetime import datetime, timedelta

    from infoops.report import Subset

    _, _, ws = page
    first, last = ws.sql("SELECT min(created_at), max(created_at) FROM posts").fetchall()[0]
    since = first + (last - first) / 2
    until = since + timedelta(days=3)
    views = "SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal ORDER BY 1"
    before = ws.sql("SELECT count(*) FROM coordination_evidence").fetchall()[0][0]
    views_before = ws.sql(views).fetchall()
    objects = _subset_objects(ws, Subset(since=since, until=until))
    assert objects
    for obj in objects:
        assert since <= datetime.fromisoformat(obj["first_post"]) <= until
        assert since <= datetime.fromisoformat(obj["last_post"]) <= until
        members = ws.sql(  # counted on the workspace itself, not through the views
            "SELECT count(*) FROM posts p JOIN campaign_accounts c USING (account_id) "
            "WHERE c.campaign_id = ? AND p.created_at BETWEEN ? AND ?",
            params=[obj["campaign_id"], since, until],
        ).fetchall()[0][0]
        assert obj["posts"] == members
        assert sum(obj["timeline"].values()) == members
    # An hour holds campaign posts but hardly any edge: counts, not errors.
    for obj in _subset_objects(ws, Subset(since=since, until=since + timedelta(hours=1))):
        assert obj["edge_density"] >= 0
        if not obj["signals"]:
            assert "no coordination of its own" in obj["assessment"]
            assert obj["confidence"]["level"] == "low"
    # The views are gone afterwards: the workspace reads as before.
    assert ws.sql("SELECT count(*) FROM coordination_evidence").fetchall()[0][0] == before
    assert ws.sql(views).fetchall() == views_before


def test_subset_of_one_campaign_and_bad_requests(page):
    from infoops.errors import InfoopsError
    from infoops.report import Subset

    _, _, ws = page
    whole = briefing_html(ws.con)
    focused = briefing_html(ws.con, Subset(campaigns=("C002",)))
    structure = _Structure()
    structure.feed(focused)
    assert structure.campaign_divs == 1 and 'id="C002"' in focused and 'id="C001"' not in focused
    assert "This briefing covers part of the workspace" in focused and "campaigns C002" in focused
    assert briefing_html(ws.con, Subset(campaigns=("C002",))) == focused  # deterministic
    assert briefing_html(ws.con) == whole  # and the whole briefing is untouched
    with pytest.raises(InfoopsError, match="Unknown campaign"):
        briefing_html(ws.con, Subset(campaigns=("C999",)))
    from datetime import datetime

    with pytest.raises(InfoopsError, match="No posts in the subset"):
        briefing_html(ws.con, Subset(since=datetime(2100, 1, 1)))


@pytest.mark.slow  # real IRA tweets: pytest -m slow, and .ci/run
def test_subset_by_language_on_real_ira_tweets(ira_week, tmp_path):
    from typer.testing import CliRunner

    from infoops.cli import app
    from infoops.report import Subset

    ws, _ = ira_week
    objects = _subset_objects(ws, Subset(langs=("ru",)))
    assert objects and all(set(obj["languages"]) == {"ru"} for obj in objects)
    for obj in objects:
        for edge in obj["example_evidence"]:  # the evidence shown lies inside the subset too
            assert edge["text_source"] is not None and edge["text_target"] is not None
    file = tmp_path / "ira.duckdb"
    ws.con.execute(f"ATTACH '{file}' AS copy")
    ws.con.execute("COPY FROM DATABASE memory TO copy")
    ws.con.execute("DETACH copy")
    result = CliRunner().invoke(app, ["report", "-w", str(file), "--out", str(tmp_path / "o"),
                                      "--since", "2016-10-06", "--until", "2016-10-07"])  # fmt: skip
    assert result.exit_code == 0, result.output
    page = (tmp_path / "o" / "briefing.html").read_text()
    assert "from 2016-10-06 to 2016-10-07" in page
    bad = CliRunner().invoke(app, ["report", "-w", str(file), "--since", "last week"])
    assert bad.exit_code != 0 and "is not a date" in bad.output


def test_summary_names_eight_high_confidence_campaigns_and_counts_the_rest():
    from infoops.report._briefing import _findings

    def campaign(i: int, level: str) -> dict:
        return {"campaign_id": f"C{i:03}", "accounts": 3, "confidence": {"level": level},
                "state_media": [], "claims": [], "integrity": {}}  # fmt: skip

    many = [campaign(i, "high") for i in range(1, 14)] + [campaign(14, "low")]
    named = ", ".join(f"C{i:03}" for i in range(1, 9))
    assert f"13 of them with high confidence: {named} and 5 more." in _findings(many)
    few = [campaign(1, "high"), campaign(2, "moderate")]
    assert "1 of them with high confidence: C001." in _findings(few)


def test_narratives_pushed_show_label_and_lift_as_text(page):
    _, _, ws = page
    first = "(SELECT min(campaign_id) FROM campaigns)"
    ws.con.execute(f"""CREATE TABLE text_narratives AS
        SELECT DISTINCT text_key, 1::BIGINT AS narrative, 0.8 AS similarity FROM posts
        WHERE text_key IS NOT NULL AND account_id IN
              (SELECT account_id FROM campaign_accounts WHERE campaign_id = {first})
        UNION ALL SELECT * FROM (SELECT DISTINCT text_key, 2::BIGINT, 0.8 FROM posts
                                 WHERE text_key IS NOT NULL ORDER BY text_key LIMIT 2000)""")
    ws.con.execute(
        """CREATE TABLE narrative_terms AS SELECT * FROM (VALUES
        (1::BIGINT, ? || 'secret biolabs', 'biolabs, secret', 'en', 'x', 0.7, 0.2),
        (2::BIGINT, 'weather', 'rain, wind', 'en', 'y', 0.7, 0.2))
        t(narrative, label, key_terms, language, examples, cohesion, npmi)""",
        [HOSTILE],
    )
    try:
        html = briefing_html(ws.con)
        block = html.split("Narratives pushed")[1].split("</table>")[0]
    finally:
        ws.con.execute("DROP TABLE text_narratives")
        ws.con.execute("DROP TABLE narrative_terms")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in block and "<script>" not in block
    assert "secret biolabs" in block and "biolabs, secret" in block
    posts, lift = re.findall(r'<td class="num">([^<]*)</td><td class="num">([^<]*)</td>', block)[0]
    assert (
        int(posts.replace(",", "")) > 0 and float(lift) > 1
    )  # all its posts are in narrative 1, not all posts
