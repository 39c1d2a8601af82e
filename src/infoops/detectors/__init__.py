"""Detectors: pure functions from workspace tables to evidence tables.

Coordination signals (``SIGNALS``) pair accounts that act together within a time
window; every pair is tested against a null model with false-discovery control.
"""

from ._coordination import (
    DEFAULT_SIGNALS,
    CoordinationConfig,
    SignalSummary,
    detect_coordination,
    raw_pairs,
)
from ._signals import BY_NAME, FAST_RESHARE, SIGNALS, Signal

__all__ = [
    "BY_NAME",
    "DEFAULT_SIGNALS",
    "FAST_RESHARE",
    "SIGNALS",
    "CoordinationConfig",
    "Signal",
    "SignalSummary",
    "detect_coordination",
    "raw_pairs",
]
