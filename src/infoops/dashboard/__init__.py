"""The local web dashboard: a workspace served read-only to a browser.

``infoops serve --workspace WS`` (or ``serve(path)``) starts it; ``create_app(path)``
returns the FastAPI app for tests and embedding. See docs/dashboard.md.
"""

from ._app import create_app
from ._serve import serve

__all__ = ["create_app", "serve"]
