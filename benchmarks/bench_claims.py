"""Claims step time, before and after, side by side on the same machine and data.

Runs ``match_claims`` on a workspace of IRA tweets, once with this checkout and once
with the code of another revision (``--before``, extracted with ``git archive``),
alternating, each in a fresh process (so model loading is counted), and reports wall
seconds, peak memory and how many texts each found.

    python benchmarks/bench_claims.py [--tweets 20000] [--before 79331a7] [--rounds 1]
    python benchmarks/bench_claims.py --tweets 0     # the whole archive (1.3M tweets)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import ROOT, machine, require_shared, timed, write_results  # noqa: E402

CHILD = """
import sys, time
from infoops import Workspace
from infoops.detectors.claims import match_claims
ws = Workspace(sys.argv[1])
started = time.perf_counter()
found = match_claims(ws.con)
print(found, round(time.perf_counter() - started, 2))
"""


def sample_workspace(tweets: int, folder: Path) -> Path:
    """A workspace of every k-th IRA tweet (``tweets`` of them; 0: all)."""
    import duckdb

    source = require_shared("ira/tweets.csv.gz")
    path = folder / f"ira-{tweets or 'all'}.csv"
    total = 1_312_174
    step = max(1, total // tweets) if tweets else 1
    duckdb.sql(
        f"""COPY (SELECT * FROM (SELECT *, row_number() OVER () AS n
                  FROM read_csv('{source}', all_varchar = true)) WHERE n % {step} = 0
                  {f"LIMIT {tweets}" if tweets else ""}) TO '{path}' (HEADER)"""
    )
    workspace = folder / "ws.duckdb"
    subprocess.run([sys.executable, "-m", "infoops", "ingest", str(path), "-w", str(workspace)],
                   check=True, capture_output=True)  # fmt: skip
    return workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=20_000, help="0: the whole archive")
    parser.add_argument("--before", default="79331a7", help="revision to compare with")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="infoops-bench-claims-") as tmp:
        folder = Path(tmp)
        old = folder / "before"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before, "src"],
                                 check=True, capture_output=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        workspace = sample_workspace(args.tweets, folder)
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        for _ in range(args.rounds):
            for name, src in (("before", old / "src"), ("after", ROOT / "src")):
                copy = folder / f"{name}.duckdb"
                copy.write_bytes(workspace.read_bytes())
                run = timed([sys.executable, "-c", CHILD, str(copy)], env={"PYTHONPATH": str(src)})
                found, seconds = run["stdout"].split()[-2:]
                runs[name].append({"process_seconds": run["seconds"], "step_seconds": float(seconds),
                                   "peak_mib": run["peak_mib"], "texts": int(found)})  # fmt: skip
    label = f"{args.tweets:,} IRA tweets" if args.tweets else "the whole IRA archive"
    lines = [
        f"# Claims step on {label}: {args.before} against this checkout",
        "",
        f"`python benchmarks/bench_claims.py --tweets {args.tweets} --before {args.before}`; "
        "each run a fresh process on a copy of the same ingested workspace, alternating. "
        "'process' includes start-up and model loading; 'texts' = distinct texts with a "
        "reported claim (the new matcher also reports texts that refute or report one).",
        "",
        "| code | round | process s | step s | peak MiB | texts |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, done in runs.items():
        for i, run in enumerate(done, 1):
            lines.append(f"| {name} | {i} | {run['process_seconds']} | {run['step_seconds']} | "
                         f"{run['peak_mib']} | {run['texts']:,} |")  # fmt: skip
    suffix = f"{args.tweets // 1000}k" if args.tweets else "all"
    write_results(f"claims_speed_{suffix}", {"machine": machine(), "runs": runs}, lines)


if __name__ == "__main__":
    main()
