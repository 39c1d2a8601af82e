"""How much of one document another one says again: sentence alignment and a corpus margin.

Both documents are lists of sentence vectors (multilingual, L2-normalised). The
similarity of candidate sentence i and source sentence j is their cosine minus
``POSITION_PENALTY`` times the distance of their relative positions (a
translation keeps the order of its source). ``c2s`` is the mean, over the
candidate's sentences, of each one's best similarity in the source; ``s2c`` the
same from the source's side; the alignment is the lower of the two, so both
documents must be covered.

Raw alignments are poorly calibrated: short or generic texts align fairly well
with everything. The margin subtracts each candidate's background, the mean of
its ``MARGIN_K`` best alignments over the corpus, clipped to the calibration's
[``margin_floor``, ``margin_cap``]: the floor keeps an absolute minimum (a
same-topic article alone in a small corpus is no copy), the cap keeps a copy
detectable when several copies exist. Cosines depend on the encoder, so each
encoder carries its own ``Calibration``, chosen on the WMT22 test sets
(benchmarks/eval_translations.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

POSITION_PENALTY = 0.4
MARGIN_K = 4


@dataclass(frozen=True)
class Calibration:
    """Where one encoder's scores mean "copy": its margin bounds and thresholds."""

    margin_floor: float  # lowest background
    margin_cap: float  # highest background
    threshold: float  # least margin (alignment above background) to link two documents
    sentence_match: float  # least cosine for two sentences to count as aligned


CHUNK = 2000  # candidate documents per block of ``alignment_matrix`` (bounds memory)


def _positions(size: int) -> np.ndarray:
    return ((np.arange(size) + 0.5) / max(size, 1)).astype(np.float32)


def pair_alignment(
    candidate: np.ndarray, source: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """(alignment, each candidate sentence's best cosine in the source, its index)."""
    cosine = candidate @ source.T
    similarity = cosine - POSITION_PENALTY * np.abs(
        _positions(len(candidate))[:, None] - _positions(len(source))[None, :]
    )
    c2s = float(similarity.max(axis=1).mean())
    s2c = float(similarity.max(axis=0).mean())
    best = similarity.argmax(axis=1)
    return min(c2s, s2c), cosine[np.arange(len(candidate)), best], best


def _flatten(documents: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All sentence vectors in order, each document's first row, and relative positions."""
    sizes = np.array([len(d) for d in documents])
    if (sizes == 0).any():
        raise ValueError("every document needs at least one sentence vector")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    positions = np.concatenate([_positions(n) for n in sizes])
    return np.concatenate(documents), starts, positions


def alignment_matrix(candidates: list[np.ndarray], sources: list[np.ndarray]) -> np.ndarray:
    """The alignment of every candidate with every source: (len(candidates), len(sources))."""
    source_rows, source_starts, source_positions = _flatten(sources)
    source_sizes = np.diff(np.append(source_starts, len(source_rows)))
    out = np.empty((len(candidates), len(sources)), np.float32)
    for low in range(0, len(candidates), CHUNK):
        rows, starts, positions = _flatten(candidates[low : low + CHUNK])
        sizes = np.diff(np.append(starts, len(rows)))
        similarity = rows @ source_rows.T
        similarity -= POSITION_PENALTY * np.abs(positions[:, None] - source_positions[None, :])
        best_in_source = np.maximum.reduceat(similarity, source_starts, axis=1)
        best_in_candidate = np.maximum.reduceat(similarity, starts, axis=0)
        c2s = np.add.reduceat(best_in_source, starts, axis=0) / sizes[:, None]
        s2c = np.add.reduceat(best_in_candidate, source_starts, axis=1) / source_sizes[None, :]
        out[low : low + len(sizes)] = np.minimum(c2s, s2c)
    return out


def background(best_scores: np.ndarray, calibration: Calibration) -> float:
    """A candidate's background from its best alignments (any order, any number)."""
    if len(best_scores) == 0:
        return calibration.margin_floor
    top = np.sort(np.asarray(best_scores, dtype=np.float64))[::-1][:MARGIN_K]
    return float(np.clip(top.mean(), calibration.margin_floor, calibration.margin_cap))


def corpus_margin(scores: np.ndarray, calibration: Calibration) -> np.ndarray:
    """Each row (a candidate's alignments with all sources) minus that candidate's background."""
    k = min(MARGIN_K, scores.shape[1])
    best = -np.partition(-scores, k - 1, axis=1)[:, :k]
    floor, cap = calibration.margin_floor, calibration.margin_cap
    return scores - np.clip(best.mean(axis=1, keepdims=True), floor, cap)
