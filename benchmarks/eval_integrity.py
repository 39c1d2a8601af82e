"""Election-integrity tags on a labelled set of real examples: precision and recall per
tag, of the classifier (the default) and of the rules, side by side.

The set (tests/fixtures/election_integrity.jsonl, sources and guidelines in its
.md) holds IRA tweets, EUvsDisinfo claims and messages quoted in court filings,
official reports and fact-checks, labelled by hand before the rules were written.
Its ``split`` puts whole accounts and sources in train or test (seeded, before the
later items were labelled). The classifier learnt on part of train and chose its epoch
and threshold on the rest (benchmarks/train_integrity.py); test was never read for it.
The rules were adjusted, before the split existed, on the even-numbered items of the
first 449; the test split's items from ei-450 on were never seen by anyone adjusting
the rules, and are reported apart.

Both methods read only the texts that pass the product's gate (DuckDB, the same
pattern), as in a run.

    python benchmarks/eval_integrity.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent))
from _common import ROOT, machine, write_results  # noqa: E402

from infoops.detectors.integrity._classifier import IntegrityClassifier  # noqa: E402
from infoops.detectors.integrity._integrity import (  # noqa: E402
    classified_tags,
    gate_sql,
    integrity_tags,
    normalised_sql,
)

LABELLED = ROOT / "tests" / "fixtures" / "election_integrity.jsonl"
TAGS = ("procedural", "participation", "fraud", "delegitimisation")
LANGUAGES = ("en", "ru", "de")
FIRST_NEW = 450  # items from here on were labelled after the rules were last adjusted


def load() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line]


def number(item: dict) -> int:
    return int(item["id"].split("-")[-1])


def passing(texts: list[str]) -> list[bool]:
    condition, gate = gate_sql("n")
    rows = (
        duckdb.connect()
        .execute(
            f"""SELECT {condition} FROM (SELECT number, {normalised_sql("t")} AS n
            FROM unnest($texts::VARCHAR[]) WITH ORDINALITY u(t, number)) ORDER BY number""",
            gate | {"texts": texts},
        )
        .fetchall()
    )
    return [ok for (ok,) in rows]


def predictions(items: list[dict]) -> tuple[dict[str, list[set[str]]], float]:
    """Each method's tags per item (none for a text the gate stops), and the model's time."""
    texts = [i["text"] for i in items]
    gate = passing(texts)
    rules = [
        {t for t, _, _ in integrity_tags(x)} if ok else set()
        for x, ok in zip(texts, gate, strict=True)
    ]
    classifier = IntegrityClassifier()
    classifier.probabilities(texts[:1])  # build or load the model outside the timing
    started = time.perf_counter()
    probabilities = classifier.probabilities(texts)
    seconds = time.perf_counter() - started
    model = [
        {t for t, _, _ in classified_tags(x, row, classifier.tags, classifier.thresholds)}
        if ok
        else set()
        for x, row, ok in zip(texts, probabilities, gate, strict=True)
    ]
    return {"model": model, "rules": rules}, seconds


def scores(items: list[dict], predicted: list[set[str]]) -> dict[str, dict[str, float]]:
    out = {}
    for tag in (*TAGS, "any"):

        def has(labels, tag=tag):
            return bool(labels) if tag == "any" else tag in labels

        pairs = [(has(p), has(set(i["tags"]))) for p, i in zip(predicted, items, strict=True)]
        tp = sum(p and t for p, t in pairs)
        fp = sum(p and not t for p, t in pairs)
        fn = sum(t and not p for p, t in pairs)
        out[tag] = {"positives": tp + fn, "tp": tp, "fp": fp, "fn": fn,
                    "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
                    "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0}  # fmt: skip
    return out


def main() -> None:
    items = load()
    by_method, seconds = predictions(items)
    results = {"machine": machine(), "items": len(items), "model_seconds": round(seconds, 2)}
    lines = ["# Election-integrity tags: precision and recall per tag", "",
             f"{len(items)} labelled items ({sum(not i['tags'] for i in items)} negatives); "
             "'any' = tagged at all vs. labelled at all. model: the classifier (the default); "
             "rules: the keyword rules alone (`--method rules`).", "",
             f"The classifier read the {len(items)} texts in {seconds:.1f} s.", ""]  # fmt: skip
    numbered = list(enumerate(items))
    test = [(n, i) for n, i in numbered if i["split"] == "test"]
    groups = [
        ("test split (by account or source)", test),
        ("test split, items labelled after the rules (ei-450 on)",
         [(n, i) for n, i in test if number(i) >= FIRST_NEW]),
        *[(f"test split, {lang}", [(n, i) for n, i in test if i["lang"] == lang])
          for lang in LANGUAGES],
        ("test split, other languages", [(n, i) for n, i in test if i["lang"] not in LANGUAGES]),
        ("train split (the classifier learnt on it)",
         [(n, i) for n, i in numbered if i["split"] == "train"]),
    ]  # fmt: skip
    for name, chosen in groups:
        chosen_items = [i for _, i in chosen]
        hard = [n for n, i in chosen if i.get("hard_negative")]
        results[name] = {}
        lines += [f"## {name}: {len(chosen)} items", "",
                  "| method | tag | labelled | tagged correctly | false tags | precision | recall |",
                  "|---|---|---:|---:|---:|---:|---:|"]  # fmt: skip
        for method, predicted in by_method.items():
            figures = scores(chosen_items, [predicted[n] for n, _ in chosen])
            false_on_hard = sum(bool(predicted[n]) for n in hard)
            results[name][method] = figures | {"hard_negatives": len(hard),
                                               "tagged_hard": false_on_hard}  # fmt: skip
            for tag, f in figures.items():
                lines.append(f"| {method} | {tag} | {f['positives']} | {f['tp']} | {f['fp']} | "
                             f"{f['precision']:.3f} | {f['recall']:.3f} |")  # fmt: skip
        lines += ["", "Hard negatives (reports, debunks, mockery, other uses) tagged: "
                  + ", ".join(f"{m} {results[name][m]['tagged_hard']}" for m in by_method)
                  + f" of {len(hard)}.", ""]  # fmt: skip
    lines.append("    python benchmarks/eval_integrity.py")
    write_results("eval_integrity", results, lines)


if __name__ == "__main__":
    main()
