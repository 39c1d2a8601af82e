"""Coordination: accounts that act together more than chance allows.

Signals (``SIGNALS``) pair accounts that share an object within a time window; every
pair is tested against a null model with false-discovery control. The relational
steps run on DuckDB, or on Spark through ``SparkOptions``.
"""

from ..._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._compat": ["CoorTweetOptions", "coortweet_edges", "coortweet_groups"],
        "._config": ["DEFAULT_SIGNALS", "CoordinationConfig"],
        "._coordination": ["SignalSummary", "detect_coordination", "raw_pairs"],
        "._signals": ["BY_NAME", "FAST_RESHARE", "SIGNALS", "Signal"],
        "._spark": ["SparkOptions", "export_posts", "spark_backend"],
    },
)
