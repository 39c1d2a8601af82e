"""The options of coordination detection, with their defaults: the one place the CLI,
the pipeline and the detectors take them from. Light to import (no DuckDB, no numpy)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import InputError
from ._signals import BY_NAME, FAST_RESHARE, SIGNALS, Signal

DEFAULT_SIGNALS = tuple(s.name for s in SIGNALS if s.default) + (FAST_RESHARE.name,)
NULL_MODELS = ("degree", "timing", "either")


@dataclass(frozen=True)
class CoordinationConfig:
    """Options of the coordination step (documented in docs/coordination.md)."""

    signals: tuple[str, ...] = DEFAULT_SIGNALS
    windows: dict[str, float] = field(default_factory=dict)
    fdr: float = 0.05
    null_model: str = "either"
    max_object_accounts: int | None = 1000
    evidence_per_edge: int | None = None
    min_shared: int = 2
    min_lift: float = 3.0
    text_similarity: float = 0.7
    meaning_similarity: float = 0.65

    def window(self, signal: Signal) -> float:
        return float(self.windows.get(signal.name, signal.window_s))

    def check(self) -> None:
        unknown = [name for name in self.signals if name not in BY_NAME]
        if unknown:
            raise InputError(
                f"unknown signal(s) {unknown}; known signals: {', '.join(sorted(BY_NAME))}"
            )
        if self.null_model not in NULL_MODELS:
            raise InputError(
                f"null_model must be one of {', '.join(NULL_MODELS)}, got {self.null_model!r}"
            )
        if self.min_lift < 1:
            raise InputError(f"min_lift must be at least 1, got {self.min_lift}")
        if self.evidence_per_edge is not None and self.evidence_per_edge < 1:
            raise InputError(
                f"evidence_per_edge must be at least 1 (or None for every pair), "
                f"got {self.evidence_per_edge}"
            )
        if self.min_shared < 1:
            raise InputError(f"min_shared must be at least 1, got {self.min_shared}")
        for name in ("text_similarity", "meaning_similarity"):
            if not 0 < getattr(self, name) <= 1:
                raise InputError(f"{name} must be in (0, 1], got {getattr(self, name)}")
        if not 0 < self.fdr < 1:
            raise InputError(f"fdr must be between 0 and 1 (exclusive), got {self.fdr}")
        for name, window in self.windows.items():
            if name not in BY_NAME or window < 0:
                raise InputError(f"window for {name!r} must name a signal and be >= 0 seconds")
