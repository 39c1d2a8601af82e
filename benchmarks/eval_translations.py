"""How well translated copies of an article are linked back to their source (cross-lingual).

Run: python benchmarks/eval_translations.py [--model e5|use] [--pairs uk-en de-fr ja-en en-zh]
         [--threads 2] [--margin-floor F]
Needs ../shared/data/translations/wmttest2022.{uk-en,de-fr,ja-en,en-zh}.all.xml.gz (WMT22
general test sets). ``--model`` is the laundering step's sentence model (``e5``, the default:
multilingual-e5-small; ``use``: USE multilingual v3), with its shipped calibration. Writes
benchmarks/results/translations.{json,md} (e5) or translations_use.{json,md}. About 30
minutes on 2 cores with e5 (10 with use), nearly all of it sentence embedding.

Protocol (per language pair): every translation of a document (each human reference
``<ref>`` and each system output ``<hyp>``) is a candidate copy of its source document;
``score_documents`` scores every (candidate, source) pair of the language pair. Positives
are (candidate, its own source), negatives (candidate, any other source). Reported:

- recall at precision >= 0.95: the highest recall over thresholds whose precision is at
  least 0.95, with one threshold per language pair, and with one threshold for all pairs
  together (what a product would ship); also the recall and precision each pair gets when
  the threshold is chosen on the other three pairs only (threshold transfer);
- the same per translation system (at the pair's threshold and at the global one), per
  source length (sentences), top-1 accuracy, and embedding throughput.

ja-en system ``AIST`` produced random word salad (not a translation), so pair-level and
global numbers exclude it (``EXCLUDED``); its per-system row is still reported.

``score_documents`` is the product's own scoring (``infoops.text.alignment_matrix`` and
``corpus_margin``, the encoder's ``Calibration``); documents are lists of sentences. The
shipped threshold (the calibration's) is reported beside the thresholds chosen here.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import time
import xml.etree.ElementTree as ET
from collections import Counter

import numpy as np
from _common import machine, require_shared, write_results

from infoops.detectors.laundering import LAUNDERING_MODELS
from infoops.text import _alignment, alignment_matrix, corpus_margin

PAIRS = ("uk-en", "de-fr", "ja-en", "en-zh")
PRECISION = 0.95
EXCLUDED = {"ja-en": {"AIST"}}  # outputs unrelated to the source (random English words)

ENCODER = LAUNDERING_MODELS["e5"]()
CALIBRATION = ENCODER.calibration
EMBED_STATS = {"sentences": 0, "chars": 0, "seconds": 0.0}


def _use_model(model: str, threads: int, margin_floor: float | None) -> None:
    """Embed with the laundering model ``model`` and score with its calibration."""
    global ENCODER, CALIBRATION
    ENCODER = LAUNDERING_MODELS[model]()
    ENCODER.threads = threads
    CALIBRATION = ENCODER.calibration
    if margin_floor is not None:
        CALIBRATION = dataclasses.replace(CALIBRATION, margin_floor=margin_floor)
    ENCODER.encode(["warm up"])  # load weights outside the timing


def _embed(sentences: list[str]) -> np.ndarray:
    """The model's embeddings (L2-normalised, float32) of unique sentences."""
    started = time.perf_counter()
    vectors = ENCODER.encode(sentences)
    EMBED_STATS["seconds"] += time.perf_counter() - started
    EMBED_STATS["sentences"] += len(sentences)
    EMBED_STATS["chars"] += sum(map(len, sentences))
    return vectors


def _vectors(docs: list[list[str]], index: dict[str, int], vectors: np.ndarray) -> list:
    """Each document's sentence vectors (an empty document: the vector of "")."""
    return [vectors[[index[s] for s in (d or [""])]] for d in docs]


def score_documents(sources: list[list[str]], candidates: list[list[str]]) -> np.ndarray:
    """Similarity of every candidate to every source, (len(candidates), len(sources)): the
    product's own scoring (``infoops.text``: sentence alignment, then the corpus margin).
    Documents are lists of sentences; scores are relative to the given set of sources."""
    return corpus_margin(alignment_scores(sources, candidates), CALIBRATION)


