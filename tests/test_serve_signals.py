"""``infoops serve`` ends cleanly on Ctrl+C (SIGINT) and on SIGTERM, at once after start-up
while the dashboard still builds its caches in the background: exit 0 with a last line,
never an abort ('terminate called ...', exit 134) or a traceback."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from infoops.pipeline import RunConfig, run
from infoops.simulate import simulate, write_io_csv

STOPS = 20


@pytest.fixture(scope="module")
def small_workspace(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("serve")
    csv, _ = write_io_csv(simulate(1_000, seed=5), folder / "posts.csv.gz")
    return run([csv], folder / "out", config=RunConfig(content=False)).workspace


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(child: subprocess.Popen, port: int, limit: float = 60) -> None:
    """Until the dashboard answers a request (an open port alone is not a started app)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert child.poll() is None, child.communicate()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/runs", timeout=2):
                return
        except OSError:
            time.sleep(0.02)
    pytest.fail(f"infoops serve did not answer on port {port} within {limit} s")


def _start(workspace: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    child = subprocess.Popen(
        [sys.executable, "-m", "infoops", "serve", "-w", str(workspace), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # as from a shell, whatever an earlier test left ignored in this process
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    return child, port


def test_serve_stops_cleanly_on_sigint_and_sigterm_every_time(small_workspace):
    """Two servers at a time (one stopped by each signal), ten times: twenty stops."""
    for attempt in range(STOPS // 2):
        children = [_start(small_workspace) for _ in range(2)]
        try:
            for (child, port), sent in zip(children, (signal.SIGINT, signal.SIGTERM), strict=True):
                _wait_until_serving(child, port)
                child.send_signal(sent)
            for (child, _), sent in zip(children, (signal.SIGINT, signal.SIGTERM), strict=True):
                out, err = child.communicate(timeout=60)
                said = f"attempt {attempt}, {sent.name}: exit {child.returncode}\n{out}\n{err}"
                assert child.returncode in (0, 130), said
                assert "terminate called" not in err and "Traceback" not in err, said
                assert out.strip().splitlines()[-1] == "Dashboard stopped.", said
        finally:
            for child, _ in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
