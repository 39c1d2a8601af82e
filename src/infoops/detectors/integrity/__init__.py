"""Election-integrity tags: content about procedure, participation, fraud and legitimacy."""

from ..._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._integrity": ["integrity_tags", "tag_election_integrity"],
    },
)
