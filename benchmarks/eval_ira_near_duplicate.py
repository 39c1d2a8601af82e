"""What the near-duplicate signal adds on the real IRA archive, and a sample to review.

Run: python benchmarks/eval_ira_near_duplicate.py [--workspace WS] [--sample 40]
Writes benchmarks/results/ira_near_duplicate.{json,md}.

For each window (60 s and 300 s: IRA times are whole minutes) it runs the
``identical_text`` and ``near_duplicate`` signals with default options and
reports the accounts behind significant edges of each, how many accounts only
the near-duplicate signal finds, and how often an edge joins two accounts of the
same Linvill & Warren category. It then draws a fixed random sample of
near-duplicate evidence pairs (seed 7) and writes both texts side by side, so
that a person can judge each pair ("lightly edited copy" or not): the review
itself is recorded by hand in the results file's last section.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _common import add_workspace_option, ira_workspace, machine, require_shared, write_results

from infoops import Workspace
from infoops.detectors.coordination import CoordinationConfig, detect_coordination

SIGNALS = ("identical_text", "near_duplicate")


def _accounts(ws: Workspace, signal: str) -> set[str]:
    rows = ws.sql(
        """SELECT source FROM coordination_edges WHERE significant AND signal = $s
           UNION SELECT target FROM coordination_edges WHERE significant AND signal = $s""",
        {"s": signal},
    ).fetchall()
    return {r[0] for r in rows}


def _same_category(ws: Workspace, signal: str, authors: Path) -> float | None:
    row = ws.sql(
        f"""WITH labels AS (SELECT upper(author) AS author, account_category
                            FROM read_csv('{authors}', header=true, all_varchar=true))
            SELECT avg((la.account_category = lb.account_category)::INT)
            FROM coordination_edges e
            JOIN labels la ON la.author = upper(e.source)
            JOIN labels lb ON lb.author = upper(e.target)
            WHERE e.significant AND e.signal = $s""",
        {"s": signal},
    ).fetchall()[0][0]
    return None if row is None else round(float(row), 3)


def evaluate(ws: Workspace, window: float, authors: Path, sample: int) -> dict:
    config = CoordinationConfig(signals=SIGNALS, windows=dict.fromkeys(SIGNALS, window))
    started = time.perf_counter()
    summaries = detect_coordination(ws.con, config)
    seconds = time.perf_counter() - started
    identical, near = _accounts(ws, "identical_text"), _accounts(ws, "near_duplicate")
    pairs = ws.sql(
        f"""SELECT source, target, round(similarity, 2) AS similarity,
                   left(regexp_replace(ps.text, '\\s+', ' ', 'g'), 140) AS text_source,
                   left(regexp_replace(pt.text, '\\s+', ' ', 'g'), 140) AS text_target
            FROM (SELECT * FROM coordination_evidence WHERE signal = 'near_duplicate'
                  ORDER BY hash(source || target || post_source || post_target || 7)
                  LIMIT {int(sample)}) e
            JOIN posts ps ON ps.post_id = e.post_source AND ps.account_id = e.source
            JOIN posts pt ON pt.post_id = e.post_target AND pt.account_id = e.target
            ORDER BY source, target, text_source"""
    ).fetchall()
    return {
        "window_s": window,
        "seconds": {s.signal: round(s.seconds, 2) for s in summaries},
        "total_s": round(seconds, 2),
        "significant_edges": {s.signal: s.significant for s in summaries},
        "accounts_identical_text": len(identical),
        "accounts_near_duplicate": len(near),
        "accounts_added_by_near_duplicate": len(near - identical),
        "same_category_share": {s: _same_category(ws, s, authors) for s in SIGNALS},
        "sample": [list(p) for p in pairs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_workspace_option(parser)
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    authors = require_shared("ira/authors.csv")
    with ira_workspace(args.workspace) as ws:
        results = {
            "machine": machine(),
            "windows": [evaluate(ws, w, authors, args.sample) for w in (60.0, 300.0)],
        }
    write_results("ira_near_duplicate", results, _report(results))


def _report(results: dict) -> list[str]:
    lines = [
        "# Near-duplicate text on the IRA archive",
        "",
        f"Machine: {results['machine']}",
        "",
        "| window s | identical_text accounts | near_duplicate accounts | added by near_duplicate "
        "| edges identical / near | same-category share identical / near | near_duplicate s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["windows"]:
        same = r["same_category_share"]
        edges = r["significant_edges"]
        lines.append(
            f"| {r['window_s']:g} | {r['accounts_identical_text']} | {r['accounts_near_duplicate']}"
            f" | {r['accounts_added_by_near_duplicate']} | {edges['identical_text']} / "
            f"{edges['near_duplicate']} | {same['identical_text']} / {same['near_duplicate']} | "
            f"{r['seconds']['near_duplicate']} |"
        )
    for r in results["windows"]:
        lines += [
            "",
            f"## Sample of near-duplicate evidence pairs, window {r['window_s']:g} s",
            "",
            "| # | source | target | similarity | text source | text target |",
            "|---:|---|---|---:|---|---|",
        ]
        for n, (source, target, similarity, a, b) in enumerate(r["sample"], start=1):
            a, b = (t.replace("|", "/") for t in (a, b))
            lines.append(f"| {n} | {source} | {target} | {similarity} | {a} | {b} |")
    return lines


if __name__ == "__main__":
    main()
