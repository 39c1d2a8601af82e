"""Helpers shared by the benchmarks: locate shared data, time a command, record results."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"


def require_shared(relative: str) -> Path:
    path = SHARED / relative
    if not path.exists():
        sys.exit(f"benchmark needs {path} (../shared/data beside the repository); not found")
    return path


def timed(command: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run ``command``; wall seconds and peak resident memory (MiB) of the child."""
    started = time.perf_counter()
    wrapped = ["/usr/bin/time", "-f", "%M", *command] if Path("/usr/bin/time").exists() else command
    done = subprocess.run(
        wrapped, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed: {done.stderr[-2000:]}")
    peak_kb = int(done.stderr.strip().splitlines()[-1]) if wrapped is not command else 0
    return {
        "seconds": round(seconds, 2),
        "peak_mib": round(peak_kb / 1024, 1),
        "stdout": done.stdout.strip()[-2000:],
    }


def median_run(runs: list[dict], key) -> dict:
    """The run at the median of ``key(run)`` (the upper one of an even count)."""
    return sorted(runs, key=key)[len(runs) // 2]


def compute_seconds(run: dict) -> float:
    """The compute time a benchmark child printed last on its standard output."""
    return float(run["stdout"].split()[-1])


def machine() -> dict[str, str | int]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count() or 0,
        "platform": platform.platform(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_results(name: str, results: dict, lines: list[str]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def add_workspace_option(parser) -> None:
    parser.add_argument(
        "--workspace", type=Path, help="a workspace that already holds the IRA data"
    )


@contextmanager
def ira_workspace(path: Path | None) -> Iterator:
    """A workspace holding the whole IRA archive: ``path`` (ingested if it has no posts yet),
    or a temporary one."""
    from infoops import Workspace

    tweets = require_shared("ira/tweets.csv.gz")
    with (
        tempfile.TemporaryDirectory(prefix="infoops-ira-") as tmp,
        Workspace(path or Path(tmp) / "ira.duckdb") as ws,
    ):
        if ws.sql("SELECT count(*) FROM posts").fetchall()[0][0] == 0:
            ws.ingest([tweets])
        yield ws
