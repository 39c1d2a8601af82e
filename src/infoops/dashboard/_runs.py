"""Runs started from the dashboard: ``infoops run`` in a child process, its progress kept.

The served workspace stays read-only: a run writes a new results folder (its own
workspace inside) under the runs folder, and the page polls its progress. When it
has finished the analyst can open its workspace in the dashboard.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# The lines ``infoops run`` prints as it goes, in order: progress is the share seen.
STEPS = (
    ("ingested", " ingested;"),
    ("coordination signals", "Coordination - co_"),
    ("communities", "Coordination - communities"),
    ("coordination files", "Coordination - outputs"),
    ("election-integrity tags", "Content - election-integrity"),
    ("known false claims", "Content - known false claims"),
    ("narratives", "Content - narratives"),
    ("briefing written", "campaigns.json"),
)
MAX_LINES = 2_000


@dataclass
class Run:
    """One child process and what it has printed so far."""

    run_id: str
    inputs: list[str]
    out_dir: Path
    process: subprocess.Popen
    started: float = field(default_factory=time.time)
    lines: list[str] = field(default_factory=list)
    finished: float | None = None
    returncode: int | None = None

    def state(self) -> dict:
        """Status, the step reached, a progress fraction and the recent output."""
        reached = [name for name, marker in STEPS if any(marker in ln for ln in self.lines)]
        status = "running" if self.returncode is None else (
            "finished" if self.returncode == 0 else "failed")  # fmt: skip
        progress = 1.0 if status == "finished" else min(0.95, (len(reached) + 1) / (len(STEPS) + 1))
        return {
            "run_id": self.run_id,
            "inputs": self.inputs,
            "out_dir": str(self.out_dir),
            "status": status,
            "step": reached[-1] if reached else "starting",
            "progress": round(progress, 3),
            "elapsed_s": round((self.finished or time.time()) - self.started, 1),
            "returncode": self.returncode,
            "lines": self.lines[-200:],
            "workspace": str(self.workspace) if self.workspace.exists() else None,
        }

    @property
    def workspace(self) -> Path:
        return self.out_dir / "workspace.duckdb"


class RunError(ValueError):
    """A run that cannot start: the message says why (shown in the page)."""


class Runs:
    """The runs started from this dashboard, each writing under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._runs: dict[str, Run] = {}
        self._lock = threading.Lock()

    def start(self, inputs: list[str], content: bool = True) -> Run:
        """Start ``infoops run INPUTS --out ROOT/run-TIME`` in the background."""
        paths = [Path(p).expanduser() for p in inputs if p.strip()]
        if not paths:
            raise RunError("give at least one input file or folder")
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise RunError(f"no such file or folder: {', '.join(missing)}")
        with self._lock:
            run_id = datetime.now().strftime("run-%Y%m%d-%H%M%S") + f"-{len(self._runs) + 1}"
            out_dir = self.root / run_id
            out_dir.mkdir(parents=True, exist_ok=False)
            command = [sys.executable, "-m", "infoops.cli", "run", *map(str, paths),
                       "--out", str(out_dir)] + ([] if content else ["--no-content"])  # fmt: skip
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                stdin=subprocess.DEVNULL, env=_child_env(),
            )  # fmt: skip
            run = Run(run_id, [str(p) for p in paths], out_dir, process)
            self._runs[run_id] = run
        threading.Thread(target=_follow, args=(run,), daemon=True).start()
        return run

    def get(self, run_id: str) -> Run | None:
        return self._runs.get(run_id)

    def all(self) -> list[Run]:
        return sorted(self._runs.values(), key=lambda r: -r.started)

    def stop_all(self) -> None:
        """Terminate the children still running (the server is shutting down)."""
        for run in self._runs.values():
            if run.returncode is None:
                run.process.terminate()


def _follow(run: Run) -> None:
    """Collect the child's output line by line until it exits."""
    assert run.process.stdout is not None
    for line in run.process.stdout:
        run.lines.append(line.rstrip())
        if len(run.lines) > MAX_LINES:
            del run.lines[: len(run.lines) - MAX_LINES]
    run.returncode = run.process.wait()
    run.finished = time.time()


def _child_env() -> dict[str, str]:
    """Unbuffered output (lines arrive as printed) at a fixed width (no odd wrapping)."""
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    env["COLUMNS"] = "120"  # rich wraps at this width when not on a terminal
    return env
