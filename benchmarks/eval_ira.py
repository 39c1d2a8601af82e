"""How well detected campaigns recover Linvill & Warren's IRA account categories.

Run: python benchmarks/eval_ira.py [--workspace WS]
Ingests ../shared/data/ira/tweets.csv.gz (unless --workspace already holds it),
runs coordination detection with default options, and compares campaigns with
the labels in ../shared/data/ira/authors.csv. Writes benchmarks/results/ira_eval.{json,md}.

English-language troll accounts are the categories RightTroll, LeftTroll,
Fearmonger, HashtagGamer and NewsFeed. Purity: share of campaign members whose
category is their campaign's majority category; coverage: share of those
accounts that are in any campaign.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from _common import add_workspace_option, ira_workspace, machine, require_shared, write_results
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from infoops.pipeline import run_coordination

ENGLISH_TROLLS = ("RightTroll", "LeftTroll", "Fearmonger", "HashtagGamer", "NewsFeed")


def evaluate(accounts: pd.DataFrame, labels: pd.DataFrame) -> dict:
    merged = accounts.merge(labels, left_on="account_id", right_on="author_id", how="inner")
    merged["campaign_id"] = merged["campaign_id"].fillna("")
    english = merged[merged.account_category.isin(ENGLISH_TROLLS)]
    inside = english[english.campaign_id != ""]
    majority = inside.groupby("campaign_id").account_category.agg(
        lambda s: s.value_counts().iloc[0]
    )
    every = merged[merged.campaign_id != ""]
    return {
        "english_troll_accounts": len(english),
        "english_in_a_campaign": len(inside),
        "coverage": round(len(inside) / len(english), 4),
        "purity": round(float(majority.sum()) / max(len(inside), 1), 4),
        "ari_english_in_campaigns": round(
            adjusted_rand_score(inside.account_category, inside.campaign_id), 4
        ),
        "nmi_english_in_campaigns": round(
            normalized_mutual_info_score(inside.account_category, inside.campaign_id), 4
        ),
        "ari_all_labelled_in_campaigns": round(
            adjusted_rand_score(every.account_category, every.campaign_id), 4
        ),
        "nmi_all_labelled_in_campaigns": round(
            normalized_mutual_info_score(every.account_category, every.campaign_id), 4
        ),
        "campaigns": int(every.campaign_id.nunique()),
        "crosstab": pd.crosstab(every.campaign_id, every.account_category).to_dict(orient="index"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_workspace_option(parser)
    args = parser.parse_args()
    labels = pd.read_csv(require_shared("ira/authors.csv"))
    with ira_workspace(args.workspace) as ws:
        started = time.perf_counter()
        report = run_coordination(ws)
        seconds = time.perf_counter() - started
        accounts = ws.sql("SELECT account_id, campaign_id FROM campaign_accounts").df()
    scores = evaluate(accounts, labels)
    results = {
        "machine": machine(),
        "detection_seconds": round(seconds, 1),
        "signals": {s.signal: [s.pairs, s.significant] for s in report.signals},
        **scores,
    }
    lines = [
        "# IRA: campaigns against Linvill & Warren categories",
        "",
        f"detection (all default signals, communities): {seconds:.1f} s",
        "",
        "| measure | value |",
        "|---|---:|",
    ]
    for key, value in scores.items():
        if key != "crosstab":
            lines.append(f"| {key} | {value} |")
    table = pd.DataFrame.from_dict(scores["crosstab"], orient="index").fillna(0).astype(int)
    lines += ["", "Campaign x category (labelled accounts in campaigns):", "", table.to_markdown()]
    write_results("ira_eval", results, lines)


if __name__ == "__main__":
    main()
