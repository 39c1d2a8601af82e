"""Helpers every stage needs: keep an Arrow table as a DuckDB table; ask if a table exists;
drop a step's temporary tables."""

from __future__ import annotations

import duckdb
import pyarrow as pa


def store_arrow(
    con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, temporary: bool = False
) -> None:
    """Create or replace table ``name`` with the rows of ``table``."""
    view = f"_arrow_{name}"
    con.register(view, table)
    try:
        kind = "TEMP TABLE" if temporary else "TABLE"
        con.execute(f"CREATE OR REPLACE {kind} {name} AS SELECT * FROM {view}")
    finally:
        con.unregister(view)


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a step that makes table ``name`` has run on this workspace."""
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name])
    return bool(found.fetchall()[0][0])


def drop_temporary(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Forget temporary tables, or Arrow tables registered as views, made by a step."""
    for name in names:
        con.unregister(name)  # a no-op unless ``name`` is a registered view
        con.execute(f"DROP TABLE IF EXISTS {name}")
