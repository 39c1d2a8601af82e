"""Fit the claim ranker (``infoops.detectors.claims._ranker``) on CheckThat! 2022 2A train.

Features come from the product's own ``ClaimIndex.pairs``. A logistic model learns
from three kinds of texts, so that its output is a probability on a real stream and
not only an order:

- the training tweets with their candidates (label: the claim is judged relevant);
- the same tweets with their relevant claims taken out of the catalogue: texts whose
  claim is not catalogued, whose best candidates are near misses (all labelled 0);
- IRA tweets (``--stream``, half of a sample; the other half is held out), which
  almost never state a Snopes claim: ordinary posts (all labelled 0).

It reports 5-fold cross-validated MAP@5 on train (folds by tweet), MAP@5 on every
other judged split of the folder (dev; test when present), and, for the best claim
of each held-out text, how often it reaches 0.5 ('match'): dev tweets (and whether
that claim is right), dev tweets whose claim was taken out, held-out IRA tweets.
None of dev, test or the held-out half is used for fitting or choosing.

    python benchmarks/train_claim_ranker.py ../shared/data/checkthat2022 [--write]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).parent))
from _checkthat import index_for, mean_ap, posted_dates, qrels, queries  # noqa: E402
from _common import SHARED  # noqa: E402

from infoops.detectors.claims._index import FEATURES, ClaimIndex, Pairs  # noqa: E402
from infoops.detectors.claims._ranker import Ranker  # noqa: E402

SHIPPED = Path(__file__).resolve().parents[1] / "src/infoops/detectors/claims/data"
C = 1.0
CONFIRM = 0.5


def all_pairs(
    index: ClaimIndex, texts: list[str], dates: np.ndarray,
    exclude: list[list[int]] | None = None, block: int = 256,
) -> Pairs:  # fmt: skip
    parts = [
        index.pairs(
            texts[i : i + block],
            dates[i : i + block],
            exclude=exclude[i : i + block] if exclude else None,
        )  # fmt: skip
        for i in range(0, len(texts), block)
    ]
    return Pairs(
        np.concatenate([p.text + i * block for i, p in enumerate(parts)]),
        np.concatenate([p.claim for p in parts]),
        np.concatenate([p.features for p in parts]),
    )


def stream_sample(path: Path, size: int) -> tuple[list[str], np.ndarray]:
    """Every k-th English IRA tweet of six words or more (``size`` of them) and its date."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = [(r["content"], r["publish_date"]) for r in csv.DictReader(handle)
                if r["language"] == "English" and len((r["content"] or "").split()) >= 6]  # fmt: skip
    chosen = rows[:: max(1, len(rows) // size)][:size]
    dates = np.array([d[:10] if d else None for _, d in chosen], dtype="datetime64[D]")
    return [t for t, _ in chosen], dates


def fit(features: np.ndarray, labels: np.ndarray, provenance: dict) -> Ranker:
    mean = features.mean(axis=0)
    scale = np.where(features.std(axis=0) > 0, features.std(axis=0), 1.0)
    model = LogisticRegression(C=C, max_iter=3000).fit((features - mean) / scale, labels)
    return Ranker(FEATURES, mean, scale, model.coef_[0], float(model.intercept_[0]), provenance)


def best_first(pairs: Pairs, scores: np.ndarray) -> np.ndarray:
    """Pair indices ordered by text, then score (best first), then claim row."""
    return np.lexsort((pairs.claim, -scores, pairs.text))


def ranked(pairs: Pairs, scores: np.ndarray, ids: list[str], names: list[str]) -> dict:
    run: dict[str, list[str]] = {}
    for i in best_first(pairs, scores):
        run.setdefault(names[pairs.text[i]], []).append(ids[pairs.claim[i]])
    return run


def top_scores(pairs: Pairs, scores: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Each text's best score and the pair index holding it (-1 without candidates)."""
    best = np.zeros(count)
    where = np.full(count, -1)
    for i in best_first(pairs, scores)[::-1]:
        best[pairs.text[i]], where[pairs.text[i]] = scores[i], i
    return best, where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a CheckThat! 2022 2A folder")
    parser.add_argument("--stream", type=Path, default=SHARED / "ira" / "tweets.csv.gz",
                        help="IRA tweets (FiveThirtyEight CSV): texts that state no claim")  # fmt: skip
    parser.add_argument("--stream-size", type=int, default=4000)
    parser.add_argument("--write", action="store_true", help="write data/claim_ranker.json")
    args = parser.parse_args()
    started = time.perf_counter()
    index = index_for(args.data)
    ids = index.claims.column("claim_id").to_pylist()
    row_of = {claim: i for i, claim in enumerate(ids)}
    texts_by_id, splits = queries(args.data), qrels(args.data)
    names = sorted(texts_by_id)
    texts = [texts_by_id[n] for n in names]
    dates = posted_dates(texts)
    relevant = [sorted(row_of[c] for s in splits.values() for c in s.get(n, ()) if c in row_of)
                for n in names]  # fmt: skip
    pairs = all_pairs(index, texts, dates)
    masked = all_pairs(index, texts, dates, exclude=relevant)
    stream_texts, stream_dates = stream_sample(args.stream, args.stream_size)
    stream = all_pairs(index, stream_texts, stream_dates)
    print(f"pairs ready in {time.perf_counter() - started:.0f} s")

    train = splits["train"]
    in_train = np.array([names[t] in train for t in pairs.text])
    masked_train = np.array([names[t] in train for t in masked.text])
    stream_train = stream.text % 2 == 0
    labels = np.array([ids[c] in train.get(names[t], ())
                       for t, c in zip(pairs.text, pairs.claim, strict=True)])  # fmt: skip
    x = np.concatenate([pairs.features[in_train], masked.features[masked_train],
                        stream.features[stream_train]])  # fmt: skip
    y = np.concatenate(
        [labels[in_train], np.zeros(masked_train.sum()), np.zeros(stream_train.sum())]
    )
    groups = np.concatenate([pairs.text[in_train], masked.text[masked_train],
                             len(names) + stream.text[stream_train]])  # fmt: skip

    # Cross-validated MAP@5 on the training tweets (both copies of a tweet in one fold).
    scores = np.zeros(len(y))
    for fold_train, fold_test in GroupKFold(5).split(x, groups=groups):
        scores[fold_test] = fit(x[fold_train], y[fold_train], {}).probability(x[fold_test])
    n_train = in_train.sum()
    part = Pairs(pairs.text[in_train], pairs.claim[in_train], pairs.features[in_train])
    report = {
        "train_5fold_cv_map5": round(mean_ap(ranked(part, scores[:n_train], ids, names), train), 4)
    }

    ranker = fit(x, y, {})
    every = ranker.probability(pairs.features)
    for split, judged in splits.items():
        if split != "train":
            report[f"{split}_map5"] = round(mean_ap(ranked(pairs, every, ids, names), judged), 4)
    held = [i for i, n in enumerate(names) if n not in train]
    best, where = top_scores(pairs, every, len(names))
    confirmed = [i for i in held if best[i] >= CONFIRM]
    right = sum(labels_any(pairs, where[i], names, ids, splits) for i in confirmed)
    masked_best, _ = top_scores(masked, ranker.probability(masked.features), len(names))
    stream_best, _ = top_scores(stream, ranker.probability(stream.features), len(stream_texts))
    held_stream = [i for i in range(len(stream_texts)) if i % 2 == 1]
    report |= {
        "held_out_tweets": len(held),
        "held_out_tweets_best_at_match": len(confirmed),
        "of_them_right": int(right),
        "held_out_tweets_claim_removed_at_match": int(sum(masked_best[i] >= CONFIRM for i in held)),
        "held_out_stream_texts": len(held_stream),
        "held_out_stream_texts_at_match": int(sum(stream_best[i] >= CONFIRM for i in held_stream)),
    }
    for key, value in report.items():
        print(f"{key}: {value}")
    print("weights (standardised features):",
          dict(zip(FEATURES, np.round(ranker.weights, 3).tolist(), strict=True)))  # fmt: skip
    provenance = {
        "fitted_by": "benchmarks/train_claim_ranker.py",
        "data": "CheckThat! 2022 Task 2A English (CLEF; CC BY-SA 3.0 DE): train tweets and "
        "Snopes claims, the tweets again with their claims taken out, and English IRA tweets "
        "(FiveThirtyEight, MIT) as texts that state no claim",
        "train_tweets": int(len(train)),
        "train_pairs": int(len(y)),
        "positives": int(y.sum()),
        "model": f"scikit-learn {sklearn.__version__} LogisticRegression(C={C})",
        **report,
    }
    if args.write:
        Ranker(FEATURES, ranker.mean, ranker.scale, ranker.weights, ranker.intercept,
               provenance).write(SHIPPED / "claim_ranker.json")  # fmt: skip
        print(f"wrote {SHIPPED / 'claim_ranker.json'}")


def labels_any(pairs: Pairs, i: int, names: list[str], ids: list[str], splits: dict) -> bool:
    name = names[pairs.text[i]]
    return any(ids[pairs.claim[i]] in judged.get(name, ()) for judged in splits.values())


if __name__ == "__main__":
    main()
