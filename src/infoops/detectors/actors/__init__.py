"""Actors: the state-media registry (domains and handles of state-affiliated outlets, by
country and typology, from the State Media Matrix) and the posts that amplify them."""

from ..._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._matching": [
            "account_state_media",
            "match_state_media",
            "save_registry",
            "workspace_registry",
        ],
        "._registry": ["bundled_registry", "read_matrix", "with_supplement", "write_registry"],
    },
)
