"""Known-claim retrieval on CheckThat! 2022 Task 2A English, as the product ranks.

Ranks every tweet of the folder against its catalogue with ``rank_claims`` (the
shipped ranker; no floor, no first-pass gate) and reports MAP@k as the lab computes
it for every judged split found (``train`` was used to fit the ranker, so only its
cross-validated figure in ``train_claim_ranker.py`` is fair; ``dev`` and any
``test`` split were not used for fitting or choosing). A test set kept aside in the
same format is measured by pointing the script at its folder:

    python benchmarks/eval_checkthat.py ../shared/data/checkthat2022
    python benchmarks/eval_checkthat.py /path/to/test-folder --name checkthat_test
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _checkthat import index_for, mean_ap, posted_dates, qrels, queries  # noqa: E402
from _common import machine, write_results  # noqa: E402

from infoops.detectors.claims._claims import rank_claims  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a CheckThat! 2022 2A folder")
    parser.add_argument("--name", default="checkthat", help="results file name")
    args = parser.parse_args()
    started = time.perf_counter()
    index = index_for(args.data)
    index_seconds = time.perf_counter() - started
    texts = queries(args.data)
    splits = qrels(args.data)
    judged = sorted({q for split in splits.values() for q in split} & texts.keys())
    started = time.perf_counter()
    tweets = [texts[q] for q in judged]
    found = rank_claims(index, tweets, posted_dates(tweets), top=10)
    rank_seconds = time.perf_counter() - started
    ids = index.claims.column("claim_id").to_pylist()
    run = {q: [ids[c.claim] for c in cands] for q, cands in zip(judged, found, strict=True)}
    results = {"machine": machine(), "claims": len(index), "index_seconds": round(index_seconds, 1),
               "rank_seconds": round(rank_seconds, 1), "splits": {}}  # fmt: skip
    lines = [
        "# CheckThat! 2022 Task 2A English: known-claim retrieval",
        "",
        f"`python benchmarks/eval_checkthat.py {args.data}`: {len(index):,} claims, "
        f"{len(judged):,} judged tweets ranked in {rank_seconds:.1f} s (index and claim "
        f"vectors ready in {index_seconds:.1f} s). The ranker was fitted on `train` only; "
        "its fair train figure is the cross-validated one from train_claim_ranker.py. A "
        "tweet's date is read from its embedded signature, as a post's date in infoops.",
        "",
        "| split | tweets | MAP@1 | MAP@3 | MAP@5 | recall@5 | recall@10 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for split, relevant in splits.items():
        relevant = {q: r for q, r in relevant.items() if q in texts}
        recall = {k: float(np.mean([bool(set(run[q][:k]) & r) for q, r in relevant.items()]))
                  for k in (5, 10)}  # fmt: skip
        figures = {"tweets": len(relevant), **{f"map_at_{k}": round(mean_ap(run, relevant, k), 4)
                   for k in (1, 3, 5)}, "recall_at_5": round(recall[5], 4),
                   "recall_at_10": round(recall[10], 4)}  # fmt: skip
        results["splits"][split] = figures
        lines.append(f"| {split}{' (fitted on)' if split == 'train' else ''} | "
                     f"{figures['tweets']} | {figures['map_at_1']:.3f} | {figures['map_at_3']:.3f} "
                     f"| {figures['map_at_5']:.3f} | {recall[5]:.3f} | {recall[10]:.3f} |")  # fmt: skip
    write_results(args.name, results, lines)


if __name__ == "__main__":
    main()
