"""Exceptions raised by infoops.

Hierarchy::

    InfoopsError
    ├── InputError            bad input the user can fix
    │   ├── UnknownFormat     no reader recognises a file
    │   ├── MissingColumns    a mapping or format lacks required columns
    │   └── UnreadableFile    a file cannot be opened or decompressed
    └── WorkspaceError        the workspace file is missing, locked or corrupt

Every message names the file (and line, where there is one) and the next step.
"""

from __future__ import annotations


class InfoopsError(Exception):
    """Base class of every error infoops raises on purpose."""


class InputError(InfoopsError):
    """Input that infoops cannot use as given."""


class UnknownFormat(InputError):
    """No reader recognises the file's content."""


class MissingColumns(InputError):
    """A column mapping or a format's header lacks required columns."""


class UnreadableFile(InputError):
    """A file cannot be opened, decompressed or decoded at all."""


class WorkspaceError(InfoopsError):
    """The workspace file is missing, locked or corrupt."""
