"""Known false claims: the bundled EUvsDisinfo catalogue, users' own fact-checks, and the
posts and article sentences that match them."""

from ..._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._catalogue": ["bundled_claims", "read_claim_file", "read_euvsdisinfo"],
        "._claims": [
            "STREAM_PRECISION",
            "Candidate",
            "ClaimMatchConfig",
            "add_claims",
            "match_claims",
            "rank_claims",
            "search_claims",
            "workspace_claims",
        ],
        "._index": ["ClaimIndex"],
        "._stance": ["STANCES", "Stance", "stance"],
    },
)
