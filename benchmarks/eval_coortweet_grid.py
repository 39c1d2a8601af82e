"""CooRTweet's simulator grid: are all coordinated accounts found, and no organic one?

Run: python benchmarks/eval_coortweet_grid.py [--seeds 3] [--organic-posts 1000000]
Writes benchmarks/results/coortweet_grid.{json,md}.

The 35 parameter sets of CooRTweet's own simulator tests (``infoops.simulate.
coortweet_grid``), each simulated with ``simulate_coortweet`` and run through the
co_link signal at the set's window under each null model. A set counts when every
coordinated account is in a significant edge. False accounts are organic accounts
in a significant edge: in the grid's sets, in the same sets with no coordinated
accounts (organic-only runs), and in campaigns of infoops' own organic-only
simulation (``--organic-posts``, default settings).
"""

from __future__ import annotations

import argparse
import os
import time

from _common import machine, write_results

from infoops import Workspace
from infoops.detectors.coordination import CoordinationConfig, detect_coordination
from infoops.detectors.coordination._config import NULL_MODELS
from infoops.pipeline import run_coordination
from infoops.simulate import coortweet_grid, simulate, simulate_coortweet


def _flagged(posts, window: int, null_model: str) -> set[str]:
    with Workspace(memory=True) as ws:
        ws.ingest_table(posts, "coortweet-simulation")
        config = CoordinationConfig(
            signals=("co_link",), windows={"co_link": window}, null_model=null_model
        )
        detect_coordination(ws.con, config)
        edges = ws.sql("SELECT source, target FROM coordination_edges WHERE significant")
        return {account for row in edges.fetchall() for account in row}


def grid(null_model: str, seeds: int) -> dict:
    """Sets with every coordinated account found; false accounts, with and without
    coordinated accounts in the set."""
    found = runs = false = organic = organic_only_false = organic_only = 0
    missed = []
    for seed in range(seeds):
        for number, params in enumerate(coortweet_grid(seed + 1)):
            posts, coordinated = simulate_coortweet(params, seed=1000 * seed + number)
            flagged = _flagged(posts, params.time_window, null_model)
            runs += 1
            found += coordinated <= flagged
            if not coordinated <= flagged:
                missed.append(f"seed {seed + 1} set {number + 1}")
            false += len(flagged - coordinated)
            organic += params.n_accounts_noncoord
            alone = params.__class__(**{**params.__dict__, "n_accounts_coord": 0})
            posts, _ = simulate_coortweet(alone, seed=1000 * seed + number)
            organic_only_false += len(_flagged(posts, params.time_window, null_model))
            organic_only += params.n_accounts_noncoord
    return {
        "runs": runs,
        "all_coordinated_found": found,
        "missed": missed,
        "false_accounts": false,
        "organic_accounts": organic,
        "organic_only_false_accounts": organic_only_false,
        "organic_only_accounts": organic_only,
    }


def organic_simulation(posts: int, null_model: str) -> dict:
    """Accounts in campaigns of infoops' organic-only simulation (every one is false)."""
    sim = simulate(posts, seed=11, planted=False)
    with Workspace(memory=True) as ws:
        ws.ingest_table(sim.posts, f"organic-{posts}")
        run_coordination(ws, CoordinationConfig(null_model=null_model))
        accounts = ws.sql("SELECT count(DISTINCT account_id) FROM posts").fetchall()[0][0]
        flagged = ws.sql(
            "SELECT count(*) FROM campaign_accounts WHERE campaign_id IS NOT NULL"
        ).fetchall()[0][0]
    return {"posts": posts, "accounts": accounts, "false_accounts": flagged}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="grids drawn (35 sets each)")
    parser.add_argument("--organic-posts", type=int, default=1_000_000)
    args = parser.parse_args()
    started = time.perf_counter()
    results: dict = {"machine": machine(), "load": os.getloadavg(), "models": {}}
    for null_model in NULL_MODELS:
        results["models"][null_model] = {
            "grid": grid(null_model, args.seeds),
            "organic_simulation": organic_simulation(args.organic_posts, null_model),
        }
    results["seconds"] = round(time.perf_counter() - started, 1)
    write_results("coortweet_grid", results, _report(results, args))


def _report(results: dict, args) -> list[str]:
    lines = [
        "# CooRTweet's simulator grid (35 sets from its tests) and organic-only runs",
        "",
        f"machine: {results['machine']}; load average at start {results['load']}; "
        f"{args.seeds} grid draw(s) of 35 sets; run took {results['seconds']} s",
        "",
        "| null model | sets with all coordinated found | false accounts (grid) "
        "| false / 10k organic, organic-only grid runs "
        "| false / 10k organic, infoops organic simulation |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, model in results["models"].items():
        g, o = model["grid"], model["organic_simulation"]
        per_grid = 1e4 * g["organic_only_false_accounts"] / max(g["organic_only_accounts"], 1)
        per_sim = 1e4 * o["false_accounts"] / max(o["accounts"], 1)
        lines.append(
            f"| {name} | {g['all_coordinated_found']} / {g['runs']} | "
            f"{g['false_accounts']} of {g['organic_accounts']} | "
            f"{per_grid:.2f} ({g['organic_only_false_accounts']} of "
            f"{g['organic_only_accounts']}) | {per_sim:.2f} ({o['false_accounts']} of "
            f"{o['accounts']:,} accounts, {o['posts']:,} posts) |"
        )
    lines += [
        "",
        "Missed sets: "
        + "; ".join(
            f"{n}: {', '.join(m['grid']['missed']) or 'none'}" for n, m in results["models"].items()
        ),  # fmt: skip
        "",
        "A set counts when every coordinated account is in a significant co_link edge at "
        "the set's window. Organic-only grid runs: the same sets with no coordinated "
        "accounts. Infoops organic simulation: default options (all signals), accounts in "
        "campaigns.",
    ]
    return lines


if __name__ == "__main__":
    main()
