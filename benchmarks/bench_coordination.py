"""Coordination speed on the real IRA archive, beside coordination-network-toolkit, same run.

Run: python benchmarks/bench_coordination.py [--window 60] [--before REV]
Writes benchmarks/results/coordination.{json,md}.

With ``--before REV``, the code of that revision (``git archive``) runs the same
steps in alternation with this checkout, so a change is measured before and after
in one run on the same machine.

Both tools get the same 1,312,174 tweets (infoops ingests the original CSV; the
peer gets the workspace's posts in its CSV layout, with the same normalised URLs
and the same retweet keys) and compute raw pairs at the same window:
co-retweet (ours: co_reshare), co-tweet (ours: identical_text) and co-link. The
peer runs with --n_cpus 2 (this machine's cores). Loading is timed apart from
computing for both; ratios are peer time / infoops time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    ROOT,
    compute_seconds,
    machine,
    median_run,
    require_shared,
    timed,
    write_results,
)

from infoops import Workspace
from infoops.report import write_peer_csv

PAIRS = {"co_retweet": "co_reshare", "co_tweet": "identical_text", "co_link": "co_link"}

PEER = """
import sys, time
from coordination_network_toolkit import compute_networks as cn
functions = {
    "co_retweet": cn.compute_co_retweet_parallel,
    "co_tweet": cn.compute_co_tweet_network,
    "co_link": cn.compute_co_link_network,
}
started = time.perf_counter()
functions[sys.argv[2]](sys.argv[1], float(sys.argv[3]), n_threads=2)
print(time.perf_counter() - started)
"""

SIGNAL = """
import sys, time
from infoops import Workspace
from infoops.report import write_peer_csv
from infoops.detectors.coordination import raw_pairs
with Workspace(sys.argv[1]) as ws:
    started = time.perf_counter()
    table = raw_pairs(ws.con, sys.argv[2], float(sys.argv[3]), max_object_accounts=None)
    print(table.num_rows, time.perf_counter() - started)
"""

FULL = """
import sys, time
from infoops import Workspace
from infoops.pipeline import run_coordination
with Workspace(sys.argv[1]) as ws:
    started = time.perf_counter()
    run_coordination(ws)
    print(time.perf_counter() - started)
"""

INGEST = """
import sys
from infoops import Workspace
from infoops.report import write_peer_csv
with Workspace(sys.argv[1]) as ws:
    ws.ingest([sys.argv[2]])
"""


def _peer_csv(ws_path: Path, target: Path) -> None:
    with Workspace(ws_path, read_only=True) as ws:
        write_peer_csv(ws.con, target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=60)
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of each pair step (median reported)"
    )
    parser.add_argument("--before", help="a revision whose code runs the same steps alongside")
    args = parser.parse_args()
    source = require_shared("ira/tweets.csv.gz")
    peer = shutil.which("compute_networks")
    if not peer:
        sys.exit("install the peer: pip install coordination-network-toolkit==1.5.2")
    work = Path(tempfile.mkdtemp(prefix="infoops-coord-"))
    results: dict = {"machine": machine(), "window_s": args.window, "load": {}, "pairs": {}}
    results["load_average"] = os.getloadavg()
    try:
        codes = {"after": ROOT / "src"}
        if args.before:
            codes = {"before": _extract(args.before, work), **codes}
            results["before"] = args.before
        ws_path = work / "ws.duckdb"
        results["load"]["infoops ingest"] = timed(
            [sys.executable, "-c", INGEST, str(ws_path), str(source)]
        )
        _peer_csv(ws_path, work / "peer.csv")
        db = str(work / "peer.db")
        results["load"]["peer preprocess"] = timed(
            [peer, db, "preprocess", "--format", "csv", str(work / "peer.csv")]
        )
        for peer_name, ours in PAIRS.items():
            results["pairs"][peer_name] = _pair_step(ws_path, db, peer_name, ours, args, codes)
        results["full_detection_runs_s"] = _full_detection(ws_path, codes, args.repeats)
        results["infoops_full_detection_s"] = statistics.median(
            results["full_detection_runs_s"]["after"]
        )
        results["load_average_end"] = os.getloadavg()
        write_results("coordination", results, _report(results))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _extract(revision: str, work: Path) -> Path:
    """The ``src`` folder of ``revision``, unpacked under ``work``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "src"], capture_output=True, check=True
    ).stdout
    (work / "before").mkdir()
    subprocess.run(["tar", "-x", "-C", str(work / "before")], input=archive, check=True)
    return work / "before" / "src"


def _full_detection(ws_path: Path, codes: dict[str, Path], repeats: int) -> dict:
    """Seconds of the whole coordination step (all default signals, the tests, Leiden),
    each code in turn, ``repeats`` times."""
    runs: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(repeats):
        for name, src in codes.items():
            run = timed([sys.executable, "-c", FULL, str(ws_path)], env={"PYTHONPATH": str(src)})
            runs[name].append(round(compute_seconds(run), 2))
    return runs


