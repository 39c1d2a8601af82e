"""Where the relational steps of coordination detection run.

Every step (events, windowed pairs, per-pair aggregates, degrees, evidence) is
one SELECT written once, in DuckDB's dialect and restricted to what SQLGlot can
carry to Spark SQL. A backend executes those SELECTs: ``DuckDBBackend`` on the
workspace itself, ``infoops.detectors.coordination._spark.SparkBackend`` on a Spark cluster.
The statistics (null model, false-discovery control) and the communities stay in
Python on the driver, fed by the small aggregates a backend returns, so both
engines give the same campaigns.

The relation ``post_rows`` is ``posts`` with an explicit post number ``pid``
(DuckDB's rowid), so the SQL never depends on an engine's hidden row ids.
"""

from __future__ import annotations

from typing import Protocol

import duckdb
import pyarrow as pa

from ...workspace._tables import drop_temporary, store_arrow

POST_ROWS_SQL = "CREATE OR REPLACE TEMP VIEW post_rows AS SELECT *, rowid AS pid FROM posts"


class SqlBackend(Protocol):
    """Runs the steps' SELECTs; results for the workspace go to its DuckDB tables."""

    def materialise(self, name: str, sql: str) -> None:
        """Keep the rows of ``sql`` as relation ``name`` for the following steps."""

    def arrow(self, sql: str) -> pa.Table:
        """The (small) result of ``sql``, on the driver."""

    def upload(self, name: str, table: pa.Table) -> None:
        """Make a driver-side table available to later steps as relation ``name``."""

    def append(self, table: str, sql: str) -> None:
        """Add the rows of ``sql`` to the workspace table ``table``."""

    def drop(self, *names: str) -> None:
        """Forget relations made by ``materialise`` or ``upload``."""


class DuckDBBackend:
    """The steps on the workspace's own DuckDB connection, as temporary tables."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        con.execute(POST_ROWS_SQL)

    def materialise(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def upload(self, name: str, table: pa.Table) -> None:
        store_arrow(self.con, name, table, temporary=True)

    def append(self, table: str, sql: str) -> None:
        self.con.execute(f"INSERT INTO {table} {sql}")

    def drop(self, *names: str) -> None:
        drop_temporary(self.con, *names)
