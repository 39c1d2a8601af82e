"""Planted coordinated groups in simulated data: precision, recall, false flags, speed, memory.

Run: python benchmarks/eval_simulated.py --posts 1000000 --posts 10000000
Writes benchmarks/results/simulated.{json,md}.

For each size: simulate organic activity with planted groups (retweet rings,
link networks, copy-paste text, hashtag campaigns), load it into a workspace,
run coordination detection (all default signals, near_duplicate included; the test, the
communities) in a fresh process timed with its peak memory, and compare the
accounts in campaigns with the planted accounts. Then the same on purely
organic data (no planted groups): every account in a campaign is a false flag.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
from pathlib import Path

from _common import machine, timed, write_results

from infoops import Workspace
from infoops.simulate import simulate

DETECT = """
import sys, time
from infoops import Workspace
from infoops.pipeline import run_coordination
with Workspace(sys.argv[1], memory_limit=sys.argv[2]) as ws:
    started = time.perf_counter()
    report = run_coordination(ws)
    print(time.perf_counter() - started)
    for s in report.signals:
        print(s.signal, s.pairs, s.significant, round(s.seconds, 2))
"""


def _load(posts: int, planted: bool, seed: int, path: Path) -> tuple[list[str], int]:
    sim = simulate(posts, seed=seed, planted=planted)
    truth = sim.truth.to_pandas()
    with Workspace(path) as ws:
        ws.ingest_table(sim.posts, f"simulated-{posts}-{seed}-{planted}")
        active = {a for (a,) in ws.sql("SELECT DISTINCT account_id FROM posts").fetchall()}
    planted_ids = [
        a for a, g in zip(truth.account_id, truth.group_id, strict=True) if g and a in active
    ]
    del sim
    gc.collect()
    return planted_ids, len(active)


def _signal_seconds(stdout: str) -> dict[str, dict]:
    """Per-signal pairs, significant pairs and seconds from DETECT's output lines."""
    signals = {}
    for line in stdout.splitlines()[1:]:
        name, pairs, significant, seconds = line.split()
        signals[name] = {"pairs": int(pairs), "significant": int(significant), "s": float(seconds)}
    return signals


def _flagged(path: Path) -> set[str]:
    with Workspace(path, read_only=True) as ws:
        rows = ws.sql("SELECT account_id FROM campaign_accounts WHERE campaign_id IS NOT NULL")
        return {a for (a,) in rows.fetchall()}


def run_size(posts: int, seed: int, work: Path, memory_limit: str) -> dict:
    result: dict = {"posts": posts}
    for planted in (True, False):
        path = work / f"sim-{posts}-{planted}.duckdb"
        planted_ids, active = _load(posts, planted, seed, path)
        try:
            run = timed([sys.executable, "-c", DETECT, str(path), memory_limit])
        except RuntimeError as error:  # e.g. killed by the kernel when memory runs out
            path.unlink(missing_ok=True)
            result["planted" if planted else "organic"] = {
                "active_accounts": active,
                "status": "detection failed",
                "reason": str(error)[-500:],
            }
            break
        run["signals"] = _signal_seconds(run["stdout"])
        flagged = _flagged(path)
        if planted:
            hits = flagged & set(planted_ids)
            result["planted"] = {
                "active_accounts": active,
                "planted_accounts": len(planted_ids),
                "flagged": len(flagged),
                "precision": round(len(hits) / max(len(flagged), 1), 4),
                "recall": round(len(hits) / max(len(planted_ids), 1), 4),
                "detect": run,
            }
        else:
            result["organic"] = {
                "active_accounts": active,
                "falsely_flagged": len(flagged),
                "per_100k_accounts": round(len(flagged) * 100_000 / max(active, 1), 2),
                "detect": run,
            }
        path.unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, action="append", help="simulated posts (repeatable)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB memory limit for detection")
    args = parser.parse_args()
    sizes = args.posts or [1_000_000]
    work = Path(tempfile.mkdtemp(prefix="infoops-sim-"))
    try:
        results = {"machine": machine(), "seed": args.seed, "sizes": []}
        for posts in sizes:
            results["sizes"].append(run_size(posts, args.seed, work, args.memory_limit))
            print(results["sizes"][-1], flush=True)
        write_results("simulated", results, _report(results))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _report(results: dict) -> list[str]:
    lines = [
        "# Simulated data with planted groups",
        "",
        f"machine: {results['machine']}; seed {results['seed']}",
        "",
        "| posts | accounts | planted | flagged | precision | recall | detect s | peak MiB "
        "| organic false flags | per 100k | organic detect s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in results["sizes"]:
        p, o = size["planted"], size.get("organic")
        if "status" in p or o is None or "status" in o:
            failed = p if "status" in p else o
            lines.append(
                f"| {size['posts']:,} | {failed.get('active_accounts') or ''} | "
                f"{failed['status']}: {size.get('note', failed['reason'])} |"
            )
            continue
        lines.append(
            f"| {size['posts']:,} | {p['active_accounts']:,} | {p['planted_accounts']:,} | "
            f"{p['flagged']:,} | {p['precision']} | {p['recall']} | {p['detect']['seconds']} | "
            f"{p['detect']['peak_mib']} | {o['falsely_flagged']} | {o['per_100k_accounts']} | "
            f"{o['detect']['seconds']} |"
        )
    done = [s for s in results["sizes"] if "detect" in s["planted"]]
    names = list(done[0]["planted"]["detect"]["signals"]) if done else []
    lines += [
        "",
        "Seconds per signal inside detection (planted / organic run; includes each signal's "
        "preparation, e.g. near_duplicate's MinHash/LSH clustering):",
        "",
        "| posts | " + " | ".join(names) + " |",
        "|---:|" + "---:|" * len(names),
    ]
    for size in results["sizes"]:
        if "detect" not in size["planted"] or "detect" not in size.get("organic", {}):
            continue
        p, o = size["planted"]["detect"]["signals"], size["organic"]["detect"]["signals"]
        cells = [f"{p[n]['s']} / {o[n]['s']}" if n in p and n in o else "" for n in names]
        lines.append(f"| {size['posts']:,} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "detect s: the whole coordination step (all default signals, the null-model test, "
        "Leiden, campaign tables) in a fresh process, including start-up; peak MiB: that "
        "process's peak resident memory (planted run).",
    ]
    return lines


if __name__ == "__main__":
    main()
