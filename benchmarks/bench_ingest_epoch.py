"""CSV ingest with epoch-second timestamps against ISO strings (702,500 generated rows).

Run: python benchmarks/bench_ingest_epoch.py [--rows N] [--repeats R] [--src DIR ...]

Writes two generic CSVs that differ only in ``created_at`` (epoch seconds, or the
same moments as ``YYYY-MM-DD HH:MM:SS``) and ingests each with ``--map`` into a
new workspace, in a fresh process per run. With several ``--src`` directories
(e.g. a ``git archive`` of the previous commit's ``src``), runs alternate between
them and between the two files, so a busy machine slows every variant alike.
Prints one line per run and a Markdown table of medians. ``--sql-only`` times the
time conversion alone (``time_sql`` over the column in DuckDB) instead of an ingest.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

INGEST = """
import sys, time
from infoops import Workspace
mapping = {"post_id": "id", "account_id": "user", "created_at": "created_at", "text": "text"}
with Workspace(sys.argv[1]) as ws:
    start = time.perf_counter()
    report = ws.ingest([sys.argv[2]], mapping=mapping, format="csv")
    seconds = time.perf_counter() - start
    f = report.files[0]
    assert not f.error, f.error
    nulls = ws.sql("SELECT count(*) FROM posts WHERE created_at IS NULL").fetchall()[0][0]
    print("RESULT", f.posts_added, f.quarantined, nulls, round(seconds, 2))
"""

# --sql-only: the time conversion alone (``time_sql`` over the CSV's column), no ingest.
SQL_ONLY = """
import sys, time, duckdb
from infoops.ingest._sql import time_sql
con = duckdb.connect()
start = time.perf_counter()
nulls = con.execute(
    "SELECT count(*) - count(t) FROM (SELECT " + time_sql('"created_at"')
    + " AS t FROM read_csv(?, all_varchar = true))", [sys.argv[2]]
).fetchall()[0][0]
print("RESULT", 0, 0, nulls, round(time.perf_counter() - start, 2))
"""


def write_csvs(rows: int, folder: Path) -> dict[str, Path]:
    rng = random.Random(7)
    start = int(datetime(2016, 1, 1, tzinfo=UTC).timestamp())
    paths = {"epoch": folder / "epoch.csv", "iso": folder / "iso.csv"}
    with open(paths["epoch"], "w", newline="") as e, open(paths["iso"], "w", newline="") as i:
        we, wi = csv.writer(e), csv.writer(i)
        header = ["id", "user", "created_at", "text"]
        we.writerow(header)
        wi.writerow(header)
        for n in range(rows):
            moment = start + rng.randrange(3 * 365 * 86400)
            user = f"u{rng.randrange(20_000)}"
            text = f"post {n} about #topic{rng.randrange(500)} https://example.com/{n % 997}"
            we.writerow([n, user, moment, text])
            iso = datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M:%S")
            wi.writerow([n, user, iso, text])
    return paths


def one_run(src: str, csv_path: Path, work: Path, script: str = INGEST) -> float:
    workspace = work / "ws.duckdb"
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run(
        [sys.executable, "-c", script, str(workspace), str(csv_path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    workspace.unlink(missing_ok=True)
    # DuckDB's progress bar may share the line: find the result anywhere in the output.
    added, quarantined, nulls, seconds = out[out.rindex("RESULT ") :].split()[1:5]
    print(
        f"  {src} {csv_path.stem}: {added} posts, {quarantined} quarantined, "
        f"{nulls} null times, {seconds} s",
        flush=True,
    )
    return float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=702_500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--src", action="append", help="src directory to import infoops from")
    parser.add_argument("--sql-only", action="store_true", help="time only time_sql on the CSV")
    args = parser.parse_args()
    sources = args.src or [str(Path(__file__).resolve().parents[1] / "src")]
    work = Path(tempfile.mkdtemp(prefix="infoops-epoch-"))
    try:
        paths = write_csvs(args.rows, work)
        script = SQL_ONLY if args.sql_only else INGEST
        what = "time_sql alone" if args.sql_only else "ingest call only"
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeats):
            for src in sources:
                for kind, path in paths.items():
                    times.setdefault((src, kind), []).append(one_run(src, path, work, script))
        print(f"\n{args.rows:,} rows, median of {args.repeats} runs ({what}, seconds)\n")
        print("| code | epoch seconds | ISO strings | runs (epoch / ISO) |")
        print("|---|---:|---:|---|")
        for src in sources:
            epoch, iso = times[(src, "epoch")], times[(src, "iso")]
            print(
                f"| {src} | {statistics.median(epoch):.2f} | {statistics.median(iso):.2f} "
                f"| {', '.join(map(str, epoch))} / {', '.join(map(str, iso))} |"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
