"""Who said what: attributed statements in articles and long posts, their speakers
resolved within each document, and the conflicting accounts among them."""

from ..._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._attribution": ["sentence_spans", "sentence_statements"],
        "._conflicts": ["ConflictFinder", "Said"],
        "._speakers": ["Document", "name_key"],
        "._statements": [
            "document_statements",
            "find_conflicts",
            "find_statements",
        ],
    },
)
