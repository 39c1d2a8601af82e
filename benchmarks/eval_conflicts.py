"""Conflicting accounts against hand labels: precision and recall of ``conflict``.

tests/fixtures/statements/conflicts.csv holds real statement pairs about one event
(the seed articles, WMT22 news, FNC-1 headlines and bodies), labelled conflict,
consistent or unrelated before any conflict rule was written (its README says how).
Each pair is given to the conflict finder as two statements of one event by their
two speakers; words are weighted by their rarity among all the set's statements.
``unrelated`` counts as not a conflict. Rules were adjusted on ``tune`` only.

    python benchmarks/eval_conflicts.py
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import ROOT, machine, write_results  # noqa: E402

from infoops.detectors.statements import ConflictFinder, Said, name_key  # noqa: E402

PAIRS = ROOT / "tests" / "fixtures" / "statements" / "conflicts.csv"


def main() -> None:
    with open(PAIRS, newline="", encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))
    said = []
    for p in pairs:
        for side in "ab":
            said.append(Said(name_key(p[f"speaker_{side}"]) or p[f"speaker_{side}"].lower(),
                             p[f"statement_{side}"], "", None, p["event"], None))  # fmt: skip
    finder = ConflictFinder(said)
    tally = defaultdict(lambda: defaultdict(int))
    for k, p in enumerate(pairs):
        found = finder.conflict(2 * k, 2 * k + 1) is not None
        truth = p["label"] == "conflict"
        for group in (p["split"], f"{p['split']}/{p['origin'].split(':')[0][:6]}"):
            tally[group]["tp"] += found and truth
            tally[group]["fp"] += found and not truth
            tally[group]["fn"] += truth and not found
            tally[group]["n"] += 1
    lines = ["# Conflicting accounts against hand labels", "",
             f"`python benchmarks/eval_conflicts.py` on {len(pairs)} pairs. "
             "Target (issue 24): precision >= 0.8 at recall >= 0.5 on holdout.", "",
             "| split / origin | pairs | conflicts | found | precision | recall |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for group, c in sorted(tally.items()):
        found, true = c["tp"] + c["fp"], c["tp"] + c["fn"]
        precision = f"{c['tp'] / found:.3f}" if found else "-"
        recall = f"{c['tp'] / true:.3f}" if true else "-"
        lines.append(f"| {group} | {c['n']} | {true} | {found} | {precision} | {recall} |")
    write_results("eval_conflicts", {"machine": machine(),
                                     **{g: dict(c) for g, c in tally.items()}}, lines)  # fmt: skip


if __name__ == "__main__":
    main()
