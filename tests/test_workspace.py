"""The workspace: opening, the tables it returns, reports, errors and atomic ingest."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

import infoops.ingest._load as load
from infoops import InputError, Workspace, WorkspaceError

POST_COLUMNS = [
    "platform",
    "post_id",
    "account_id",
    "account_name",
    "created_at",
    "text",
    "lang",
    "post_type",
    "reshare_of_post",
    "reshare_of_account",
    "reply_to",
    "reply_to_account",
    "quote_of",
    "urls",
    "domains",
    "hashtags",
    "mentions",
    "media_hashes",
    "source_file",
    "source_line",
    "ingest_id",
    "text_key",
]


def counts(ws: Workspace) -> dict[str, int]:
    return {
        table: ws.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        for table in ("posts", "accounts", "articles", "quarantine", "ingest_log")
    }


EMPTY = {"posts": 0, "accounts": 0, "articles": 0, "quarantine": 0, "ingest_log": 0}
IO_COUNTS = {"posts": 7, "accounts": 4, "articles": 0, "quarantine": 2, "ingest_log": 1}


# -- opening ---------------------------------------------------------------------------


def test_read_only_on_a_missing_file_is_a_workspace_error(tmp_path):
    path = tmp_path / "case.duckdb"
    with pytest.raises(WorkspaceError) as error:
        Workspace(path, read_only=True)
    assert str(error.value) == f"{path}: no such workspace; create it with 'infoops ingest'"
    assert not path.exists()


def test_a_workspace_needs_a_path_or_memory():
    with pytest.raises(WorkspaceError, match="give a workspace path, or memory=True"):
        Workspace()


def test_read_only_on_a_foreign_duckdb_file(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE things (x INTEGER)")
    con.close()
    with pytest.raises(WorkspaceError, match=r"not an infoops workspace \(no posts table\)"):
        Workspace(path, read_only=True)


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(WorkspaceError) as error:
        Workspace(path)
    assert str(error.value).startswith(f"{path}: cannot open workspace: ")
    assert "not a valid DuckDB database file" in str(error.value)


def test_a_file_workspace_persists(tmp_path, fixtures_dir):
    path = tmp_path / "case.duckdb"
    with Workspace(path) as ws:
        ws.ingest([fixtures_dir / "io_archive.csv"])
    with Workspace(path, read_only=True) as ws:
        assert counts(ws) == IO_COUNTS
        assert ws.info()["path"] == str(path)
    with Workspace(path) as ws:  # opening again migrates nothing and keeps the rows
        assert counts(ws) == IO_COUNTS


# -- reading the tables ------------------------------------------------------------------


def test_tables_as_pandas_and_arrow(workspace, fixtures_dir):
    workspace.ingest([fixtures_dir / "io_archive.csv", fixtures_dir / "articles.jsonl"])
    frame = workspace.posts()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == POST_COLUMNS
    assert len(frame) == 7
    table = workspace.posts("arrow")
    assert isinstance(table, pa.Table)
    assert table.num_rows == 7
    assert table.schema.field("created_at").type == pa.timestamp("us")
    assert table.schema.field("urls").type == pa.list_(pa.string())
    assert table.schema.field("source_line").type == pa.int64()
    assert len(workspace.accounts()) == 4
    assert workspace.articles("arrow").num_rows == 3
    assert workspace.quarantine("arrow").num_rows == 3
    assert workspace.table("ingest_log", "arrow").num_rows == 2
    relation = workspace["posts"]
    assert relation.aggregate("count(*)").fetchall() == [(7,)]
    with pytest.raises(KeyError, match="no table 'tweets'; tables: posts, accounts"):
        workspace["tweets"]
    rows = workspace.sql("SELECT count(*) FROM posts WHERE lang = ?", ["en"]).fetchall()
    assert rows == [(3,)]


def test_tables_as_polars(workspace, fixtures_dir):
    polars = pytest.importorskip("polars")
    workspace.ingest([fixtures_dir / "io_archive.csv"])
    frame = workspace.posts("polars")
    assert isinstance(frame, polars.DataFrame)
    assert frame.height == 7


def test_info_summarises_the_workspace(workspace, fixtures_dir):
    workspace.ingest([fixtures_dir / "io_archive.csv", fixtures_dir / "crowdtangle.csv"])
    info = workspace.info()
    assert info["path"] == ":memory:"
    assert info["tables"] == {
        "posts": 13,
        "accounts": 9,
        "articles": 0,
        "quarantine": 3,
        "ingest_log": 2,
    }
    assert info["platforms"] == [
        {
            "platform": "twitter",
            "posts": 7,
            "accounts": 4,
            "first": datetime(2016, 11, 8, 13, 5),
            "last": datetime(2016, 11, 8, 23, 58),
        },
        {
            "platform": "facebook",
            "posts": 6,
            "accounts": 5,
            "first": datetime(2020, 10, 31, 22, 30),
            "last": datetime(2020, 11, 5, 14, 0),
        },
    ]
    assert info["post_types"] == {"post": 10, "reshare": 1, "reply": 1, "quote": 1}
    assert info["languages"]["?"] == 6  # CrowdTangle exports carry no language
    assert info["quarantine_reasons"] == {
        "expected N fields, found N": 1,
        "cannot parse time N Nov N N:N PM": 1,
        "missing account id": 1,
    }
    assert [(i, f.rsplit("/", 1)[-1], fmt, n, q) for i, f, fmt, n, q in info["ingests"]] == [
        (1, "io_archive.csv", "twitter-io-csv", 7, 2),
        (2, "crowdtangle.csv", "crowdtangle-csv", 6, 1),
    ]


def test_the_ingest_log_records_each_file(workspace, fixtures_dir):
    path = fixtures_dir / "io_archive.csv"
    workspace.ingest([path])
    rows = workspace.sql(
        "SELECT ingest_id, source_file, file_sha256, format, options, records_read, "
        "posts_added, accounts_added, articles_added, duplicates, quarantined, "
        "finished_at >= started_at FROM ingest_log"
    ).fetchall()
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    options = json.dumps({"mapping": {}, "platform": None}, sort_keys=True)
    assert rows == [(1, str(path), sha, "twitter-io-csv", options, 9, 7, 4, 0, 0, 2, True)]


# -- errors in a run: reported per file, the rest goes on ----------------------------------


def test_an_unknown_csv_is_reported_and_the_others_are_read(workspace, fixtures_dir):
    unknown = fixtures_dir / "generic.csv"
    report = workspace.ingest([unknown, fixtures_dir / "io_archive.csv"])
    bad, good = report.files
    assert bad.source == str(unknown) and bad.format == "?"
    assert bad.error.startswith(f"{unknown}: not a format infoops recognises (a CSV with columns")
    assert "pass --map account_id=COL,created_at=COL,text=COL" in bad.error
    assert good.error is None and good.posts_added == 7
    assert report.errors == [bad]
    assert report.total("posts_added") == 7
    assert counts(workspace) == IO_COUNTS


def test_a_missing_path_is_reported_by_name(workspace, fixtures_dir, tmp_path):
    missing = tmp_path / "exports" / "tweets.csv"
    report = workspace.ingest([missing, fixtures_dir / "io_archive.csv"])
    assert [(f.source, f.error) for f in report.files] == [
        (str(missing), f"{missing}: no such file or directory"),
        (str(fixtures_dir / "io_archive.csv"), None),
    ]
    assert counts(workspace)["posts"] == 7


def test_an_empty_file_is_reported(workspace, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.touch()
    report = workspace.ingest([empty])
    assert [f.error for f in report.files] == [f"{empty}: the file is empty"]
    assert counts(workspace) == EMPTY


def test_a_broken_gzip_is_reported(workspace, fixtures_dir, tmp_path):
    broken = tmp_path / "tweets.csv.gz"
    broken.write_bytes(gzip.compress((fixtures_dir / "io_archive.csv").read_bytes())[:40])
    report = workspace.ingest([broken, fixtures_dir / "article.txt"])
    assert report.files[0].error.startswith(f"{broken}: cannot decompress")
    assert report.files[1].articles_added == 1


def test_forcing_a_format(workspace, fixtures_dir, tmp_path):
    report = workspace.ingest([fixtures_dir / "io_archive.csv"], format="twitter-io-csv")
    assert report.files[0].posts_added == 7
    with pytest.raises(InputError, match=r"unknown format 'tweets'; known formats: article-html"):
        workspace.ingest([fixtures_dir / "io_archive.csv"], format="tweets")


def test_on_file_reports_progress(workspace, fixtures_dir):
    seen: list[tuple[str, str]] = []
    rows: list[int] = []

    def on_file(source, fmt):
        seen.append((source.name, fmt))
        return rows.append

    workspace.ingest([fixtures_dir / "io_archive.csv"], on_file=on_file)
    assert seen == [(str(fixtures_dir / "io_archive.csv"), "twitter-io-csv")]
    assert sum(rows) >= 7


# -- atomicity ---------------------------------------------------------------------------


def _interrupt_after_first_batch(monkeypatch, calls_before: int = 0) -> list:
    """Make ``prepared_items`` raise KeyboardInterrupt once a batch has been staged."""
    real = load.prepared_items
    staged: list = []
    calls = [0]

    def interrupted(items, workers=2):
        calls[0] += 1
        for item in real(items, workers):
            yield item
            if calls[0] > calls_before and isinstance(item, load.Prepared):
                staged.append(item)
                raise KeyboardInterrupt

    monkeypatch.setattr(load, "prepared_items", interrupted)
    return staged


def test_an_interrupted_ingest_leaves_nothing(tmp_path, fixtures_dir, monkeypatch):
    path = tmp_path / "case.duckdb"
    staged = _interrupt_after_first_batch(monkeypatch)
    with Workspace(path) as ws:
        with pytest.raises(KeyboardInterrupt):
            ws.ingest([fixtures_dir / "io_archive.csv"])
        assert staged and staged[0].rows.num_rows > 0  # rows had been staged
        assert counts(ws) == EMPTY
        monkeypatch.undo()
        report = ws.ingest([fixtures_dir / "io_archive.csv"])  # not marked as done
        assert report.files[0].skipped is False
        assert counts(ws) == IO_COUNTS
    with Workspace(path, read_only=True) as ws:
        assert counts(ws) == IO_COUNTS
        lines = ws.sql("SELECT line FROM quarantine ORDER BY line").fetchall()
        assert lines == [(9,), (11,)]


def test_an_interruption_while_committing_leaves_nothing(workspace, fixtures_dir, monkeypatch):
    real = load._count_insert
    inserted: list[str] = []

    def insert_then_interrupt(con, sql, params, table):
        added = real(con, sql, params, table)
        inserted.append(table)
        if table == "accounts":  # posts and accounts are in; the log and quarantine not yet
            raise KeyboardInterrupt
        return added

    monkeypatch.setattr(load, "_count_insert", insert_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        workspace.ingest([fixtures_dir / "io_archive.csv"])
    assert inserted == ["posts", "accounts"]
    assert counts(workspace) == EMPTY
    monkeypatch.undo()
    workspace.ingest([fixtures_dir / "io_archive.csv"])
    assert counts(workspace) == IO_COUNTS


def test_an_interruption_keeps_the_files_already_done(workspace, fixtures_dir, monkeypatch):
    _interrupt_after_first_batch(monkeypatch, calls_before=1)
    with pytest.raises(KeyboardInterrupt):
        workspace.ingest([fixtures_dir / "crowdtangle.csv", fixtures_dir / "io_archive.csv"])
    assert counts(workspace) == {
        "posts": 6,
        "accounts": 5,
        "articles": 0,
        "quarantine": 1,
        "ingest_log": 1,
    }
    monkeypatch.undo()
    report = workspace.ingest([fixtures_dir / "crowdtangle.csv", fixtures_dir / "io_archive.csv"])
    assert [f.skipped for f in report.files] == [True, False]
    assert counts(workspace)["posts"] == 13


# -- times do not depend on the machine --------------------------------------------------

_LOCAL_ZONE_SCRIPT = """
import sys, duckdb
from infoops import Workspace
print(duckdb.connect().execute("SELECT current_setting('TimeZone')").fetchall()[0][0])
with Workspace(memory=True) as ws:
    ws.ingest(sys.argv[1:])
    for row in ws.sql("SELECT post_id, created_at::VARCHAR FROM posts ORDER BY 1").fetchall():
        print(*row)
