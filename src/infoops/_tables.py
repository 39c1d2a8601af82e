"""One helper every stage needs: keep an Arrow table as a DuckDB table."""

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
