"""The probability that a text states a catalogue claim, from the pair's features.

Two logistic models over ``FEATURES`` (standardised), fitted by
``benchmarks/train_claim_ranker.py``: one for claims that come with context (a
fact-check's headline and summary, as in CheckThat! 2022's Snopes claims), one for
claims that are one sentence (EUvsDisinfo's titles), because the same similarity
means different things against three sentences and against one: a single model
fitted on both ranked each worse. Weights, the data they were fitted on and their
scores are in ``data/claim_ranker.json``. Logistic models rather than boosted
trees: on CheckThat! they rank as well, their output is a probability, and their
few numbers read the same in any library version.
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

    def as_dict(self) -> dict:
        return {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [round(float(v), 6) for v in self.weights],
            "intercept": round(float(self.intercept), 6),
            "provenance": self.provenance,
        }


def _ranker(document: dict) -> Ranker:
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


@dataclass(frozen=True)
class Rankers:
    """The model for claims with context and the one for one-sentence claims."""

    context: Ranker
    claim_only: Ranker

    def probability(self, features: np.ndarray, has_context: np.ndarray) -> np.ndarray:
        """P(text states claim) per pair; ``has_context`` says which model scores it."""
        return np.where(has_context, self.context.probability(features),
                        self.claim_only.probability(features))  # fmt: skip

    def write(self, path: Path) -> None:
        document = {"context": self.context.as_dict(), "claim_only": self.claim_only.as_dict()}
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")


def read_rankers(text: str) -> Rankers:
    document = json.loads(text)
    return Rankers(_ranker(document["context"]), _ranker(document["claim_only"]))


@cache
def shipped_rankers() -> Rankers:
    return read_rankers((files("infoops.detectors.claims") / "data" / _SHIPPED).read_text("utf-8"))