"""


def test_times_are_utc_whatever_the_local_zone(fixtures_dir):
    files = [str(fixtures_dir / "io_archive.csv"), str(fixtures_dir / "crowdtangle.csv")]
    env = {**os.environ, "TZ": "America/New_York"}
    result = subprocess.run(
        [sys.executable, "-c", _LOCAL_ZONE_SCRIPT, *files],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    zone, *rows = result.stdout.splitlines()
    assert zone == "America/New_York"  # the check below means something
    times = dict(row.split(" ", 1) for row in rows)  # post ids hold no space
    assert times["795954831718498305"] == "2016-11-08 13:05:00"  # naive UTC stays as is
    assert times["https://www.facebook.com/104520389121147/posts/3487521167962314"] == (
        "2020-11-04 04:59:57"
    )
    assert len(times) == 13


def test_posts_keep_the_order_of_the_file(shared_data, tmp_path):
    """Rows land in file order, run after run: the final insert's parallel joins once
    reordered them, and with them every downstream choice of "the first post with this
    text" (narratives, claim evidence)."""
    prefix = tmp_path / "ira_prefix.csv"
    with gzip.open(shared_data / "ira" / "tweets.csv.gz", "rt", encoding="utf-8") as source:
        prefix.write_text("".join(line for _, line in zip(range(300_001), source, strict=False)))
    with Workspace(memory=True) as ws:
        ws.ingest([prefix])
        lines = ws.sql("SELECT source_line FROM posts ORDER BY rowid").fetchnumpy()["source_line"]
    assert len(lines) > 250_000
    assert (lines[1:] > lines[:-1]).all()
