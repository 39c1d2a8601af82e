"""Attributed statements against hand labels: speaker and statement span, per language.

tests/fixtures/statements/attribution.csv holds real news sentences (the seed
articles, WMT22 news in English, German and Ukrainian) labelled by a session that
read them before any extractor existed (its README says how). Rules were adjusted on
the ``tune`` documents only; ``holdout`` is the figure to trust.

Each labelled document's sentences are given to the extractor as they are (its own
sentence splitter is not measured here). A predicted statement is right when its span
and a labelled one overlap by at least half of the longer of the two, and its speaker
is right: the speaker words overlap the labelled ones, or the names resolve to one key
(for a speaker named in an earlier sentence, "he", or a quote that goes on).
Also reported: the span alone, and any overlap ("lenient").

    python benchmarks/eval_statements.py [--file attribution.csv]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import ROOT, machine, write_results  # noqa: E402

from infoops.detectors.statements import document_statements, name_key  # noqa: E402
from infoops.detectors.statements._attribution import Span  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "statements" / "attribution.csv"


def _int(value: str) -> int | None:
    return int(value) if value not in ("", None) else None


def read_documents(path: Path) -> dict[str, dict]:
    """Per document: language, split, sentences in order, and the labelled statements."""
    documents: dict[str, dict] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            doc = documents.setdefault(
                row["doc"],
                {"lang": row["lang"], "split": row["split"], "sentences": {}, "gold": []},
            )
            number = int(row["sent_no"])
            doc["sentences"][number] = row["sentence"]
            if row["statement"]:
                doc["gold"].append({
                    "sent_no": number,
                    "statement": (_int(row["statement_start"]), _int(row["statement_end"])),
                    "speaker": (_int(row["speaker_start"]), _int(row["speaker_end"])),
                    "resolved": row["speaker_resolved"] or row["speaker"],
                })  # fmt: skip
    return documents


def predict(doc: dict) -> list[dict]:
    numbers = sorted(doc["sentences"])
    text, spans, offsets = "", [], {}
    for number in numbers:
        sentence = doc["sentences"][number]
        offsets[len(spans)] = (number, len(text))
        spans.append(Span(len(text), len(text) + len(sentence)))
        text += sentence + "\n"
    found = []
    for row in document_statements(text, doc["lang"], spans):
        number, base = offsets[row["sentence_no"]]
        sentence = doc["sentences"][number]
        mention = row["speaker_mention"]
        start = sentence.find(mention) if mention else -1
        found.append({
            "sent_no": number,
            "statement": (row["start"] - base, row["end"] - base),
            "speaker": (start, start + len(mention)) if start >= 0 else (None, None),
            "resolved": row["speaker"],
        })  # fmt: skip
    return found


def _overlap(a: tuple, b: tuple) -> int:
    if None in a or None in b:
        return 0
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def span_matches(p: tuple, g: tuple, lenient: bool) -> bool:
    shared = _overlap(p, g)
    if lenient:
        return shared > 0
    return shared >= 0.5 * max(p[1] - p[0], g[1] - g[0])


def speaker_matches(p: dict, g: dict) -> bool:
    if _overlap(p["speaker"], g["speaker"]) > 0:
        return True
    keys = name_key(p["resolved"] or ""), name_key(g["resolved"] or "")
    return bool(keys[0]) and keys[0] == keys[1]


def score(documents: dict[str, dict], lenient: bool = False) -> dict:
    counts = defaultdict(lambda: defaultdict(int))
    for doc in documents.values():
        predicted = predict(doc)
        for group in (doc["lang"], "all"):
            tally = counts[(doc["split"], group)]
            tally["gold"] += len(doc["gold"])
            tally["predicted"] += len(predicted)
            for need_speaker, name in ((False, "span"), (True, "both")):
                tally[f"{name}_recall_hits"] += sum(
                    any(_match(p, g, need_speaker, lenient) for p in predicted) for g in doc["gold"]
                )
                tally[f"{name}_precision_hits"] += sum(
                    any(_match(p, g, need_speaker, lenient) for g in doc["gold"]) for p in predicted
                )
    return {key: dict(value) for key, value in counts.items()}


def _match(p: dict, g: dict, need_speaker: bool, lenient: bool) -> bool:
    return (
        p["sent_no"] == g["sent_no"]
        and span_matches(p["statement"], g["statement"], lenient)
        and (not need_speaker or speaker_matches(p, g))
    )


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else float("nan")


def table(counts: dict, title: str) -> list[str]:
    lines = [f"### {title}", "",
             "| split | language | labelled | predicted | speaker+span P | speaker+span R | span P | span R |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for (split, group), c in sorted(counts.items()):
        lines.append(
            f"| {split} | {group} | {c['gold']} | {c['predicted']} | "
            f"{_ratio(c['both_precision_hits'], c['predicted']):.3f} | "
            f"{_ratio(c['both_recall_hits'], c['gold']):.3f} | "
            f"{_ratio(c['span_precision_hits'], c['predicted']):.3f} | "
            f"{_ratio(c['span_recall_hits'], c['gold']):.3f} |"
        )
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=LABELS)
    args = parser.parse_args()
    documents = read_documents(args.file)
    strict, lenient = score(documents), score(documents, lenient=True)
    lines = [
        "# Attributed statements against hand labels",
        "",
        f"`python benchmarks/eval_statements.py` on {args.file.name}: {len(documents)} documents. "
        "Strict: spans overlap by half the longer one; lenient: any overlap. "
        "Target (issue 24): speaker and span precision >= 0.85, recall >= 0.7 on holdout.",
        "",
        *table(strict, "Strict"),
        *table(lenient, "Lenient"),
    ]
    write_results("eval_statements", {"machine": machine(),
                                      "strict": {f"{s}/{g}": c for (s, g), c in strict.items()},
                                      "lenient": {f"{s}/{g}": c for (s, g), c in lenient.items()}},
                  lines)  # fmt: skip


if __name__ == "__main__":
    main()
