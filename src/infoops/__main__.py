"""``infoops`` and ``python -m infoops``: the command line, with Ctrl-C at any moment,
start-up included, ending in one line and exit code 130 instead of a traceback."""

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
