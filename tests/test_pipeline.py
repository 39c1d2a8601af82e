"""The pipeline: one ``run`` that sequences every stage and reports progress as events;
every table a run writes opens by name; start-up loads nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from infoops import Workspace
from infoops.pipeline import STAGES, Event, RunConfig, run
from infoops.simulate import simulate, write_io_csv
from infoops.workspace._schema import INPUT_TABLES, MIGRATIONS, RESULT_TABLES, TABLES


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A run over 2,000 simulated posts (no content stages: they need the encoders)."""
    folder = tmp_path_factory.mktemp("run")
    csv, _ = write_io_csv(simulate(2_000, seed=3), folder / "posts.csv.gz")
    events: list[Event] = []
    result = run([csv], folder / "out", config=RunConfig(content=False), on_event=events.append)
    return folder / "out", result, events


def test_every_stage_starts_then_ends_in_order(finished_run):
    _, result, events = finished_run
    ends = [e.stage for e in events if e.status in ("finished", "skipped")]
    assert ends == list(STAGES)
    for stage in STAGES:
        statuses = [e.status for e in events if e.stage == stage]
        assert statuses[-1] in ("finished", "skipped")
        if statuses[-1] == "finished":
            assert statuses[0] == "started"
    skipped = {e.stage: e.step for e in events if e.status == "skipped"}
    assert skipped == {
        "integrity": "--no-content",
        "claims": "--no-content",
        "narratives": "--no-content",
        "statements": "--no-content",
        "laundering": "no articles",
    }
    assert result.ingest.total("posts_added") == 2_000


def test_coordination_progress_names_each_signal_then_communities(finished_run):
    _, result, events = finished_run
    steps = [e.step for e in events if e.stage == "coordination" and e.status == "progress"]
    assert steps == [s.signal for s in result.coordination.signals] + ["communities", "outputs"]
    done = [e.done for e in events if e.stage == "coordination" and e.status == "progress"]
    assert done == sorted(done) and done[0] == 0


def test_events_are_json_lines(finished_run):
    _, _, events = finished_run
    for event in events:
        decoded = json.loads(event.to_json())
        assert decoded["stage"] == event.stage and decoded["status"] == event.status


def test_every_table_the_run_wrote_opens_by_name(finished_run):
    out, _, _ = finished_run
    with Workspace(out / "workspace.duckdb", read_only=True) as ws:
        written = {
            row[0]
            for row in ws.sql(
                "SELECT table_name FROM duckdb_tables() WHERE NOT temporary"
            ).fetchall()
        } - {"infoops_meta"}
        assert written <= set(TABLES), f"undeclared tables: {written - set(TABLES)}"
        for name in written:
            assert ws.table(name, "arrow").num_rows == ws[name].count("*").fetchall()[0][0]
        assert "campaigns" in ws and ws["campaigns"].df().shape[0] > 0
        assert set(ws.tables) == written
        with pytest.raises(KeyError, match="'infoops claims match' writes it"):
            ws["claim_matches"]


def test_every_result_table_names_the_command_that_writes_it():
    assert {t.name for t in RESULT_TABLES}.isdisjoint(INPUT_TABLES)
    for table in RESULT_TABLES:
        assert table.stage.split()[0] in set(STAGES) - {"ingest", "report"}
        assert table.about


def test_a_workspace_from_numbered_migrations_is_not_migrated_again(tmp_path):
    path = tmp_path / "old.duckdb"
    with Workspace(path):
        pass
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM infoops_meta")
    con.execute("INSERT INTO infoops_meta VALUES ('schema_version', '1')")
    con.close()
    with Workspace(path) as ws:  # would fail creating posts a second time
        assert ws["posts"].count("*").fetchall()[0][0] == 0
        keys = {r[0] for r in ws.sql("SELECT key FROM infoops_meta").fetchall()}
    assert f"migration:{MIGRATIONS[0][0]}" not in keys  # counted as applied, not re-run


def test_claim_matches_of_an_older_infoops_get_the_stance_columns(tmp_path):
    """A workspace matched before stance existed still opens in the report and dashboard:
    its matches get empty rank and stance columns, read as asserting."""
    path = tmp_path / "old.duckdb"
    with Workspace(path):
        pass
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE claim_matches (kind VARCHAR, text_key UBIGINT, article_id VARCHAR,
                   evidence VARCHAR, claim_id VARCHAR, score DOUBLE, cosine DOUBLE,
                   coverage DOUBLE, status VARCHAR)""")  # fmt: skip
    con.execute(
        "INSERT INTO claim_matches VALUES ('post', 1, NULL, 'x', 'c', 0.9, 0.8, 0.7, 'match')"
    )
    con.execute("DELETE FROM infoops_meta WHERE key = 'migration:claim_matches_with_stance'")
    con.close()
    with Workspace(path) as ws:
        row = ws.sql("SELECT status, rank, stance FROM claim_matches").fetchall()
    assert row == [("match", None, None)]


@pytest.mark.parametrize(
    "code",
    [
        "import infoops",
        "import infoops.cli",
        "from infoops.cli import app; from typer.testing import CliRunner; "
        "CliRunner().invoke(app, ['--help'])",
    ],
)
def test_start_up_loads_no_heavy_library(code):
    heavy = ["numba", "pandas", "scipy", "sklearn", "duckdb", "pyarrow", "bm25s", "tldextract"]
    probe = f"{code}\nimport sys\nprint([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"


def test_kill_9_part_way_through_a_stage_keeps_the_previous_complete_results(tmp_path):
    """Coordination killed at two moments: the workspace still holds the previous run's
    complete results (co_reshare only), and info and report still work."""
    import signal

    ws_path = tmp_path / "case.duckdb"
    csv, _ = write_io_csv(simulate(6_000, seed=4), tmp_path / "posts.csv.gz")
    cli = [sys.executable, "-m", "infoops"]

    def infoops(*args: object) -> subprocess.CompletedProcess:
        return subprocess.run([*cli, *map(str, args)], capture_output=True, text=True)

    assert infoops("ingest", csv, "-w", ws_path).returncode == 0
    done = infoops(
        "coordination", "-w", ws_path, "--out", tmp_path / "first", "--signals", "co_reshare"
    )
    assert done.returncode == 0, done.stderr

    def state() -> tuple:
        with Workspace(ws_path, read_only=True) as ws:
            signals = ws.sql("SELECT DISTINCT signal FROM coordination_edges ORDER BY 1").fetchall()
            return signals, ws.table("campaigns", "arrow"), ws.table("campaign_accounts", "arrow")

    before = state()
    assert before[0] == [("co_reshare",)] and before[1].num_rows > 0
    for moment in ("co_link", "communities"):
        child = subprocess.Popen(
            [*cli, "coordination", "-w", str(ws_path), "--out", str(tmp_path / moment)],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        for line in child.stderr:
            if f"Coordination - {moment}" in line:
                break
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        after = state()
        assert after[0] == before[0]
        assert after[1].equals(before[1]) and after[2].equals(before[2])
        assert infoops("info", "-w", ws_path).returncode == 0
        report = infoops("report", "-w", ws_path, "--out", tmp_path / f"report-{moment}")
        assert report.returncode == 0, report.stderr