def alignment_scores(sources: list[list[str]], candidates: list[list[str]]) -> np.ndarray:
    unique = sorted({s for d in sources for s in d} | {s for d in candidates for s in d} | {""})
    index = {s: i for i, s in enumerate(unique)}
    vectors = _embed(unique)
    return alignment_matrix(_vectors(candidates, index, vectors), _vectors(sources, index, vectors))


# ----------------------------------------------------------------------------- data


def _segments(element) -> list[str]:
    return [(s.text or "").replace("\ufeff", "").strip() for s in element.iter("seg")]


def load_pair(pair: str) -> list[dict]:
    """Docs of one WMT22 file: id, domain, source sentences, [(system, sentences)]."""
    path = require_shared(f"translations/wmttest2022.{pair}.all.xml.gz")
    with gzip.open(path) as handle:
        root = ET.parse(handle).getroot()
    docs = []
    for doc in root.iter("doc"):
        translations = [("ref-" + r.get("translator", "?"), _segments(r)) for r in doc.iter("ref")]
        translations += [(h.get("system", "?"), _segments(h)) for h in doc.iter("hyp")]
        docs.append(
            {
                "id": doc.get("id"),
                "domain": doc.get("domain") or "",
                "source": _segments(doc.find("src")),
                "translations": translations,
            }
        )
    return docs


# ----------------------------------------------------------------------------- metrics


def recall_at_precision(pos: np.ndarray, neg: np.ndarray, precision: float = PRECISION):
    """Highest recall over thresholds with precision >= ``precision``: (recall, threshold)."""
    scores = np.concatenate([pos, neg])
    labels = np.r_[np.ones(len(pos), bool), np.zeros(len(neg), bool)]
    order = np.argsort(-scores, kind="stable")
    scores, labels = scores[order], labels[order]
    hits = np.cumsum(labels)
    last_of_tie = np.r_[scores[1:] != scores[:-1], True]
    ok = last_of_tie & (hits / np.arange(1, len(labels) + 1) >= precision)
    if not ok.any():
        return 0.0, float("inf")
    best = np.flatnonzero(ok)[np.argmax(hits[ok])]
    return float(hits[best] / len(pos)), float(scores[best])


def at_threshold(pos: np.ndarray, neg: np.ndarray, threshold: float) -> dict:
    tp, fp = int((pos >= threshold).sum()), int((neg >= threshold).sum())
    return {"recall": round(tp / max(len(pos), 1), 4), "precision": round(tp / max(tp + fp, 1), 4)}


def split_scores(scores: np.ndarray, truth: np.ndarray):
    rows = np.arange(len(truth))
    negative = np.ones(scores.shape, bool)
    negative[rows, truth] = False
    return scores[rows, truth], scores[negative]


def describe(pair: str, docs: list[dict]) -> dict:
    sizes = np.array([len(d["source"]) for d in docs])
    systems = Counter(name for d in docs for name, _ in d["translations"])
    return {
        "docs": len(docs),
        "source_sentences": int(sizes.sum()),
        "translations": int(sum(systems.values())),
        "systems": len(systems),
        "system_names": sorted(systems),
        "domains": dict(Counter(d["domain"] for d in docs)),
        "sentences_per_doc": {
            q: float(np.percentile(sizes, p))
            for q, p in (("min", 0), ("p25", 25), ("median", 50), ("p75", 75), ("p90", 90))
        }
        | {"max": int(sizes.max()), "share_1": round(float((sizes == 1).mean()), 3)},
        "share_le_3": round(float((sizes <= 3).mean()), 3),
    }


def length_bucket(n: int) -> str:
    return "1" if n == 1 else "2-3" if n <= 3 else "4-10" if n <= 10 else ">10"


