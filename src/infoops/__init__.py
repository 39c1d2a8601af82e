"""infoops: find foreign influence operations in social-media posts and news articles."""

__version__ = "0.1.0"

from .engine import Workspace  # noqa: E402
from .errors import InfoopsError, InputError, WorkspaceError  # noqa: E402

__all__ = ["InfoopsError", "InputError", "Workspace", "WorkspaceError", "__version__"]
