"""The whole real IRA archive: every tweet in, none quarantined, ids stable."""

from __future__ import annotations

import pytest

from infoops import Workspace

# the whole IRA archive (1.3 million tweets): pytest -m slow, and .ci/run
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ira_workspace(tmp_path_factory, shared_data):
    path = tmp_path_factory.mktemp("ira") / "ira.duckdb"
    with Workspace(path) as ws:
        report = ws.ingest([shared_data / "ira" / "tweets.csv.gz"])
    yield path, report
    path.unlink(missing_ok=True)


def test_every_tweet_and_account_is_ingested(ira_workspace):
    path, report = ira_workspace
    (file,) = report.files
    assert file.format == "ira-csv"
    assert (file.posts_added, file.accounts_added, file.quarantined) == (1_312_174, 1_450, 0)
    with Workspace(path, read_only=True) as ws:
        counts = ws.sql(
            "SELECT count(*), count(DISTINCT post_id), count(DISTINCT account_id), "
            "min(created_at)::VARCHAR, max(created_at)::VARCHAR FROM posts"
        ).fetchall()[0]
        types = dict(ws.sql("SELECT post_type, count(*) FROM posts GROUP BY 1").fetchall())
        english = ws.sql("SELECT count(*) FROM posts WHERE lang = 'en'").fetchall()[0][0]
    assert counts == (1_312_174, 1_312_174, 1_450, "2012-10-30 12:27:00", "2018-05-27 12:54:00")
    assert types == {"post": 686_379, "reshare": 612_543, "quote": 13_252}
    assert english == 897_867


def test_entities_are_derived_from_text(ira_workspace):
    path, _ = ira_workspace
    with Workspace(path, read_only=True) as ws:
        with_links, tco = ws.sql(
            "SELECT count(*) FILTER (len(urls) > 0), "
            "count(*) FILTER (list_contains(domains, 't.co')) FROM posts"
        ).fetchall()[0]
        tags = ws.sql(
            "SELECT t, count(*) c FROM (SELECT unnest(hashtags) t FROM posts) "
            "GROUP BY t ORDER BY c DESC, t LIMIT 20"
        ).fetchall()
    assert with_links > 500_000 and tco / with_links > 0.95
    assert all(tag == tag.lower() and not tag.startswith("#") for tag, _ in tags)
    assert "maga" in {tag for tag, _ in tags}


def test_reingesting_adds_nothing(ira_workspace, shared_data):
    path, _ = ira_workspace
    with Workspace(path) as ws:
        (file,) = ws.ingest([shared_data / "ira" / "tweets.csv.gz"]).files
        assert file.skipped and file.posts_added == 0
        assert ws.sql("SELECT count(*) FROM posts").fetchall()[0][0] == 1_312_174
