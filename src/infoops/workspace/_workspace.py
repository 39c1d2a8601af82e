"""The workspace: one DuckDB file holding the canonical tables of a case.

Modelled on ``sqlite_utils.Database``: ``Workspace("case.duckdb")`` or
``Workspace(memory=True)``; tables are reached as ``ws["posts"]`` (a DuckDB
relation) or as data frames through ``ws.posts()``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import duckdb

from ..errors import WorkspaceError
from ._schema import INPUT_TABLES, RESULTS_BY_NAME, TABLES, migrate
from ._tables import has_table

if TYPE_CHECKING:  # loading lives in ingest, above this layer
    from ..ingest import FileReport, IngestReport

Output = Literal["pandas", "arrow", "polars"]


def _connect(path: Path | None, read_only: bool, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """A connection to the file at ``path`` (in memory if None); a file that is locked or
    not DuckDB becomes a ``WorkspaceError`` naming it."""
    try:
        con = duckdb.connect(
            ":memory:" if path is None else str(path),
            read_only=read_only,
            config={"memory_limit": memory_limit},
        )
    except duckdb.IOException as exc:
        message = str(exc).splitlines()[0]
        if "lock" in message.lower():
            message = "it is open in another infoops or DuckDB process; close that first"
        raise WorkspaceError(f"{path}: cannot open workspace: {message}") from exc
    except duckdb.Error as exc:
        raise WorkspaceError(f"{path}: not a readable workspace ({exc})") from exc
    con.execute("SET enable_progress_bar = false")
    return con


def _create(path: Path, memory_limit: str) -> None:
    """Make a new workspace whole or not at all: its schema is written to a hidden file
    beside it, which then takes the workspace's name. A kill at any moment leaves no
    workspace or an empty valid one, never a file that ``info`` rejects."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        con = _connect(partial, False, memory_limit)
        try:
            migrate(con)
        finally:
            con.close()  # checkpoints: the schema is in the file, not in a log beside it
        try:
            os.link(partial, path)  # never over a workspace made meanwhile by another process
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            os.replace(partial, path)
    except WorkspaceError as exc:
        raise WorkspaceError(str(exc).replace(str(partial), str(path))) from exc
    finally:
        for leftover in (partial, partial.with_name(partial.name + ".wal")):
            leftover.unlink(missing_ok=True)


class Workspace:
    """A case's data, in one DuckDB file (or in memory)."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        memory: bool = False,
        read_only: bool = False,
        memory_limit: str = "1GB",
    ) -> None:
        if path is None and not memory:
            raise WorkspaceError("give a workspace path, or memory=True")
        self.path = None if memory else Path(path)  # type: ignore[arg-type]
        if read_only and self.path is not None and not self.path.exists():
            raise WorkspaceError(f"{self.path}: no such workspace; create it with 'infoops ingest'")
        if self.path is not None and not read_only and not self.path.exists():
            _create(self.path, memory_limit)
        self.con = _connect(self.path, read_only, memory_limit)
        if not read_only:
            migrate(self.con)
        elif not self._has_tables():
            raise WorkspaceError(f"{self.path}: not an infoops workspace (no posts table)")

    def _has_tables(self) -> bool:
        found = {
            row[0]
            for row in self.con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        return "posts" in found

    # -- reading ---------------------------------------------------------------------

    def __getitem__(self, table: str) -> duckdb.DuckDBPyRelation:
        """Any declared table as a DuckDB relation (``.df()``, ``.arrow()``, ``.pl()``);
        a result table that no stage has written yet raises ``KeyError`` naming the
        command that writes it."""
        if table not in TABLES:
            raise KeyError(f"no table {table!r}; tables: {', '.join(TABLES)}")
        if table in RESULTS_BY_NAME and not has_table(self.con, table):
            stage = RESULTS_BY_NAME[table].stage
            raise KeyError(f"no {table!r} in this workspace yet: 'infoops {stage}' writes it")
        return self.con.table(table)

    def __contains__(self, table: str) -> bool:
        return table in TABLES and has_table(self.con, table)

    @property
    def tables(self) -> list[str]:
        """The declared tables this workspace holds, inputs first."""
        return [name for name in TABLES if name in self]

    def table(self, name: str, output: Output = "pandas") -> Any:
        """A whole table as a pandas (default), Arrow or polars data frame."""
        relation = self[name]
        if output == "arrow":
            return relation.to_arrow_table()
        if output == "polars":
            try:
                return relation.pl()
            except ModuleNotFoundError as exc:
                raise WorkspaceError(
                    "polars output needs polars: pip install 'infoops[polars]' (or polars)"
                ) from exc
        return relation.df()

    def posts(self, output: Output = "pandas") -> Any:
        return self.table("posts", output)

    def accounts(self, output: Output = "pandas") -> Any:
        return self.table("accounts", output)

    def articles(self, output: Output = "pandas") -> Any:
        return self.table("articles", output)

    def quarantine(self, output: Output = "pandas") -> Any:
        return self.table("quarantine", output)

    def sql(self, query: str, params: Iterable[Any] | None = None) -> duckdb.DuckDBPyRelation:
        """Run SQL against the workspace, for anything the methods above do not cover."""
        return self.con.sql(query, params=params)  # type: ignore[arg-type]

    # -- writing ---------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        mapping: dict[str, str] | None = None,
        platform: str | None = None,
        format: str | None = None,
        on_file: Callable[[Any, str], Callable[[int], None] | None] | None = None,
    ) -> IngestReport:
        """Read every file behind ``paths`` into the workspace; one transaction per file.

        A file that cannot be read is reported in the result (``report.errors``)
        and the others are still ingested. ``on_file(source, format)`` may return
        a callback that receives row counts as they are staged (progress bars).
        """
        from ..ingest import ingest_paths

        return ingest_paths(self.con, paths, mapping, platform, format, on_file)

    def ingest_table(self, posts: Any, name: str = "dataframe") -> FileReport:
        """Add a table of posts (Arrow table or pandas DataFrame) with the canonical columns.

        Columns are those of the ``posts`` table (docs/ingest.md); missing ones stay
        empty, and links, hashtags and mentions left null are derived from the text.
        The rows go through the same checks, ids and quarantine as a file.
        """
        from ..ingest import ingest_table

        return ingest_table(self.con, posts, name)

    # -- summary ---------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        """Counts per table and platform, time range, and quarantine reasons."""
        q = self.con.execute
        summary: dict[str, Any] = {
            "path": str(self.path) if self.path else ":memory:",
            "tables": {t: q(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in INPUT_TABLES},
        }
        summary["platforms"] = [
            dict(zip(("platform", "posts", "accounts", "first", "last"), row, strict=True))
            for row in q(
                "SELECT platform, count(*), count(DISTINCT account_id), min(created_at), "
                "max(created_at) FROM posts GROUP BY platform ORDER BY count(*) DESC"
            ).fetchall()
        ]
        summary["post_types"] = dict(
            q("SELECT post_type, count(*) FROM posts GROUP BY 1 ORDER BY 2 DESC").fetchall()
        )
        summary["languages"] = dict(
            q(
                "SELECT coalesce(lang, '?'), count(*) FROM posts GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
            ).fetchall()
        )
        summary["quarantine_reasons"] = dict(
            q(
                "SELECT regexp_replace(reason, '[0-9][0-9,]*', 'N', 'g'), count(*) FROM quarantine "
                "GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
            ).fetchall()
        )
        summary["ingests"] = q(
            "SELECT ingest_id, source_file, format, posts_added + articles_added, quarantined "
            "FROM ingest_log ORDER BY ingest_id"
        ).fetchall()
        return summary

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
