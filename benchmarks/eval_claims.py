"""Known-claim matching on hand-written queries: MAP@5, recall@5, calibration.

The queries (tests/fixtures/claim_queries.jsonl, see its .md) are posts written
for 200 EUvsDisinfo cases: English tweets and paraphrases, posts in eight other
languages, and negatives that state no catalogued claim. The catalogue records
many claims several times, in other words, under other cases. Two relevance
levels are reported: "strict" (the query's case and cases with the same claim
text) and "judged" (also every case an assessor judged to state the same claim,
tests/fixtures/claim_equivalents.jsonl, pooled from the first matcher's top 5; pooling
means a judged equivalent outside that pool is not credited). A third level,
"reviewed", adds the judgments of claim_equivalents_review.jsonl (pooled from the top 5
of later rankers, judged by an AI reviewer: indicative, see its .md). The ranker
(benchmarks/train_claim_ranker.py) learned from CheckThat! 2022 and from the
even-numbered queries here; the odd-numbered ones ('held out') are the fair
figure. ``--encode-catalogue`` rebuilds the shipped USE vectors of the bundled
catalogue.

    python benchmarks/eval_claims.py [--encode-catalogue]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _checkthat import average_precision  # noqa: E402
from _common import ROOT, machine, write_results  # noqa: E402

from infoops.detectors.claims._catalogue import bundled_claims, write_screen_vectors  # noqa: E402
from infoops.detectors.claims._claims import ClaimMatchConfig, rank_claims  # noqa: E402
from infoops.detectors.claims._index import ClaimIndex, screen_vectors  # noqa: E402
from infoops.text._embed import shared_encoder  # noqa: E402

QUERIES = ROOT / "tests" / "fixtures" / "claim_queries.jsonl"
EQUIVALENTS = ROOT / "tests" / "fixtures" / "claim_equivalents.jsonl"
REVIEWED = ROOT / "tests" / "fixtures" / "claim_equivalents_review.jsonl"
SHIPPED = ROOT / "src" / "infoops" / "detectors" / "claims" / "data"
SHIPPED_SCREEN_VECTORS = SHIPPED / "euvsdisinfo_claims_use.npz"
K = 5
FIT_FLOOR = 0.02  # pass-3 model fitted on the texts that reach it from this floor
FLOORS = (0.02, 0.05, 0.1, 0.2)


def load_queries() -> list[dict]:
    return [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line]


def relevant_sets(
    queries: list[dict], claims, judged: bool = False, reviewed: bool = False
) -> list[set[int]]:
    """Indices of the claims a query should find: its case and same-text cases, with
    ``judged`` the cases a person assessed as stating the same claim, and with ``reviewed``
    also those the AI reviewer did."""
    ids = claims.column("claim_id").to_pylist()
    texts = [" ".join(t.lower().split()) for t in claims.column("claim").to_pylist()]
    by_text = defaultdict(set)
    for i, text in enumerate(texts):
        by_text[text].add(i)
    position = {claim_id: i for i, claim_id in enumerate(ids)}
    same = defaultdict(set)
    files = ([EQUIVALENTS] if judged or reviewed else []) + ([REVIEWED] if reviewed else [])
    for line in (line for path in files for line in path.read_text(encoding="utf-8").splitlines()):
        if line:
            pair = json.loads(line)
            if pair["equivalent"]:
                same[pair["case"]] |= by_text[texts[position[pair["other"]]]]
    return [by_text[texts[position[q["case"]]]] | same[q["case"]] if q["case"] else set()
            for q in queries]  # fmt: skip


def reciprocal_rank(ranked: list[int], relevant: set[int]) -> float:
    """1/rank of the first relevant claim in the top K: MAP@5 when a query has one relevant
    claim, as in CheckThat! 2022 task 2A."""
    return next((1 / rank for rank, c in enumerate(ranked[:K], 1) if c in relevant), 0.0)


def encode_catalogue() -> None:
    """Rebuild the shipped USE vectors of the bundled catalogue (a few minutes)."""
    claims = bundled_claims()
    write_screen_vectors(screen_vectors(claims, shared_encoder()), claims, SHIPPED_SCREEN_VECTORS)
    print(f"wrote {SHIPPED_SCREEN_VECTORS} ({claims.num_rows} claims)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encode-catalogue", action="store_true",
                        help="rebuild the shipped USE vectors of the bundled catalogue")  # fmt: skip
    args = parser.parse_args()
    if args.encode_catalogue:
        encode_catalogue()
        return
    queries = load_queries()
    claims = bundled_claims()
    started = time.perf_counter()
    index = ClaimIndex(claims)
    index_seconds = time.perf_counter() - started
    config = ClaimMatchConfig()
    texts = [q["text"] for q in queries]
    started = time.perf_counter()
    passed = index.prefilter(texts, config.prefilter_similarity, config.prefilter_coverage)
    found = rank_claims(index, texts, top=K)
    search_seconds = time.perf_counter() - started
    strict = relevant_sets(queries, claims)
    relevant = relevant_sets(queries, claims, judged=True)
    reviewed = relevant_sets(queries, claims, reviewed=True)
    rows = []
    for query, candidates, rel, exact, more, ok in zip(
        queries, found, relevant, strict, reviewed, passed, strict=True
    ):
        ranked = [c.claim for c in candidates] if ok else []
        top = candidates[0].probability if ok and candidates else 0.0
        rows.append({"id": query["id"], "kind": query["kind"], "lang": query["lang"],
                     "negative": not rel, "passed": bool(ok),
                     "ap": average_precision(ranked, rel) if rel else None,
                     "hit": bool(rel & set(ranked[:K])) if rel else None,
                     "rr": reciprocal_rank(ranked, rel) if rel else None,
                     "strict_ap": average_precision(ranked, exact) if exact else None,
                     "strict_hit": bool(exact & set(ranked[:K])) if exact else None,
                     "reviewed_ap": average_precision(ranked, more) if more else None,
                     "reviewed_rr": reciprocal_rank(ranked, more) if more else None,
                     "top_correct": bool(ranked and ranked[0] in rel),
                     "top_score": top})  # fmt: skip
    results = {"machine": machine(), "queries": len(rows), "index_seconds": round(index_seconds, 1),
               "search_seconds": round(search_seconds, 1), "groups": {}}  # fmt: skip
    lines = [
        "# Known-claim matching: hand-written queries against the EUvsDisinfo catalogue",
        "",
        f"{len(claims)} catalogued claims; {len(rows)} queries "
        f"({sum(r['negative'] for r in rows)} negatives). Index built in {index_seconds:.1f} s, "
        f"all queries searched in {search_seconds:.1f} s. The ranker learned from CheckThat! "
        "2022 train and the even-numbered queries: 'held out' = the odd-numbered ones, the "
        "fair figure. A query the cheap first pass stops "
        "counts as finding nothing. 'reviewed' adds the AI reviewer's judgments "
        "(tests/fixtures/claim_equivalents_review.md): indicative.",
        "",
        "| queries | n | MRR@5 judged | MAP@5 judged | recall@5 judged | MAP@5 strict "
        "| recall@5 strict | MRR@5 reviewed | MAP@5 reviewed | top-1 correct (judged) "
        "| passed pass 1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    groups = {"all": lambda r: True}
    groups["held out"] = lambda r: int(r["id"].split("-")[-1]) % 2 == 1
    for kind in sorted({r["kind"] for r in rows if not r["negative"]}):
        groups[kind] = lambda r, k=kind: r["kind"] == k
    for lang in sorted({r["lang"] for r in rows if r["kind"] == "translation"}):
        groups[f"translation {lang}"] = lambda r, g=lang: (
            r["kind"] == "translation" and r["lang"] == g
        )
    for name, keep in groups.items():
        chosen = [r for r in rows if keep(r) and not r["negative"]]
        if not chosen:
            continue
        figures = {
            "n": len(chosen),
            "mrr_at_5": round(float(np.mean([r["rr"] for r in chosen])), 3),
            "map_at_5": round(float(np.mean([r["ap"] for r in chosen])), 3),
            "recall_at_5": round(float(np.mean([r["hit"] for r in chosen])), 3),
            "strict_map_at_5": round(float(np.mean([r["strict_ap"] for r in chosen])), 3),
            "strict_recall_at_5": round(float(np.mean([r["strict_hit"] for r in chosen])), 3),
            "reviewed_mrr_at_5": round(float(np.mean([r["reviewed_rr"] for r in chosen])), 3),
            "reviewed_map_at_5": round(float(np.mean([r["reviewed_ap"] for r in chosen])), 3),
            "top1": round(float(np.mean([r["top_correct"] for r in chosen])), 3),
            "passed": round(float(np.mean([r["passed"] for r in chosen])), 3),
        }
        results["groups"][name] = figures
        lines.append(f"| {name} | {figures['n']} | {figures['mrr_at_5']:.3f} | "
                     f"{figures['map_at_5']:.3f} | "
                     f"{figures['recall_at_5']:.3f} | {figures['strict_map_at_5']:.3f} | "
                     f"{figures['strict_recall_at_5']:.3f} | {figures['reviewed_mrr_at_5']:.3f} | "
                     f"{figures['reviewed_map_at_5']:.3f} | {figures['top1']:.3f} | "
                     f"{figures['passed']:.3f} |")  # fmt: skip
    negatives = [r for r in rows if r["negative"]]
    lines += ["", f"Negatives: {sum(r['passed'] for r in negatives)} of {len(negatives)} passed "
              "pass 1."]  # fmt: skip
    lines += ["", "Reported status of the best claim per query, judged relevance (probability thresholds "
              f"confirm {config.confirm}, suggest {config.suggest}):", "",
              "| queries | status | n | top claim correct |", "|---|---|---:|---:|"]  # fmt: skip
    for name, keep in (
        ("positives", lambda r: not r["negative"]),
        ("negatives", lambda r: r["negative"]),
    ):
        chosen = [r for r in rows if keep(r)]
        for status, low, high in (("match", config.confirm, 2), ("suggested", config.suggest,
                                  config.confirm), ("not reported", -1, config.suggest)):  # fmt: skip
            picked = [r for r in chosen if low <= r["top_score"] < high]
            correct = sum(r["top_correct"] for r in picked)
            results["groups"][f"{name} {status}"] = {"n": len(picked), "correct": correct}
            lines.append(f"| {name} | {status} | {len(picked)} | {correct} |")
    lines += ["", "Best claim per query by probability threshold (judged relevance):", "",
              "| threshold | positives reported | of them correct | precision | recall "
              "| negatives reported |", "|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    positives = [r for r in rows if not r["negative"]]
    for threshold in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        shown = [r for r in positives if r["top_score"] >= threshold]
        correct = sum(r["top_correct"] for r in shown)
        false_alarms = sum(r["top_score"] >= threshold for r in rows if r["negative"])
        precision = correct / (len(shown) + false_alarms) if shown or false_alarms else 1.0
        results["groups"][f"threshold {threshold}"] = {"reported": len(shown), "correct": correct,
                                                       "negatives": false_alarms}  # fmt: skip
        lines.append(f"| {threshold} | {len(shown)} | {correct} | {precision:.3f} | "
                     f"{correct / len(positives):.3f} | {false_alarms} |")  # fmt: skip
    write_results("eval_claims", results, lines)


if __name__ == "__main__":
    main()
