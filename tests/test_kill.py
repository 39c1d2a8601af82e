"""kill -9 at any moment of a step leaves the workspace with that step's previous complete
results or its new ones, never a part. One case is taken step by step (a "journey"):
every step that writes results is killed at several moments (a fraction of the
step's clean time, an event it logs with ``--events``, or right after its Nth statement
writing a result table: between two tables of one step, or after the last before
COMMIT, moments a timer cannot hit), then run again. Each state a kill leaves opens in
``info`` and every dashboard route, and ``report`` works; each step run again writes
the bytes of a clean ``infoops run`` of the same input, and so, at the end, does every
output: CSVs, graphs, briefing, PDF and Parquet tables (the ingest log's wall-clock
times stay in the workspace). test_pipeline.py kills coordination over earlier results.

The case: 1,500 simulated posts, election-integrity texts among them, and six articles.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from infoops import Workspace
from infoops.cli import app as cli
from infoops.dashboard import create_app
from infoops.pipeline import STAGES
from infoops.report._exports import UNREPRODUCIBLE
from infoops.simulate import simulate, write_io_csv
from infoops.workspace._schema import INPUT_TABLES, RESULT_TABLES
from infoops.workspace._tables import has_table

# One fresh process per kill, each loading models and the claim catalogue: minutes, so
# the kill tests run with the slow evaluations (.ci/run runs both sets on every CI run).
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
CLI = [sys.executable, "-m", "infoops"]


@dataclass(frozen=True)
class Fraction:
    """This share of the step's time in a clean run, counted from its ``started`` event."""

    share: float


@dataclass(frozen=True)
class AtEvent:
    """The moment the step logs its first event with this status and step."""

    status: str
    step: str = ""


@dataclass(frozen=True)
class AfterWrites:
    """Right after the step's ``count``-th statement that writes one of its result tables."""

    count: int


Moment = Fraction | AtEvent | AfterWrites
# Each step after ingest: its command and its moments. Claims and narratives take
# the longest (models, a 10,000-claim catalogue), so they get fewer moments.
STEPS: dict[str, tuple[list[str], list[Moment]]] = {
    # coordination: its three tables made, empty; half of its signals written; the fused
    # graph and campaign_accounts written but not campaigns (what a kill left before)
    "coordination": (["coordination"], [AfterWrites(3), AfterWrites(17), AfterWrites(34)]),
    "actors": (["actors", "match"], [Fraction(0.5), AfterWrites(1), AfterWrites(2)]),
    "integrity": (["integrity"], [AtEvent("progress", "posts"), AfterWrites(1),
                                  AtEvent("finished")]),
    "claims": (["claims", "match"], [AtEvent("progress", "texts"), AfterWrites(2)]),
    "narratives": (["narratives"], [Fraction(0.5), AfterWrites(1), AfterWrites(3)]),
    "statements": (["statements"], [AtEvent("progress", "documents"), AfterWrites(1)]),
    "laundering": (["laundering"], [AtEvent("progress", "sentences"), AfterWrites(1),
                                    AfterWrites(3), Fraction(0.9)]),
}  # fmt: skip

# The CLI in a child whose workspace connection SIGKILLs the process right after the
# statement that makes COUNT writes to TABLES (argv: COUNT TABLES infoops-arguments...).
KILL_AFTER_WRITES = r"""
import os, re, signal, sys
from infoops.workspace import _workspace

count, tables = int(sys.argv[1]), sys.argv[2].split(",")
writes = re.compile(r"\b(?:CREATE(?: OR REPLACE)? TABLE|INSERT INTO|DROP TABLE(?: IF EXISTS)?"
                    r"|ALTER TABLE|UPDATE|DELETE FROM)\s+(?:" + "|".join(tables) + r")\b", re.I)

class Killing:
    def __init__(self, con):
        self.con, self.seen = con, 0

    def __getattr__(self, name):
        return getattr(self.con, name)

    def execute(self, query, *args, **kwargs):
        result = self.con.execute(query, *args, **kwargs)
        self.seen += len(writes.findall(query)) if isinstance(query, str) else 0
        if count and self.seen >= count:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

opened = _workspace.Workspace.__init__

def init(self, *args, **kwargs):
    opened(self, *args, **kwargs)
    self.con = Killing(self.con)

_workspace.Workspace.__init__ = init
from infoops.cli import app

app(sys.argv[3:], prog_name="infoops")
"""


