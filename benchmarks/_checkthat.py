"""CheckThat! 2022 Task 2A data as its lab ships it, and its measure (MAP@5).

A data folder holds ``vclaims.csv.gz`` (or ``vclaims.csv``), tweets in one or more
``*queries*.tsv`` files (``id<TAB>text``) and relevance judgements in ``*_qrels.tsv``
files (``query_id 0 vclaim_id 1``), e.g. ``train_qrels.tsv`` and ``dev_qrels.tsv``; a
test set in the same format is read the same way.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from infoops.detectors.claims._catalogue import catalogue_digest, read_claim_file
from infoops.detectors.claims._index import ClaimIndex, screen_vectors
from infoops.text._embed import shared_encoder

CACHE = Path.home() / ".cache" / "infoops-benchmarks"


def catalogue_file(folder: Path) -> Path:
    for name in ("vclaims.csv.gz", "vclaims.csv"):
        if (folder / name).exists():
            return folder / name
    sys.exit(f"{folder}: no vclaims.csv.gz (is this a CheckThat! 2022 2A folder?)")


def queries(folder: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*queries*.tsv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) >= 2 and row[0] not in ("id", "iclaim_id", "tweet_id"):
                    found[row[0]] = row[1]
    return found


def qrels(folder: Path) -> dict[str, dict[str, set[str]]]:
    """Per split (the file name before ``_qrels``): query id -> relevant claim ids."""
    splits: dict[str, dict[str, set[str]]] = {}
    for path in sorted(folder.glob("*qrels*.tsv")):
        relevant: dict[str, set[str]] = defaultdict(set)
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) >= 4 and parts[3] != "0":
                    relevant[parts[0]].add(parts[2])
        splits[path.name.split("_qrels")[0]] = dict(relevant)
    return splits


_SIGNED = re.compile(
    r"((?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{1,2}, \d{4})\s*$"
)


def posted_dates(texts: list[str]) -> np.ndarray:
    """When each tweet was posted, from the signature of an embedded tweet ("— Name
    (@handle) May 3, 2020"), the date a post carries in infoops; NaT when absent."""
    days = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[D]")
    for i, text in enumerate(texts):
        found = _SIGNED.search(text)
        if found:
            days[i] = np.datetime64(datetime.strptime(found.group(1), "%B %d, %Y").date())
    return days


def average_precision(ranked: list, relevant: set, k: int = 5) -> float:
    """AP@k as the lab computes it: normalised by min(|relevant|, k)."""
    hits, total = 0, 0.0
    for i, claim in enumerate(ranked[:k]):
        if claim in relevant:
            hits += 1
            total += hits / (i + 1)
    return total / min(len(relevant), k) if relevant else 0.0


def mean_ap(run: dict[str, list[str]], judged: dict[str, set[str]], k: int = 5) -> float:
    return float(np.mean([average_precision(run.get(q, []), r, k) for q, r in judged.items()]))


def index_for(folder: Path, context: bool = True) -> ClaimIndex:
    """The catalogue's index (without the claims' context when ``context`` is False); its
    USE vectors are cached under ~/.cache (they take minutes)."""
    claims = read_claim_file(catalogue_file(folder))
    if not context:
        column = claims.schema.get_field_index("context")
        claims = claims.set_column(column, "context", pa.nulls(claims.num_rows, pa.string()))
    key = hashlib.sha256(catalogue_digest(claims).encode()).hexdigest()[:16]
    path = CACHE / f"checkthat-use-{key}.npy"
    if path.exists():
        return ClaimIndex(claims, vectors=np.load(path))
    vectors = screen_vectors(claims, shared_encoder())
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return ClaimIndex(claims, vectors=vectors)
