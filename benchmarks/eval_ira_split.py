"""IRA account-split validation: choose on one half of the labelled accounts, report the other.

Run: python benchmarks/eval_ira_split.py [--workspace WS] [--splits 5]
Writes benchmarks/results/ira_split.{json,md}.

Detection runs once per null model on the whole archive (it never sees labels);
Leiden runs at each resolution. The labelled accounts of ../shared/data/ira/
authors.csv are split in two halves at random (``--splits`` seeded splits, both
folds of each): the option set with the best purity + ARI on the choosing half
(English-language troll categories, coverage at least 0.6) is scored on the other
half. Reported: each option set on all labelled accounts, and the held-out scores
of the chosen sets (mean, standard deviation, min, max over the folds).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import pandas as pd
from _common import add_workspace_option, ira_workspace, machine, require_shared, write_results
from eval_ira import evaluate

from infoops.campaigns import CampaignConfig, find_campaigns
from infoops.detectors.coordination import CoordinationConfig, detect_coordination
from infoops.detectors.coordination._config import NULL_MODELS

RESOLUTIONS = (0.5, 1.0, 2.0)
MIN_COVERAGE = 0.6


def memberships(ws) -> dict[tuple[str, float], pd.DataFrame]:
    """Campaign membership of every account for each null model and Leiden resolution."""
    out = {}
    for null_model in NULL_MODELS:
        detect_coordination(ws.con, CoordinationConfig(null_model=null_model))
        for resolution in RESOLUTIONS:
            find_campaigns(ws.con, CampaignConfig(resolution=resolution))
            out[null_model, resolution] = ws.sql(
                "SELECT account_id, campaign_id FROM campaign_accounts"
            ).df()
    return out


def _score(scores: dict) -> float:
    if scores["coverage"] < MIN_COVERAGE:
        return -1.0
    return scores["purity"] + scores["ari_english_in_campaigns"]


def folds(runs: dict, labels: pd.DataFrame, splits: int) -> list[dict]:
    """For each split and fold: the option set chosen on one half, scored on the other."""
    out = []
    for seed in range(splits):
        half = np.random.default_rng(seed).random(len(labels)) < 0.5
        for choose, report in ((half, ~half), (~half, half)):
            scored = {key: evaluate(accounts, labels[choose]) for key, accounts in runs.items()}
            best = max(scored, key=lambda key: (_score(scored[key]), key == ("either", 1.0)))
            held_out = evaluate(runs[best], labels[report])
            out.append({
                "split": seed, "null_model": best[0], "resolution": best[1],
                "choosing_purity": scored[best]["purity"],
                "choosing_ari": scored[best]["ari_english_in_campaigns"],
                "purity": held_out["purity"], "ari": held_out["ari_english_in_campaigns"],
                "coverage": held_out["coverage"],
            })  # fmt: skip
    return out


def _spread(values: list[float]) -> dict:
    return {
        "mean": round(statistics.mean(values), 4),
        "sd": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
        "min": round(min(values), 4),
        "max": round(max(values), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_workspace_option(parser)
    parser.add_argument("--splits", type=int, default=5)
    args = parser.parse_args()
    labels = pd.read_csv(require_shared("ira/authors.csv"))
    started = time.perf_counter()
    with ira_workspace(args.workspace) as ws:
        runs = memberships(ws)
    every = {f"{n} / {r}": evaluate(accounts, labels) for (n, r), accounts in runs.items()}
    chosen = folds(runs, labels, args.splits)
    results = {
        "machine": machine(),
        "load": os.getloadavg(),
        "seconds": round(time.perf_counter() - started, 1),
        "all_labelled": {k: {m: v for m, v in s.items() if m != "crosstab"} for k, s in every.items()},
        "folds": chosen,
        "held_out": {m: _spread([f[m] for f in chosen]) for m in ("purity", "ari", "coverage")},
    }  # fmt: skip
    write_results("ira_split", results, _report(results, args))


def _report(results: dict, args) -> list[str]:
    lines = [
        "# IRA: two-fold account-split validation of campaign purity and ARI",
        "",
        f"machine: {results['machine']}; load average at start {results['load']}; "
        f"{args.splits} random splits x 2 folds; run took {results['seconds']} s",
        "",
        "Held out (the half not used for choosing), over all folds:",
        "",
        "| measure | mean | sd | min | max |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, spread in results["held_out"].items():
        lines.append(f"| {name} | {spread['mean']} | {spread['sd']} | {spread['min']} | "
                     f"{spread['max']} |")  # fmt: skip
    lines += ["", "| split | chosen null / resolution | purity (choosing) | ARI (choosing) | "
              "purity (held out) | ARI (held out) | coverage (held out) |",
              "|---:|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for f in results["folds"]:
        lines.append(
            f"| {f['split']} | {f['null_model']} / {f['resolution']} | {f['choosing_purity']} | "
            f"{f['choosing_ari']} | {f['purity']} | {f['ari']} | {f['coverage']} |"
        )
    lines += ["", "Every option set on all labelled accounts:", "",
              "| null model / resolution | purity | ARI (English) | coverage | campaigns |",
              "|---|---:|---:|---:|---:|"]  # fmt: skip
    for key, s in results["all_labelled"].items():
        lines.append(f"| {key} | {s['purity']} | {s['ari_english_in_campaigns']} | "
                     f"{s['coverage']} | {s['campaigns']} |")  # fmt: skip
    return lines


if __name__ == "__main__":
    main()
