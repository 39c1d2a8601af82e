"""A new user's first runs: tiny or empty inputs give empty results and a complete briefing
that says the data were too few; posts already named as infoops names them need no map."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from builders import Posts
from typer.testing import CliRunner

from infoops import Workspace
from infoops.cli import app

SECTIONS = ('id="summary"', 'id="picture"', 'id="campaigns"', 'id="method"', "<footer>")


def _run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _briefing(out: Path) -> str:
    page = (out / "briefing.html").read_text(encoding="utf-8")
    assert all(section in page for section in SECTIONS), "the briefing is not complete"
    return " ".join(page.split())


def test_a_file_without_records_stops_the_run_in_one_line_and_leaves_no_workspace(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("tweetid,userid,user_screen_name,tweet_time,tweet_text\n")
    for _ in range(2):  # a second try is not refused as "an earlier run"
        done = _run("run", empty, "--out", tmp_path / "out")
        assert done.exit_code == 1
        error = [line for line in done.output.splitlines() if line.startswith("Error:")]
        assert error == [
            "Error: nothing to analyse: no post or article was read from empty.csv (no records "
            "in it)"
        ]
        assert "Traceback" not in done.output
        assert not (tmp_path / "out" / "workspace.duckdb").exists()


def test_a_workspace_without_posts_gives_empty_tables_and_a_briefing_that_says_so(tmp_path):
    path = tmp_path / "case.duckdb"
    Workspace(path).close()
    out = tmp_path / "out"
    for command in ("coordination", "narratives", "integrity", "report"):
        done = _run(command, "-w", path, "--out", out)
        assert done.exit_code == 0, done.output
    assert _rows(out / "campaigns.csv") == [] and _rows(out / "narratives.csv") == []
    assert _rows(out / "integrity_tags.csv") == []
    page = _briefing(out)
    assert "Too little data: the workspace holds no post and no article" in page
    assert "No campaign was found." in page
    assert "more than chance allows at the chosen" not in page  # no conclusion from nothing


def test_two_articles_and_no_posts_run_to_a_briefing_that_says_posts_are_missing(
    tmp_path, shared_data
):
    out = tmp_path / "out"
    done = _run("run", shared_data / "news", "--out", out)
    assert done.exit_code == 0, done.output
    assert json.loads((out / "campaigns.json").read_text())["campaigns"] == []
    assert _rows(out / "narratives.csv") == [] and _rows(out / "laundering.csv") == []
    said = " ".join(done.output.split())
    assert "2 articles: 0 laundering groups, 0 copies" in said
    assert "Note: Too little data for most of this briefing: there are no posts, only 2 " in said
    page = _briefing(out)
    assert "there are no posts, only 2 articles" in page and "2 articles" in page


def test_six_short_posts_run_to_empty_results_and_a_briefing_that_says_too_few(tmp_path):
    posts = Posts()
    for n, text in enumerate(["hi", "hello there", "ok", "vote now", "yes", "no way"]):
        posts.add(f"a{n % 3}", 60 * n, text)
    posts.workspace(tmp_path).close()  # writes posts.csv (and checks it reads back)
    out = tmp_path / "out"
    done = _run("run", tmp_path / "posts.csv", "--out", out)
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert "6 posts, 0 articles ingested; 0 records quarantined" in said
    assert "0 candidate campaigns" in said and "0 narratives" in said
    assert "No text asserts one of the " in said and "known false claims searched" in said
    assert "No post amplifies state media" in said
    assert _rows(out / "campaigns.csv") == [] and _rows(out / "narratives.csv") == []
    page = _briefing(out)
    assert "Too little data to detect coordination: 6 posts by 3 accounts" in page
    assert "Too few posts for narratives" in page
    assert f"workspace: {out / 'workspace.duckdb'} (" in said  # named, with its size


def test_json_lines_named_as_infoops_names_posts_are_read_without_a_map(tmp_path):
    records = [
        {"account_id": "a1", "created_at": "2024-10-01T12:00:00Z", "text": "Vote #early",
         "urls": ["https://www.example.org/a?utm_source=x"]},
        {"account_id": "a2", "created_at": "2024-10-01 12:05:00", "text": "Second",
         "post_id": "p2", "lang": "en"},
        {"account_id": "a3", "text": "no time given"},
    ]  # fmt: skip
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records))
    path = tmp_path / "case.duckdb"
    done = _run("ingest", source, "-w", path)
    assert done.exit_code == 0, done.output
    assert "2 posts, 0 articles ingested; 1 record quarantined" in done.output
    with Workspace(path, read_only=True) as ws:
        assert ws.sql("SELECT format FROM ingest_log").fetchall() == [("posts-jsonl",)]
        rows = ws.sql("SELECT account_id, post_id, created_at::VARCHAR, text, lang, hashtags, "
                      "domains FROM posts ORDER BY account_id").fetchall()  # fmt: skip
        quarantined = ws.sql("SELECT line, reason FROM quarantine").fetchall()
    assert rows[0][0] == "a1" and rows[0][1]  # a post id derived from the content
    assert rows[0][2:] == ("2024-10-01 12:00:00", "Vote #early", None, ["early"], ["example.org"])
    assert rows[1] == ("a2", "p2", "2024-10-01 12:05:00", "Second", "en", [], [])
    assert quarantined == [(3, "missing time")]


def test_the_command_line_starts_without_typing_so_an_early_ctrl_c_window_stays_short():
    """Before ``main`` runs, Ctrl-C gets Python's traceback (``__main__.py``): the package
    import before it stays small."""
    probe = (
        "import infoops.__main__, sys; print(sorted({'typing', 'infoops.cli'} & set(sys.modules)))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"
