"""``infoops`` and ``python -m infoops``: the command line, with Ctrl-C at any moment,
start-up included, ending in one line and exit code 130 instead of a traceback.

"Start-up" begins when ``main`` runs. Before it, for about 10 ms, the interpreter starts
(``site``, the environment's ``.pth`` files) and imports the ``infoops`` package: a
Ctrl-C there gets Python's own traceback, since no code of a package can run earlier
(only a ``.pth`` file could, in every Python process of the environment). That window
is kept short: ``import infoops`` loads neither ``typing`` nor any of the package's
modules (``_lazy``)."""

from __future__ import annotations

import sys

INTERRUPTED = "Interrupted: the workspace keeps what was committed before."


def main() -> None:
    try:
        from .cli import app

        app()
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(130)
    except SystemExit as exc:
        if exc.code == 130:  # Ctrl-C inside a command or while the CLI parsed its options
            print(INTERRUPTED, file=sys.stderr)
        raise


if __name__ == "__main__":
    main()
