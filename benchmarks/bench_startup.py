"""Start-up time: `import infoops`, `infoops --help` and `infoops --version`, each in a
fresh process, median of N runs (wall clock and CPU seconds of the child).

    python benchmarks/bench_startup.py [--runs 5] [--out benchmarks/results/startup.md]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = {
    "import infoops": [sys.executable, "-c", "import infoops"],
    "infoops --help": [shutil.which("infoops") or "infoops", "--help"],
    "infoops --version": [shutil.which("infoops") or "infoops", "--version"],
    "python (baseline)": [sys.executable, "-c", "pass"],
}


def measure(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run of ``command``."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/startup.md"))
    args = parser.parse_args()
    rows = []
    for name, command in COMMANDS.items():
        measure(command)  # warm the file cache
        runs = [measure(command) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rows.append(f"| `{name}` | {wall:.3f} | {cpu:.3f} |")
        print(rows[-1], flush=True)
    load = os.getloadavg()[0]
    text = (
        f"# Start-up time\n\n`python benchmarks/bench_startup.py --runs {args.runs}`: median of "
        f"{args.runs} fresh processes each (load average {load:.1f} on "
        f"{os.cpu_count()} cores when measured).\n\n| command | wall s | CPU s |\n|---|---|---|\n"
        + "\n".join(rows)
        + "\n"
    )
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
