"""Stance of (text, claim) pairs: asserts, refutes, reports, against hand labels.

tests/fixtures/claim_stance/pairs.csv holds real pairs (IRA tweets, CheckThat!
tweets, seed articles, news in other languages) labelled before the stance rules
were written (its README says how). The rules were adjusted on the ``tune`` half
only; the ``holdout`` half is reported as the figure to trust.

Two figures: the stance rules alone on the pairs whose text is about the claim
(labels asserts, refutes, reports); and the whole matcher on every pair, where a
pair is a ``match`` when the text asserts the claim and the ranker gives it 0.5 or
more among the text's top 3 (labelled ``unrelated`` counts as not asserting).

    python benchmarks/eval_stance.py
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import ROOT, SHARED, machine, write_results  # noqa: E402

from infoops.detectors.claims import stance  # noqa: E402

PAIRS = ROOT / "tests" / "fixtures" / "claim_stance" / "pairs.csv"
STANCES = ("asserts", "refutes", "reports")


def figures(rows: list[dict], predicted: list[str] | None = None) -> dict:
    predicted = predicted or [stance(r["text"], r["claim"]).stance for r in rows]
    truth = [r["label"] for r in rows]
    said = sum(p == "asserts" for p in predicted)
    true = sum(t == "asserts" for t in truth)
    hits = sum(p == t == "asserts" for p, t in zip(predicted, truth, strict=True))
    confusion = Counter(zip(truth, predicted, strict=True))
    per_class = {}
    for name in STANCES:
        tp = confusion[(name, name)]
        p = sum(v for (t, q), v in confusion.items() if q == name)
        r = sum(v for (t, q), v in confusion.items() if t == name)
        per_class[name] = {"precision": round(tp / p, 3) if p else None,
                           "recall": round(tp / r, 3) if r else None}  # fmt: skip
    return {
        "pairs": len(rows),
        "asserts_precision": round(hits / said, 3) if said else None,
        "asserts_recall": round(hits / true, 3) if true else None,
        "per_class": per_class,
        "confusion": {f"{t} -> {p}": v for (t, p), v in sorted(confusion.items())},
    }


def matched(rows: list[dict]) -> list[str]:
    """Per pair, "asserts" when the whole matcher reports it as a match, else "other"."""
    from _checkthat import index_for

    from infoops.detectors.claims import ClaimIndex, bundled_claims, rank_claims

    indexes = {"euvsdisinfo": lambda: ClaimIndex(bundled_claims()),
               "checkthat2022": lambda: index_for(SHARED / "checkthat2022")}  # fmt: skip
    verdict = ["other"] * len(rows)
    for catalogue, make in indexes.items():
        chosen = [i for i, r in enumerate(rows) if r["catalogue"] == catalogue]
        if not chosen:
            continue
        index = make()
        row_of = {c: i for i, c in enumerate(index.claims.column("claim_id").to_pylist())}
        found = rank_claims(index, [rows[i]["text"] for i in chosen], top=3)
        for i, candidates in zip(chosen, found, strict=True):
            wanted = row_of.get(rows[i]["claim_id"])
            hit = [c for c in candidates if c.claim == wanted and c.probability >= 0.5]
            if hit and stance(rows[i]["text"], rows[i]["claim"]).stance == "asserts":
                verdict[i] = "asserts"
    return verdict


def main() -> None:
    if not PAIRS.exists():
        sys.exit(f"{PAIRS} not found")
    with open(PAIRS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    results = {"machine": machine(), "splits": {}}
    lines = ["# Stance of matched (text, claim) pairs against hand labels", "",
             f"`python benchmarks/eval_stance.py` on {PAIRS.relative_to(ROOT)} ({len(rows)} pairs). "
             "Rules adjusted on `tune` only; `holdout` is the figure to trust.", "",
             "| split | source | pairs | asserts precision | asserts recall | refutes P/R | reports P/R |",
             "|---|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    related = [r for r in rows if r["label"] != "unrelated"]
    for split in ("tune", "holdout", "all"):
        chosen = [r for r in related if split == "all" or r["split"] == split]
        for source in ["all", *sorted({r["source"] for r in chosen})]:
            part = [r for r in chosen if source == "all" or r["source"] == source]
            found = figures(part)
            results["splits"][f"{split}/{source}"] = found
            pc = found["per_class"]
            lines.append(
                f"| {split} | {source} | {found['pairs']} | {found['asserts_precision']} | "
                f"{found['asserts_recall']} | {pc['refutes']['precision']}/{pc['refutes']['recall']} "
                f"| {pc['reports']['precision']}/{pc['reports']['recall']} |"
            )
    lines += ["", "Confusion on holdout (label -> predicted):", ""]
    lines += [f"- {k}: {v}" for k, v in results["splits"]["holdout/all"]["confusion"].items()]
    verdict = matched(rows)
    lines += ["", "The whole matcher on every pair (match = asserts and probability >= 0.5 "
              "among the text's top 3; `unrelated` counts as not asserting):", "",
              "| split | pairs | match precision | match recall | pairs at match |",
              "|---|---:|---:|---:|---:|"]  # fmt: skip
    for split in ("tune", "holdout", "all"):
        keep = [i for i, r in enumerate(rows) if split == "all" or r["split"] == split]
        found = figures([rows[i] for i in keep], [verdict[i] for i in keep])
        results["splits"][f"matcher/{split}"] = found
        shown = sum(verdict[i] == "asserts" for i in keep)
        lines.append(f"| {split} | {len(keep)} | {found['asserts_precision']} | "
                     f"{found['asserts_recall']} | {shown} |")  # fmt: skip
    write_results("eval_stance", results, lines)


if __name__ == "__main__":
    main()
