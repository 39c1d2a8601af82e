"""``infoops serve``: check the security settings, open the workspace, run uvicorn."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import InfoopsError
from ._app import create_app
from ._security import MIN_TOKEN, is_loopback, new_token


def serve(
    workspace: Path,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
    runs_dir: Path | None = None,
    say: Callable[[str], None] = print,
) -> None:
    """Serve ``workspace`` until interrupted; off loopback a token is always required.

    Raises ``WorkspaceError`` (naming the file) when the workspace is missing or unreadable,
    ``InfoopsError`` when a token given for a non-loopback address is shorter than 16
    characters.
    """
    import uvicorn

    loopback = is_loopback(host)
    if not loopback and token is not None and len(token) < MIN_TOKEN:
        raise InfoopsError(
            f"--token must be at least {MIN_TOKEN} characters when --host is not loopback "
            f"({host}); leave it out and infoops prints a random one"
        )
    if not loopback and not token:
        token = new_token()
    app = create_app(workspace, token=token, check_host=loopback, runs_dir=runs_dir)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    say(f"infoops dashboard for {workspace} at {url}")
    if token:
        say("Every request needs this token (the link sets it as a cookie); keep it private.")
    say("Press Ctrl+C to stop.")
    # uvicorn shuts down cleanly on the signal, then raises it again: that is the end.
    with _terminate_as_interrupt(), suppress(KeyboardInterrupt):
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    say("Dashboard stopped.")


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a service manager, kill) stops the server as Ctrl+C does: uvicorn shuts down
    gracefully, then raises the signal again; with Python's default it would then kill
    the process (exit -15) instead of letting it end."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