# ----------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(LAUNDERING_MODELS), default="e5")
    parser.add_argument("--pairs", nargs="+", default=list(PAIRS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--margin-floor",
        type=float,
        default=None,
        help="lowest background instead of the model's (lower links same-topic articles)",
    )
    args = parser.parse_args()
    _use_model(args.model, args.threads, args.margin_floor)
    started = time.perf_counter()

    results: dict = {"machine": machine(), "precision_target": PRECISION, "pairs": {}}
    kept: dict[str, tuple] = {}
    for pair in args.pairs:
        t0 = time.perf_counter()
        docs = load_pair(pair)
        sources = [d["source"] for d in docs]
        candidates, truth, systems = [], [], []
        for j, doc in enumerate(docs):
            for name, sentences in doc["translations"]:
                candidates.append(sentences)
                truth.append(j)
                systems.append(name)
        truth_a, systems_a = np.array(truth), np.array(systems)
        raw = alignment_scores(sources, candidates)
        scores = corpus_margin(raw, CALIBRATION)  # == score_documents(sources, candidates)
        keep = ~np.isin(systems_a, list(EXCLUDED.get(pair, ())))
        pos, neg = split_scores(scores[keep], truth_a[keep])
        recall, threshold = recall_at_precision(pos, neg)
        raw_recall, raw_threshold = recall_at_precision(*split_scores(raw[keep], truth_a[keep]))
        kept[pair] = (pos, neg)
        src_len = np.array([len(s) for s in sources])[truth_a]
        entry = {
            "data": describe(pair, docs),
            "excluded_systems": sorted(EXCLUDED.get(pair, ())),
            "recall": round(recall, 4),
            "threshold": round(threshold, 4),
            "top1": round(float((scores[keep].argmax(1) == truth_a[keep]).mean()), 4),
            "at_shipped_threshold": at_threshold(pos, neg, CALIBRATION.threshold),
            "without_margin": {
                "recall": round(raw_recall, 4),
                "threshold": round(raw_threshold, 4),
            },
            "per_system": {},
            "by_source_sentences": {},
            "seconds": round(time.perf_counter() - t0, 1),
        }
        for name in sorted(set(systems)):
            mask = systems_a == name
            entry["per_system"][name] = at_threshold(
                *split_scores(scores[mask], truth_a[mask]), threshold
            ) | {"n": int(mask.sum())}
        buckets = np.array([length_bucket(n) for n in src_len])
        for bucket in ("1", "2-3", "4-10", ">10"):
            mask = keep & (buckets == bucket)
            if mask.any():
                entry["by_source_sentences"][bucket] = at_threshold(
                    *split_scores(scores[mask], truth_a[mask]), threshold
                ) | {"n": int(mask.sum())}
        entry["_scores"] = (scores, truth_a, systems_a)
        results["pairs"][pair] = entry
        print(
            f"{pair}: recall@P>={PRECISION} = {recall:.3f} (threshold {threshold:.3f})", flush=True
        )

    # One threshold for every pair together, and thresholds transferred from the other pairs.
    all_pos = np.concatenate([p for p, _ in kept.values()])
    all_neg = np.concatenate([n for _, n in kept.values()])
    g_recall, g_threshold = recall_at_precision(all_pos, all_neg)
    results["global"] = {"recall": round(g_recall, 4), "threshold": round(g_threshold, 4)}
    for pair, entry in results["pairs"].items():
        scores, truth_a, systems_a = entry.pop("_scores")
        entry["at_global_threshold"] = at_threshold(*kept[pair], g_threshold)
        for name, row in entry["per_system"].items():
            mask = systems_a == name
            row["recall_at_global"] = at_threshold(
                *split_scores(scores[mask], truth_a[mask]), g_threshold
            )["recall"]
        others = [q for q in kept if q != pair]
        if others:
            _, t = recall_at_precision(
                np.concatenate([kept[q][0] for q in others]),
                np.concatenate([kept[q][1] for q in others]),
            )
            entry["threshold_from_other_pairs"] = {"threshold": round(t, 4)} | at_threshold(
                *kept[pair], t
            )

    wall = time.perf_counter() - started
    results["throughput"] = {
        "threads": args.threads,
        "sentences_embedded": EMBED_STATS["sentences"],
        "embed_seconds": round(EMBED_STATS["seconds"], 1),
        "sentences_per_second": round(EMBED_STATS["sentences"] / EMBED_STATS["seconds"], 1),
        "chars_per_second": round(EMBED_STATS["chars"] / EMBED_STATS["seconds"]),
        "total_seconds": round(wall, 1),
    }
    results["method"] = {
        "score": "min(c2s, s2c) - clip(mean of candidate's top-k scores, floor, cap)",
        "position_penalty": _alignment.POSITION_PENALTY,
        "margin_k": _alignment.MARGIN_K,
        "margin_cap": CALIBRATION.margin_cap,
        "margin_floor": CALIBRATION.margin_floor,
        "shipped_threshold": CALIBRATION.threshold,
        "embedding": ENCODER.name,  # one vector per sentence
    }
    name = "translations" if args.model == "e5" else f"translations_{args.model}"
    write_results(name, results, markdown(results))


def markdown(results: dict) -> list[str]:
    pairs = results["pairs"]
    g = results["global"]
    th = results["throughput"]
    method = results["method"]
    lines = [
        "# Translated copies: linking a translation to its source (WMT22 general test sets)",
        "",
        "Every reference and system translation is a candidate; its own source document is",
        "the positive, every other source of the language pair a negative. Score: symmetric",
        f"sentence alignment of {method['embedding']} sentence embeddings (position penalty "
        f"{method['position_penalty']}),",
        f"minus the candidate's background (mean of its {method['margin_k']} best source scores, "
        f"clipped to [{method['margin_floor']}, {method['margin_cap']}]). Recall at precision >= "
        f"{PRECISION}; excluded: "
        + ", ".join(f"{p} {', '.join(sorted(s))}" for p, s in EXCLUDED.items())
        + " (not a translation).",
        "",
        "| pair | docs | src sentences | median sent/doc | docs of 1 sentence | systems | candidates"
        " | recall (pair threshold) | threshold | recall w/o margin | top-1 | recall / precision"
        " at global threshold | threshold from other pairs: recall / precision"
        f" | shipped threshold {method['shipped_threshold']}: recall / precision |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for pair, e in pairs.items():
        d = e["data"]
        tr = e.get("threshold_from_other_pairs", {})
        lines.append(
            f"| {pair} | {d['docs']} | {d['source_sentences']} | {d['sentences_per_doc']['median']:g}"
            f" | {d['sentences_per_doc']['share_1']:.0%} | {d['systems']} | {d['translations']}"
            f" | **{e['recall']:.3f}** | {e['threshold']:.3f} | {e['without_margin']['recall']:.3f}"
            f" | {e['top1']:.3f} | {e['at_global_threshold']['recall']:.3f} /"
            f" {e['at_global_threshold']['precision']:.3f}"
            f" | {tr.get('recall', float('nan')):.3f} / {tr.get('precision', float('nan')):.3f}"
            f" | {e['at_shipped_threshold']['recall']:.3f} /"
            f" {e['at_shipped_threshold']['precision']:.3f} |"
        )
    lines += [
        "",
        f"One threshold for all pairs: **recall {g['recall']:.3f}** at threshold {g['threshold']:.3f}.",
        "",
        "## Per system (recall at the pair's threshold / at the global threshold)",
        "",
        "| pair | system | n | recall | precision | recall at global |",
        "|---|---|---|---|---|---|",
    ]
    for pair, e in pairs.items():
        for name, row in e["per_system"].items():
            lines.append(
                f"| {pair} | {name} | {row['n']} | {row['recall']:.3f} | {row['precision']:.3f}"
                f" | {row['recall_at_global']:.3f} |"
            )
    lines += [
        "",
        "## By source length (sentences), at the pair's threshold",
        "",
        "| pair | " + " | ".join(("1", "2-3", "4-10", ">10")) + " |",
        "|---|---|---|---|---|",
    ]
    for pair, e in pairs.items():
        cells = [
            f"{e['by_source_sentences'][b]['recall']:.3f} (n={e['by_source_sentences'][b]['n']})"
            if b in e["by_source_sentences"]
            else "-"
            for b in ("1", "2-3", "4-10", ">10")
        ]
        lines.append(f"| {pair} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Embedding: {th['sentences_embedded']} unique sentences in {th['embed_seconds']} s"
        f" ({th['sentences_per_second']} sentences/s, {th['chars_per_second']} chars/s,"
        f" {th['threads']} threads); whole evaluation {th['total_seconds']} s.",
        f"Machine: {results['machine']['cpus']} CPUs, Python {results['machine']['python']},"
        f" {results['machine']['when']}.",
    ]
    return lines


if __name__ == "__main__":
    main()
