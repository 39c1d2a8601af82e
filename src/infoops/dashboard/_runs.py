"""Runs started from the dashboard: ``infoops run`` in a child process, its progress kept.

The served workspace stays read-only: a run writes a new results folder (its own
workspace inside) under the runs folder, and the page polls its progress. When it
has finished the analyst can open its workspace in the dashboard.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..pipeline import EVENTS, STAGES

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
        """Status, the stage reached, a progress fraction and the recent output."""
        status = "running" if self.returncode is None else (
            "finished" if self.returncode == 0 else "failed")  # fmt: skip
        step, fraction = self.stage()
        progress = 1.0 if status == "finished" else min(0.95, fraction)
        return {
            "run_id": self.run_id,
            "inputs": self.inputs,
            "out_dir": str(self.out_dir),
            "status": status,
            "step": step,
            "progress": round(progress, 3),
            "elapsed_s": round((self.finished or time.time()) - self.started, 1),
            "returncode": self.returncode,
            "lines": self.lines[-200:],
            "workspace": str(self.workspace) if self.workspace.exists() else None,
        }

    def stage(self) -> tuple[str, float]:
        """The stage under way (its step, e.g. a coordination signal, in brackets) and the
        share of stages ended, from the events the run has written so far."""
        ended, current = set(), "starting"
        for event in self.events():
            if event.get("status") in ("finished", "skipped"):
                ended.add(event.get("stage"))
            if event.get("status") in ("started", "progress"):
                step = event.get("step")
                current = event["stage"] + (f" ({step})" if step else "")
        return current, len(ended & set(STAGES)) / len(STAGES)

    def events(self) -> list[dict]:
        """The events written so far; a line still being written is left for next time."""
        try:
            text = (self.out_dir / EVENTS).read_text(encoding="utf-8")
        except OSError:
            return []
        return [json.loads(line) for line in text.split("\n")[:-1] if line]

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
            command = [
                sys.executable,
                "-m",
                "infoops.cli",
                "run",
                *map(str, paths),
                "--out",
                str(out_dir),
                "--events",
                str(out_dir / EVENTS),
            ]
            command += [] if content else ["--no-content"]
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
