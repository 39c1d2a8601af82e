"""The probability that a text states a catalogue claim, from the pair's features.

A logistic model over ``FEATURES`` (standardised), fitted by
``benchmarks/train_claim_ranker.py`` on the CheckThat! 2022 2A training tweets and
their Snopes claims; its weights, the data they were fitted on and their scores
are in ``data/claim_ranker.json``. A logistic model rather than boosted trees: on
that benchmark it ranks as well, its output is a probability, and its few numbers
read the same in any library version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from ._index import FEATURES

_SHIPPED = "claim_ranker.json"


@dataclass(frozen=True)
class Ranker:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    intercept: float
    provenance: dict

    def probability(self, features: np.ndarray) -> np.ndarray:
        """P(text states claim) for each row of a (pairs, len(features)) matrix."""
        linear = ((features - self.mean) / self.scale) @ self.weights + self.intercept
        return 1 / (1 + np.exp(-np.clip(linear, -50, 50)))

    def write(self, path: Path) -> None:
        document = {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [round(float(v), 6) for v in self.weights],
            "intercept": round(float(self.intercept), 6),
            "provenance": self.provenance,
        }
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")


def read_ranker(text: str) -> Ranker:
    document = json.loads(text)
    if tuple(document["features"]) != FEATURES:
        raise ValueError(f"ranker features {document['features']} are not {list(FEATURES)}")
    return Ranker(
        tuple(document["features"]),
        np.asarray(document["mean"], dtype=np.float32),
        np.asarray(document["scale"], dtype=np.float32),
        np.asarray(document["weights"], dtype=np.float32),
        float(document["intercept"]),
        document.get("provenance", {}),
    )


@cache
def shipped_ranker() -> Ranker:
    return read_ranker((files("infoops.detectors.claims") / "data" / _SHIPPED).read_text("utf-8"))
