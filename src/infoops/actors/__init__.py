"""Actors: who is behind what is shared.

The state-media registry (domains and handles of state-affiliated outlets, by
country and typology, from the State Media Matrix) and the posts that amplify
them.
"""

from ._matching import (
    account_state_media,
    match_state_media,
    save_registry,
    workspace_registry,
)
from ._registry import bundled_registry, read_matrix, with_supplement, write_registry

__all__ = [
    "account_state_media",
    "bundled_registry",
    "match_state_media",
    "read_matrix",
    "save_registry",
    "workspace_registry",
    "with_supplement",
    "write_registry",
]
