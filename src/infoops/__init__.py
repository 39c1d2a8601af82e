"""infoops: find foreign influence operations in social-media posts and news articles."""

__version__ = "0.1.0"

from ._lazy import attach  # noqa: E402

__getattr__, __dir__, _names = attach(
    __name__,
    {
        ".workspace": ["Workspace"],
        ".errors": ["InfoopsError", "InputError", "WorkspaceError"],
    },
)
__all__ = [*_names, "__version__"]
