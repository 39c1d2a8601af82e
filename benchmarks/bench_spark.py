"""Both coordination engines (DuckDB, Spark local[2]) on simulated posts: time and memory.

Run: python benchmarks/bench_spark.py [--posts 1000000 10000000]
Writes benchmarks/results/spark.{json,md}.

For each size: simulate the posts (planted groups) into a workspace file, then run
``run_coordination`` with the default signals once per engine, each in a fresh
process. Peak memory is the largest sum of resident memory over the process and
all its children (the JVM that pyspark starts), sampled every 0.2 s. The Spark run
keeps an event log; its task metrics give the executor time and shuffle volume
that docs/spark.md scales to a billion posts. The two engines' edge tables are
compared for equality.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, write_results

PREPARE = """
import sys, time
from infoops import Workspace
from infoops.simulate import simulate
started = time.perf_counter()
sim = simulate(int(sys.argv[2]), seed=5, planted=True)
with Workspace(sys.argv[1], memory_limit="8GB") as ws:
    ws.ingest_table(sim.posts, "simulation")
print(time.perf_counter() - started)
"""

DETECT = """
import json, sys, time
from infoops import Workspace
from infoops.detectors.coordination import SparkOptions
from infoops.pipeline import run_coordination
path, engine, edges, events = sys.argv[1:5]
spark = None
if engine == "spark":
    conf = (("spark.eventLog.enabled", "true"), ("spark.eventLog.dir", events),
            ("spark.eventLog.compress", "false"))
    spark = SparkOptions(master="local[2]", driver_memory="12g", conf=conf)
started = time.perf_counter()
with Workspace(path, memory_limit="8GB") as ws:
    report = run_coordination(ws, spark=spark)
    seconds = time.perf_counter() - started
    ws.sql("SELECT * FROM coordination_edges ORDER BY signal, source, target").to_parquet(edges)
print(json.dumps({"seconds": seconds, "campaigns": report.campaigns,
                  "signals": {s.signal: [s.pairs, s.significant, round(s.seconds, 2)]
                              for s in report.signals}}))
"""


def _tree_rss_mib(root: int) -> float:
    """Resident memory of ``root`` and every descendant, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = pages * 4096
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total / 2**20


def sampled(command: list[str]) -> dict:
    """Run ``command``; wall seconds, peak memory of its process tree, its stdout."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        peak = 0.0
        while child.poll() is None:
            peak = max(peak, _tree_rss_mib(child.pid))
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed: {stderr[-3000:]}")
    return {"seconds": round(seconds, 1), "peak_mib": round(peak), "stdout": stdout.strip()}


def spark_metrics(event_dir: Path) -> dict:
    """Totals over every task of the Spark run's event log: time, input, shuffle."""
    totals = dict.fromkeys(
        ("tasks", "run_s", "cpu_s", "input_mb", "shuffle_write_mb", "shuffle_read_mb", "spill_mb"),
        0.0,
    )
    for log in (path for path in event_dir.rglob("events_*") if path.is_file()):
        for line in log.read_text().splitlines():
            event = json.loads(line)
            if event.get("Event") != "SparkListenerTaskEnd" or "Task Metrics" not in event:
                continue
            m = event["Task Metrics"]
            totals["tasks"] += 1
            totals["run_s"] += m["Executor Run Time"] / 1e3
            totals["cpu_s"] += m["Executor CPU Time"] / 1e9
            totals["input_mb"] += m["Input Metrics"]["Bytes Read"] / 2**20
            totals["shuffle_write_mb"] += (
                m["Shuffle Write Metrics"]["Shuffle Bytes Written"] / 2**20
            )
            read = m["Shuffle Read Metrics"]
            totals["shuffle_read_mb"] += (
                read["Remote Bytes Read"] + read["Local Bytes Read"]
            ) / 2**20
            totals["spill_mb"] += m["Disk Bytes Spilled"] / 2**20
    return {key: round(value, 1) for key, value in totals.items()}


def one_size(posts: int, work: Path) -> dict:
    ws = work / f"sim_{posts}.duckdb"
    result: dict = {"posts": posts}
    prepared = sampled([sys.executable, "-c", PREPARE, str(ws), str(posts)])
    result["prepare_s"] = round(float(prepared["stdout"].split()[-1]), 1)
    for engine in ("duckdb", "spark"):
        events = work / f"events_{posts}"
        events.mkdir(exist_ok=True)
        edges = work / f"edges_{engine}_{posts}.parquet"
        run = sampled([sys.executable, "-c", DETECT, str(ws), engine, str(edges), events.as_uri()])
        detail = json.loads(run["stdout"].splitlines()[-1])
        result[engine] = {"wall_s": run["seconds"], "peak_mib": run["peak_mib"]} | detail
        if engine == "spark":
            result["spark_tasks"] = spark_metrics(events)
    result["identical_edges"] = _same_edges(work, posts)
    return result


def _same_edges(work: Path, posts: int) -> bool:
    import pyarrow.parquet as pq

    local = pq.read_table(work / f"edges_duckdb_{posts}.parquet")
    remote = pq.read_table(work / f"edges_spark_{posts}.parquet")
    return local.equals(remote)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1_000_000])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="infoops-bench-spark-"))
    results: dict = {"machine": machine(), "runs": []}
    try:
        for posts in args.posts:
            results["runs"].append(one_size(posts, work))
            write_results("spark", results, _report(results))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _report(results: dict) -> list[str]:
    lines = [
        "# Coordination on Spark beside DuckDB: simulated posts, default signals",
        "",
        f"machine: {results['machine']}",
        "",
        "| posts | engine | detection s | wall s (process) | peak MiB (incl. JVM) "
        "| campaigns | edges identical |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for run in results["runs"]:
        for engine in ("duckdb", "spark"):
            r = run[engine]
            lines.append(
                f"| {run['posts']:,} | {engine} | {r['seconds']:.1f} | {r['wall_s']} | "
                f"{r['peak_mib']:,} | {r['campaigns']} | {run['identical_edges']} |"
            )
    lines += ["", "Spark task metrics (sum over all tasks of the run):", ""]
    lines += ["| posts | tasks | executor run s | executor CPU s | input MiB | shuffle write MiB "
              "| shuffle read MiB | spilled MiB |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for run in results["runs"]:
        t = run["spark_tasks"]
        lines.append(
            f"| {run['posts']:,} | {t['tasks']:.0f} | {t['run_s']} | {t['cpu_s']} | "
            f"{t['input_mb']} | {t['shuffle_write_mb']} | {t['shuffle_read_mb']} | {t['spill_mb']} |"
        )
    lines += ["", "Per signal (pairs, significant, seconds), DuckDB / Spark:", ""]
    for run in results["runs"]:
        for name, local in run["duckdb"]["signals"].items():
            remote = run["spark"]["signals"][name]
            lines.append(f"- {run['posts']:,} posts, {name}: {local} / {remote}")
    lines += [
        "",
        "Detection s: run_coordination inside the process (Spark: includes exporting the "
        "workspace's posts to Parquet and starting the local session); wall s adds "
        "interpreter start-up. near_duplicate runs on the driver with DuckDB in both engines.",
    ]
    return lines


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
