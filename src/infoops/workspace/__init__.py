"""The workspace: one DuckDB file holding every table of a case, its schema and migrations.

The bottom layer: everything else reads and writes through it.
"""

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._schema": ["TABLES"],
        "._tables": ["drop_temporary", "has_table", "store_arrow"],
        "._workspace": ["Workspace"],
    },
)