def _pair_step(
    ws_path: Path, db: str, peer_name: str, ours: str, args, codes: dict[str, Path]
) -> dict:
    """One pair step, each tool ``args.repeats`` times in alternation (fresh processes);
    medians of the compute calls, every run kept (``before``: the other revision's)."""
    window = str(args.window)
    runs, peer_runs, before_runs = [], [], []
    for _ in range(args.repeats):
        if "before" in codes:
            before_runs.append(timed([sys.executable, "-c", SIGNAL, str(ws_path), ours, window],
                                     env={"PYTHONPATH": str(codes["before"])}))  # fmt: skip
        runs.append(timed([sys.executable, "-c", SIGNAL, str(ws_path), ours, window],
                          env={"PYTHONPATH": str(codes["after"])}))  # fmt: skip
        fresh = f"{db}.run"  # the peer keeps tables it builds in its database: start anew
        shutil.copyfile(db, fresh)
        peer_runs.append(timed([sys.executable, "-c", PEER, fresh, peer_name, window]))
        Path(fresh).unlink()
    run, peer_run = median_run(runs, compute_seconds), median_run(peer_runs, compute_seconds)
    compute_ours, compute_peer = compute_seconds(run), compute_seconds(peer_run)
    return {
        "infoops_signal": ours,
        "infoops": run,
        "peer": peer_run,
        "infoops_compute_s": round(compute_ours, 3),
        "peer_compute_s": round(compute_peer, 2),
        "infoops_runs_s": [round(compute_seconds(r), 3) for r in runs],
        "peer_runs_s": [round(compute_seconds(r), 2) for r in peer_runs],
        "pairs": int(run["stdout"].split()[0]),
        "ratio_compute": round(compute_peer / max(compute_ours, 1e-9), 1),
        "ratio_wall": round(peer_run["seconds"] / max(run["seconds"], 1e-9), 1),
        "before_runs_s": [round(compute_seconds(r), 3) for r in before_runs],
    }


def _report(results: dict) -> list[str]:
    lines = [
        f"# Coordination benchmark: IRA archive, {results['window_s']:g} s windows",
        "",
        f"machine: {results['machine']}",
        "",
        "| step | infoops s | infoops MiB | peer s | peer MiB | peer / infoops (compute) "
        "| peer / infoops (wall) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    ours, theirs = results["load"]["infoops ingest"], results["load"]["peer preprocess"]
    lines.append(
        f"| load | {ours['seconds']} | {ours['peak_mib']} | {theirs['seconds']} | "
        f"{theirs['peak_mib']} | | {theirs['seconds'] / ours['seconds']:.1f}x |"
    )
    for name, run in results["pairs"].items():
        lines.append(
            f"| {name} ({run['infoops_signal']}, {run['pairs']:,} pairs) | "
            f"{run['infoops_compute_s']} | {run['infoops']['peak_mib']} | {run['peer_compute_s']} | "
            f"{run['peer']['peak_mib']} | {run['ratio_compute']}x | {run['ratio_wall']}x |"
        )
    lines.append("")
    for name, run in results["pairs"].items():
        lines.append(
            f"- {name} runs (s): infoops {run['infoops_runs_s']}, peer {run['peer_runs_s']}"
        )
    lines += [
        "",
        f"infoops full detection (all default signals, tests, communities): "
        f"{results['infoops_full_detection_s']} s (median of {results['full_detection_runs_s']})",
        f"load average at start {results['load_average']}, at end {results['load_average_end']}",
        "",
        "Pair steps: seconds of the compute call alone, each tool in its own fresh process "
        "(peak memory of that process), the median of the runs listed above (the two tools "
        "alternate); the wall ratio adds interpreter start-up and imports.",
    ]
    if "before" in results:
        lines += _before_after(results)
    return lines


def _before_after(results: dict) -> list[str]:
    """This checkout against ``--before``, medians of runs in alternation."""
    lines = [
        "",
        f"## This checkout against {results['before']} (same run, alternating)",
        "",
        "| step | before s | after s | after / before |",
        "|---|---:|---:|---:|",
    ]
    steps = {f"{n} ({r['infoops_signal']})": (r["before_runs_s"], r["infoops_runs_s"])
             for n, r in results["pairs"].items()}  # fmt: skip
    full = results["full_detection_runs_s"]
    steps["full detection"] = (full["before"], full["after"])
    for name, (before, after) in steps.items():
        b, a = statistics.median(before), statistics.median(after)
        lines.append(f"| {name} | {b:.3f} {before} | {a:.3f} {after} | {a / b:.2f} |")
    return lines


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
