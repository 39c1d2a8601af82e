"""The command line: ingest, info, quarantine, formats; errors as one line and exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infoops import __version__
from infoops.cli import app
from infoops.ingest import FORMATS

# Wide enough that Rich tables show whole cells; error lines never wrap at any width.
runner = CliRunner(env={"COLUMNS": "250"})
narrow = CliRunner(env={"COLUMNS": "40"})
CSV_MAP = "post_id=msg_id,account_id=user,account_name=handle,created_at=when,text=body"


def invoke(*args: str):
    return runner.invoke(app, [str(arg) for arg in args])


def info_json(workspace) -> dict:
    result = invoke("info", "--workspace", workspace, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def case(tmp_path):
    return tmp_path / "case.duckdb"


def test_ingest_then_info(case, fixtures_dir):
    result = invoke(
        "ingest", fixtures_dir / "io_archive.csv", fixtures_dir / "article.txt", "-w", case
    )
    assert result.exit_code == 0, result.output
    assert "7 posts, 1 article ingested; 2 records quarantined" in result.stdout
    assert result.stderr == ""
    result = invoke("info", "--workspace", case)
    assert result.exit_code == 0, result.output
    for heading in ("Posts by platform", "Post types", "Quarantine reasons (top 10)"):
        assert heading in result.stdout
    assert "twitter" in result.stdout and "2016-11-08 13:05:00" in result.stdout
    summary = info_json(case)
    assert summary["path"] == str(case)
    assert summary["tables"] == {
        "posts": 7,
        "accounts": 4,
        "articles": 1,
        "quarantine": 2,
        "ingest_log": 2,
    }
    assert summary["platforms"] == [
        {
            "platform": "twitter",
            "posts": 7,
            "accounts": 4,
            "first": "2016-11-08 13:05:00",
            "last": "2016-11-08 23:58:00",
        }
    ]
    assert summary["post_types"] == {"post": 4, "reshare": 1, "reply": 1, "quote": 1}


def test_ingest_again_skips_the_file(case, fixtures_dir):
    assert invoke("ingest", fixtures_dir / "io_archive.csv", "-w", case).exit_code == 0
    result = invoke("ingest", fixtures_dir / "io_archive.csv", "-w", case)
    assert result.exit_code == 0, result.output
    assert "0 posts, 0 articles ingested; 0 records quarantined" in result.stdout
    assert "already ingested" in result.stdout
    assert info_json(case)["tables"]["posts"] == 7


def test_quarantine_shows_line_and_reason(case, fixtures_dir):
    assert invoke("ingest", fixtures_dir / "io_archive.csv", "-w", case).exit_code == 0
    result = invoke("quarantine", "--workspace", case)
    assert result.exit_code == 0, result.output
    assert "line 9" in result.stdout and "line 11" in result.stdout
    assert "expected 31 fields, found 11" in result.stdout
    limited = invoke("quarantine", "--workspace", case, "--limit", "1")
    assert "line 9" in limited.stdout and "line 11" not in limited.stdout


def test_formats_lists_every_reader(fixtures_dir):
    result = invoke("formats")
    assert result.exit_code == 0, result.output
    for fmt in FORMATS:
        assert fmt.name in result.stdout
    assert "(needs --map)" in result.stdout


def test_an_unknown_csv_fails_clearly_and_the_run_goes_on(case, fixtures_dir):
    unknown = fixtures_dir / "generic.csv"
    result = invoke("ingest", unknown, fixtures_dir / "io_archive.csv", "-w", case)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: {unknown}: not a format infoops recognises")
    assert "pass --map account_id=COL,created_at=COL,text=COL" in line
    assert "7 posts, 0 articles ingested; 2 records quarantined; 1 file could not be read" in (
        result.stdout
    )
    assert info_json(case)["tables"]["posts"] == 7


def test_errors_stay_on_one_line_in_a_narrow_terminal(case, fixtures_dir):
    unknown = fixtures_dir / "generic.csv"
    result = narrow.invoke(app, ["ingest", str(unknown), "-w", str(case)])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: {unknown}: not a format infoops recognises")


def test_ingest_with_map(case, fixtures_dir):
    result = invoke(
        "ingest",
        fixtures_dir / "generic.csv",
        "--map",
        CSV_MAP,
        "--map",
        "lang=language",
        "--platform",
        "telegram",
        "-w",
        case,
    )
    assert result.exit_code == 0, result.output
    assert "4 posts, 0 articles ingested; 1 record quarantined" in result.stdout
    summary = info_json(case)
    assert [(p["platform"], p["posts"], p["accounts"]) for p in summary["platforms"]] == [
        ("telegram", 4, 3)
    ]
    assert summary["languages"] == {"pt": 2, "ru": 1, "en": 1}


@pytest.mark.parametrize("bad", ["foo", "account_id=", "=user", f"{CSV_MAP},oops"])
def test_map_parse_errors(case, fixtures_dir, bad):
    result = invoke("ingest", fixtures_dir / "generic.csv", "--map", bad, "-w", case)
    assert result.exit_code == 1
    wrong = bad.rsplit(",", 1)[-1]
    assert result.stderr.splitlines() == [
        f"Error: --map expects FIELD=COLUMN pairs, got {wrong!r} (e.g. --map account_id=user)"
    ]
    assert not case.exists()  # a typo leaves no empty workspace behind


def test_map_unknown_field(case, fixtures_dir):
    result = invoke("ingest", fixtures_dir / "generic.csv", "--map", "likes=x", "-w", case)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: --map names unknown fields ['likes']; allowed: post_id, ")


def test_a_missing_path(case, tmp_path):
    missing = tmp_path / "nope.csv"
    result = invoke("ingest", missing, "-w", case)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {missing}: no such file or directory"]
    assert not Path(case).exists()


def test_an_empty_folder_is_an_error_naming_it(case, tmp_path, fixtures_dir):
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    for paths in ([empty], [fixtures_dir / "io_archive.csv", empty]):
        result = invoke("ingest", *paths, "-w", case)
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [f"Error: {empty}: the folder holds no file to read"]
        assert not Path(case).exists()  # checked before the workspace is made


def test_run_checks_inputs_and_output_folder_before_any_analysis(tmp_path, fixtures_dir):
    out = tmp_path / "out"
    result = invoke("run", tmp_path / "nope.csv", "--out", out)
    assert result.exit_code == 1 and not out.exists()
    assert result.stderr.splitlines() == [
        f"Error: {tmp_path / 'nope.csv'}: no such file or directory"
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke("run", empty, "--out", out)
    assert result.stderr.splitlines() == [f"Error: {empty}: the folder holds no file to read"]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "accounts.csv").write_text("my own notes\n")
    result = invoke("run", fixtures_dir / "io_archive.csv", "--out", mine)
    assert result.stderr.splitlines() == [
        f"Error: {mine} is not empty (accounts.csv): choose a new folder, or pass --force to "
        "write there (files of the same names are replaced)"
    ]
    assert (mine / "accounts.csv").read_text() == "my own notes\n"
    assert not (mine / "workspace.duckdb").exists()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    result = invoke("run", fixtures_dir / "io_archive.csv", "--out", a_file)
    assert result.stderr.splitlines() == [
        f"Error: {a_file}: --out must be a folder, and this is a file"
    ]


@pytest.mark.parametrize("command", ["info", "quarantine"])
def test_reading_a_missing_workspace(tmp_path, command):
    missing = tmp_path / "missing.duckdb"
    result = invoke(command, "--workspace", missing)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {missing}: no such workspace; create it with 'infoops ingest'"
    ]
    assert not missing.exists()


COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def test_the_core_commands_exist():
    assert {"ingest", "info", "quarantine", "formats"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Example" in result.stdout
    assert "infoops " in result.stdout.split("Example", 1)[1]


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"infoops {__version__}"


@pytest.mark.parametrize(
    "moment", ["Coordination - co_link", "Coordination - communities", "Writing the briefing"]
)
def test_ctrl_c_prints_one_line_at_any_moment(tmp_path, moment):
    """SIGINT during detection, community finding or the report (each found by the line
    the run prints as it starts): one line, exit code 130 (or death by the signal itself
    after that line), never a traceback."""
    import signal
    import subprocess
    import sys

    from infoops.simulate import simulate, write_io_csv

    csv, _ = write_io_csv(simulate(4_000, seed=2), tmp_path / "posts.csv.gz")
    command = [sys.executable, "-m", "infoops", "run", str(csv), "--out", str(tmp_path / "out"),
               "--no-content"]  # fmt: skip
    # As from a shell: SIGINT at its default, whatever an earlier test left in this process
    # (a child inherits an ignored SIGINT, and Python then keeps ignoring it).
    child = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert child.stderr is not None
    seen = []
    for line in child.stderr:
        seen.append(line)
        if moment in line:
            break
    assert child.poll() is None, f"the run ended before {moment!r}: {''.join(seen)}"
    child.send_signal(signal.SIGINT)
    err = "".join(seen) + child.stderr.read()
    child.wait(timeout=120)
    assert child.returncode in (130, -signal.SIGINT), err
    assert err.strip().splitlines()[-1:] == [
        "Interrupted: the workspace keeps what was committed before."
    ]
    assert "Traceback" not in err