def _tables_of(step: str) -> list[str]:
    """The result tables ``step`` writes (``claims match``, not ``claims add``)."""
    command = " ".join(STEPS[step][0])
    return [t.name for t in RESULT_TABLES if t.stage == command]


def _fingerprint(ws: Workspace, table: str) -> tuple | None:
    """Rows and an order-free hash of ``table``'s content (without the ingest log's
    wall-clock times); None when the table is absent."""
    if not has_table(ws.con, table):
        return None
    left_out = ", ".join(UNREPRODUCIBLE.get(table, ()))
    rows = f"(SELECT * EXCLUDE ({left_out}) FROM {table})" if left_out else table
    return tuple(ws.sql(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {rows} t").fetchall()[0])


def _fingerprints(path: Path, tables: list[str]) -> dict[str, tuple | None]:
    with Workspace(path, read_only=True) as ws:
        return {table: _fingerprint(ws, table) for table in tables}


def _infoops(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


def _inputs(folder: Path) -> list[Path]:
    """Simulated posts, 60 of them with the election-integrity fixture's texts (so that
    the integrity step tags something), and the six laundering articles."""
    sim = simulate(1_500, seed=3)
    lines = (FIXTURES / "election_integrity.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if json.loads(line)["tags"]][:60]
    column = sim.posts["text"].to_pylist()
    for i, text in enumerate(texts):
        column[i * 20] = text
    posts = sim.posts.set_column(
        sim.posts.schema.get_field_index("text"), "text", pa.array(column, pa.string())
    )
    csv, _ = write_io_csv(replace(sim, posts=posts), folder / "posts.csv")
    articles = folder / "articles.jsonl"
    shutil.copy(FIXTURES / "laundering_articles.jsonl", articles)
    return [csv, articles]


def _timed_run(args: list, events: Path) -> dict[str, float]:
    """Run ``infoops ARGS --events EVENTS`` to its end; each stage's seconds from its
    ``started`` to its ``finished`` event, as the events appeared."""
    child = subprocess.Popen([*CLI, *map(str, args), "--events", str(events)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    seen, began, seconds = 0, {}, {}
    while True:
        ended = child.poll() is not None
        lines = events.read_text(encoding="utf-8").splitlines() if events.exists() else []
        now = time.perf_counter()
        for line in lines[seen:]:
            event = json.loads(line)
            if event["status"] == "started":
                began[event["stage"]] = now
            elif event["status"] == "finished":
                seconds[event["stage"]] = now - began[event["stage"]]
        seen = len(lines)
        if ended:
            assert child.returncode == 0, child.stderr.read()
            return seconds
        time.sleep(0.005)


@dataclass
class Clean:
    """The case run whole by ``infoops run`` and ``report --parquet``, never killed: its
    output folder, each step's seconds and each step's tables."""

    inputs: list[Path]
    out: Path
    seconds: dict[str, float] = field(default_factory=dict)
    tables: dict[str, dict[str, tuple | None]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Clean:
    root = tmp_path_factory.mktemp("clean")
    case = Clean(_inputs(root), root / "out")
    case.seconds = _timed_run(["run", *case.inputs, "--out", case.out], root / "events.jsonl")
    report = _infoops("report", "-w", case.out / "workspace.duckdb", "--out", case.out,
                      "--parquet")  # fmt: skip
    assert report.returncode == 0, report.stderr
    case.tables["ingest"] = _fingerprints(case.out / "workspace.duckdb", list(INPUT_TABLES))
    for step in STEPS:
        case.tables[step] = _fingerprints(case.out / "workspace.duckdb", _tables_of(step))
    return case


@dataclass
class Journey:
    """The same case taken step by step into one workspace and folder, where the tests
    kill each step and run it again; ``through`` runs plainly what no test has done yet,
    so that any test also runs alone."""

    inputs: list[Path]
    ws: Path
    out: Path
    done: list[str] = field(default_factory=list)

    def command(self, step: str) -> list:
        if step == "ingest":
            return ["ingest", *self.inputs, "-w", self.ws]
        if step == "report":
            return ["report", "-w", self.ws, "--out", self.out, "--parquet"]
        words = STEPS[step][0] if step in STEPS else [step]
        return [*words, "-w", self.ws, "--out", self.out]

    def through(self, step: str) -> None:
        """Run every step before ``step`` that has not run yet."""
        for earlier in STAGES[: STAGES.index(step)]:
            if earlier not in self.done:
                done = _infoops(*self.command(earlier))
                assert done.returncode == 0, done.stderr
                self.done.append(earlier)


@pytest.fixture(scope="module")
def journey(clean, tmp_path_factory) -> Journey:
    root = tmp_path_factory.mktemp("journey")
    return Journey(clean.inputs, root / "case.duckdb", root / "out")


def _kill_at(args: list, moment: Moment, seconds: float, tables: list[str], events: Path) -> str:
    """Start ``infoops ARGS`` and SIGKILL it at ``moment`` (``seconds``: the step's time in
    the clean run; ``tables``: those whose writes ``AfterWrites`` counts). Returns the last
    event it logged, to say where a failing kill landed."""
    events.unlink(missing_ok=True)
    count = moment.count if isinstance(moment, AfterWrites) else 0
    child = subprocess.Popen(
        [sys.executable, "-c", KILL_AFTER_WRITES, str(count), ",".join(tables),
         *map(str, args), "--events", str(events)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        if isinstance(moment, AfterWrites):
            child.wait(timeout=600)
            assert child.returncode == -signal.SIGKILL, f"{moment}: ended {child.stderr.read()}"
        elif isinstance(moment, AtEvent):
            _wait_for_event(child, events, moment)
        elif _wait_for_event(child, events, AtEvent("started"), missed_ok=True):
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=moment.share * seconds)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    logged = events.read_text(encoding="utf-8").splitlines() if events.exists() else []
    return logged[-1] if logged else "no event"


def _wait_for_event(
    child: subprocess.Popen, events: Path, moment: AtEvent, missed_ok: bool = False
) -> bool:
    """Wait until ``child`` logs ``moment``; whether it did before it ended."""
    while child.poll() is None:
        for line in events.read_text(encoding="utf-8").splitlines() if events.exists() else []:
            event = json.loads(line)
            if event["status"] == moment.status and event.get("step", "") == moment.step:
                return True
        time.sleep(0.002)
    if not missed_ok:
        pytest.fail(f"the step ended (exit {child.returncode}) before {moment}")
    return False


def _routes(client: TestClient) -> list[str]:
    """Every read route of the dashboard, with the first campaign, account, narrative,
    claim and article the workspace holds."""
    routes = ["/", "/api/summary", "/api/campaigns", "/api/network", "/api/network.bin",
              "/api/narratives", "/api/claims", "/api/laundering", "/api/runs"]  # fmt: skip
    routes += [f"/api/export/{name}" for name in ("accounts.csv", "edges.csv", "evidence.csv",
               "campaigns.csv", "network.gexf", "network.graphml", "campaigns.json",
               "briefing.html")]  # fmt: skip
    campaigns = client.get("/api/campaigns").json()["campaigns"]
    if campaigns:
        first = campaigns[0]["campaign_id"]
        routes += [f"/api/campaigns/{first}", f"/api/campaigns/{first}/timeline"]
        members = client.get(f"/api/campaigns/{first}").json()["members"]
        routes.append(f"/api/accounts/{members[0]['account_id']}")
    narratives = client.get("/api/narratives").json()
    if narratives:
        routes.append(f"/api/narratives/{narratives[0]['narrative']}")
    claims = client.get("/api/claims").json()
    if claims:
        routes.append(f"/api/claim?id={claims[0]['claim_id']}")
    groups = client.get("/api/laundering").json()
    if groups:
        routes.append(f"/api/articles/{groups[0]['origin_id']}")
    return routes


def _check_opens(path: Path, tmp_path: Path) -> None:
    """``info`` and every dashboard route work on the workspace a kill left."""
    info = CliRunner().invoke(cli, ["info", "-w", str(path)])
    assert info.exit_code == 0, info.output
    app = create_app(path, runs_dir=tmp_path / "runs", warm_caches=False)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        for route in _routes(client):
            answer = client.get(route)
            assert answer.status_code in (200, 409), (route, answer.status_code, answer.text)


def _check_report(path: Path, out: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "-w", str(path), "--out", str(out)])
    assert result.exit_code == 0 and result.exception is None, result.output
    assert (out / "briefing.html").stat().st_size > 0


def test_ingest_killed_at_any_moment_keeps_whole_files_only(clean, journey, tmp_path):
    """Killed the moment the workspace file appears, while the first file is staged,
    between its writes, at the first write of the second file and late: no workspace or
    a valid one, holding each input file whole or not at all; ingesting again adds what
    is missing and gives the clean tables."""
    ws = journey.ws if not journey.done else tmp_path / "case.duckdb"
    args = ["ingest", *clean.inputs, "-w", ws]
    _kill_when_created(args, ws)
    if ws.exists():  # then whole: a valid, empty workspace
        _check_opens(ws, tmp_path)
        assert _fingerprints(ws, ["posts", "articles"]) == {"posts": (0, None),
                                                            "articles": (0, None)}  # fmt: skip
    staging = AtEvent("progress", f"{clean.inputs[0].name} (twitter-io-csv)")
    for moment in (staging, AfterWrites(1), AfterWrites(4), AfterWrites(5), Fraction(0.9)):
        _kill_at(args, moment, clean.seconds["ingest"], list(INPUT_TABLES),
                 tmp_path / "events.jsonl")  # fmt: skip
        _check_whole_files(ws, clean)
        _check_opens(ws, tmp_path)
    again = _infoops(*args)
    assert again.returncode == 0, again.stderr
    assert _fingerprints(ws, list(INPUT_TABLES)) == clean.tables["ingest"]
    if ws == journey.ws:
        journey.done.append("ingest")


def _kill_when_created(args: list, path: Path) -> None:
    """SIGKILL ``infoops ARGS`` as soon as ``path`` exists (polled every 0.2 ms)."""
    child = subprocess.Popen([*CLI, *map(str, args)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)  # fmt: skip
    while not path.exists() and child.poll() is None:
        time.sleep(0.0002)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)


def _check_whole_files(path: Path, clean: Clean) -> None:
    """Each input file the workspace logs has all its rows, as in the clean run; a file it
    does not log has none."""
    counted = "SELECT source_file, count(*) FROM {} GROUP BY 1"
    with Workspace(path, read_only=True) as ws:
        logged = {r[0] for r in ws.sql("SELECT source_file FROM ingest_log").fetchall()}
        left = {t: dict(ws.sql(counted.format(t)).fetchall()) for t in ("posts", "articles")}
    with Workspace(clean.out / "workspace.duckdb", read_only=True) as ws:
        whole = {t: dict(ws.sql(counted.format(t)).fetchall()) for t in ("posts", "articles")}
    for table, rows in left.items():
        assert rows == {f: n for f, n in whole[table].items() if f in logged}, (table, logged)


@pytest.mark.parametrize("step", list(STEPS))
def test_a_step_killed_at_any_moment_leaves_none_or_all_of_its_results(
    clean, journey, step, tmp_path
):
    journey.through(step)
    command, moments = STEPS[step]
    tables = _tables_of(step)
    absent = dict.fromkeys(tables)
    opened = []  # each state a kill left (none or all of the results) is opened once
    for moment in moments:
        last = _kill_at([*command, "-w", journey.ws, "--out", tmp_path / "killed"], moment,
                        clean.seconds[step], tables, tmp_path / "events.jsonl")  # fmt: skip
        left = _fingerprints(journey.ws, tables)
        assert left in (absent, clean.tables[step]), (moment, last, left)
        if left not in opened:
            _check_opens(journey.ws, tmp_path)
            opened.append(left)
    _check_report(journey.ws, tmp_path / "report")
    again = _infoops(*command, "-w", journey.ws, "--out", tmp_path / "again")
    assert again.returncode == 0, again.stderr
    assert _fingerprints(journey.ws, tables) == clean.tables[step]
    written, expected = _files(tmp_path / "again"), _files(clean.out)
    assert written and written.keys() <= expected.keys()
    assert [name for name, content in written.items() if content != expected[name]] == []
    shutil.copytree(tmp_path / "again", journey.out, dirs_exist_ok=True)
    journey.done.append(step)


def test_after_every_kill_every_output_is_the_bytes_of_a_clean_run(clean, journey):
    """The journey (its own ingest, every step killed and run again) and ``infoops run``
    write the same files, byte for byte: two runs of the same input agree."""
    journey.through("report")
    report = _infoops(*journey.command("report"))
    assert report.returncode == 0, report.stderr
    written, expected = _files(journey.out), _files(clean.out)
    del expected["workspace.duckdb"]
    assert written.keys() == expected.keys()
    assert "tables/ingest_log.parquet" in written and "briefing.pdf" in written
    assert [name for name, content in written.items() if content != expected[name]] == []
