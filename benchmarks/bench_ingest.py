"""Ingest speed and memory on the real IRA archive (1,312,174 tweets), beside reference tools.

Run: python benchmarks/bench_ingest.py [--rows N]
Writes benchmarks/results/ingest.{json,md}.

Side by side in the same run, on the same machine:
- infoops ingest of the original gzip CSV (format detection, entity extraction,
  URL normalisation, checks, ids, one transaction);
- coordination-network-toolkit's ``preprocess`` (SQLite) on the same tweets
  converted to its CSV layout (conversion not timed), when the peer is installed;
- pandas.read_csv of the same file: a parse-only floor with no derivation at all.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from _common import compute_seconds, machine, median_run, require_shared, timed, write_results

from infoops.report._exports import PEER_COLUMNS

INGEST = """
import sys
from infoops import Workspace
with Workspace(sys.argv[1]) as ws:
    report = ws.ingest([sys.argv[2]])
    f = report.files[0]
    assert not f.error, f.error
    print(f.posts_added, f.quarantined, f.seconds)
"""

PANDAS = """
import sys, pandas
frame = pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
print(len(frame))
"""


def _subset(source: Path, rows: int, target: Path) -> Path:
    with (
        gzip.open(source, "rt", newline="", encoding="utf-8") as src,
        gzip.open(target, "wt", newline="", encoding="utf-8") as dst,
    ):
        reader, writer = csv.reader(src), csv.writer(dst)
        for number, row in enumerate(reader):
            if number > rows:
                break
            writer.writerow(row)
    return target


URL = re.compile(r"https?://[^\s<>\"'`]+")


def _to_peer_csv(source: Path, target: Path) -> int:
    """The IRA tweets in coordination-network-toolkit's CSV layout."""
    count = 0
    with (
        gzip.open(source, "rt", newline="", encoding="utf-8") as src,
        open(target, "w", newline="", encoding="utf-8") as dst,
    ):
        writer = csv.writer(dst)
        writer.writerow(PEER_COLUMNS)
        for count, row in enumerate(csv.DictReader(src), start=1):
            stamp = datetime.fromisoformat(row["publish_date"]).replace(tzinfo=UTC)
            urls = " ".join(URL.findall(row["content"]))
            author = row["author_id"]
            writer.writerow(
                [count, author, author, "", "", row["content"], int(stamp.timestamp()), urls]
            )
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=0, help="use only the first N tweets")
    parser.add_argument(
        "--repeats", type=int, default=3, help="infoops runs (median reported: runs vary here)"
    )
    args = parser.parse_args()
    source = require_shared("ira/tweets.csv.gz")
    work = Path(tempfile.mkdtemp(prefix="infoops-bench-"))
    try:
        if args.rows:
            source = _subset(source, args.rows, work / "subset.csv.gz")
        results: dict = {"machine": machine(), "input": str(source), "tools": {}}
        rows = int(args.rows or 1_312_174)
        results["tools"]["infoops"] = _infoops_runs(work, source, rows, args.repeats)
        pandas_run = timed([sys.executable, "-c", PANDAS, str(source)])
        results["tools"]["pandas.read_csv"] = pandas_run
        peer = shutil.which("compute_networks")
        if peer:
            peer_csv = work / "peer.csv"
            _to_peer_csv(source, peer_csv)
            peer_run = timed(
                [peer, str(work / "peer.db"), "preprocess", "--format", "csv", str(peer_csv)]
            )
            results["tools"]["coordination-network-toolkit preprocess"] = peer_run
        write_results("ingest", results, _report(results, rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _infoops_runs(work: Path, source: Path, rows: int, repeats: int) -> dict:
    """Median of ``repeats`` ingests, each into a new workspace, with every run kept."""
    runs = []
    for number in range(repeats):
        workspace = work / f"ws{number}.duckdb"
        run = timed([sys.executable, "-c", INGEST, str(workspace), str(source)])
        run["load_s"] = round(compute_seconds(run), 2)
        runs.append(run)
        workspace.unlink()
    median = median_run(runs, lambda r: r["seconds"])
    load_s = median_run(runs, lambda r: r["load_s"])["load_s"]
    return {
        **median,
        "posts_per_s": round(rows / median["seconds"]),
        "load_s": load_s,
        "load_posts_per_s": round(rows / load_s),
        "runs": [{k: r[k] for k in ("seconds", "load_s", "peak_mib")} for r in runs],
    }


def _report(results: dict, rows: int) -> list[str]:
    ours = results["tools"]["infoops"]["seconds"]
    lines = [
        f"# Ingest benchmark ({rows:,} IRA tweets)",
        "",
        f"machine: {results['machine']}",
        "",
        "| tool | seconds | peak MiB | time vs infoops |",
        "|---|---:|---:|---:|",
    ]
    for name, run in results["tools"].items():
        ratio = run["seconds"] / ours if ours else 0
        lines.append(f"| {name} | {run['seconds']} | {run['peak_mib']} | {ratio:.2f}x |")
    ours_run = results["tools"]["infoops"]
    whole = sorted(r["seconds"] for r in ours_run["runs"])
    load = sorted(r["load_s"] for r in ours_run["runs"])
    lines += [
        "",
        f"infoops, median of {len(whole)} runs (each a new workspace): "
        f"{ours_run['posts_per_s']:,} posts/s for the whole process (start-up, imports, "
        f"workspace creation included; runs {whole[0]}-{whole[-1]} s); "
        f"{ours_run['load_posts_per_s']:,} posts/s for the ingest itself ({ours_run['load_s']} s, "
        f"runs {load[0]}-{load[-1]} s: hashing, reading, checks, commit). Peers ran once.",
    ]
    return lines


if __name__ == "__main__":
    main()
