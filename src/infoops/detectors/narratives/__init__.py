"""Narratives: posts and articles that tell one story, in any language."""

from ..._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._lift": ["narrative_lift"],
        "._narratives": ["PARTS", "NarrativeConfig", "find_narratives"],
    },
)
