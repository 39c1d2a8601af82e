"""Load one source into the workspace atomically: the file is either fully in or not at all.

Rows are staged in temporary tables inside one transaction; the final inserts
derive ids for formats that have none, drop posts the workspace already holds,
and record the quarantine and the ingest log. An interruption (Ctrl-C, kill)
before COMMIT leaves the workspace as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import __version__
from ..errors import InfoopsError, MissingColumns, UnreadableFile
from ._base import Format, ReadOptions
from ._csv import Restart
from ._prepare import prepare_articles, prepare_posts
from ._records import POST_SCHEMA, Chunk, Problem, excerpt
from ._sources import Source, iter_sources

Progress = Callable[[int], None]  # called with the number of rows just staged
_PROBLEM_BATCH = 10_000


@dataclass
class FileReport:
    """What ingesting one source did."""

    source: str
    format: str
    posts_added: int = 0
    accounts_added: int = 0
    articles_added: int = 0
    duplicates: int = 0
    quarantined: int = 0
    records_read: int = 0
    skipped: bool = False
    error: str | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


# Formats without post ids (the IRA CSV) get a content hash; exact repeats in one file
# are told apart by their order of appearance, so none is lost. Both steps work on
# narrow (seq, key) tables: the wide rows are read once, by the final insert.
_REPEATS_SQL = """
CREATE OR REPLACE TEMP TABLE stage_repeats AS
SELECT _seq, n FROM (
    SELECT _seq, row_number() OVER (PARTITION BY derived_id ORDER BY _seq) AS n
    FROM stage_posts WHERE post_id IS NULL
    QUALIFY count(*) OVER (PARTITION BY derived_id) > 1
) WHERE n > 1
UNION ALL
SELECT _seq, 0 AS n FROM (
    SELECT _seq, row_number() OVER (PARTITION BY platform, post_id ORDER BY _seq) AS n
    FROM stage_posts WHERE post_id IS NOT NULL
    QUALIFY count(*) OVER (PARTITION BY platform, post_id) > 1
) WHERE n > 1
"""

_POSTS_SQL = """
INSERT INTO posts BY NAME
SELECT * EXCLUDE (_seq) FROM (
    SELECT s._seq, s.platform,
        coalesce(s.post_id, s.derived_id || coalesce(':' || r.n, '')) AS post_id,
        s.account_id, s.account_name, s.created_at, s.text, s.lang, s.post_type,
        s.reshare_of_post, s.reshare_of_account, s.reply_to, s.reply_to_account, s.quote_of,
        s.urls, s.domains, s.hashtags, s.mentions, s.media_hashes, s.text_key,
        $source_file AS source_file, s.source_line, $ingest_id AS ingest_id
    FROM stage_posts s LEFT JOIN stage_repeats r USING (_seq)
    WHERE r.n IS NULL OR r.n > 0  -- n = 0 marks a repeated post id: keep the first only
) u
WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.platform = u.platform AND p.post_id = u.post_id)
ORDER BY u._seq  -- the joins above run in parallel and reorder rows; keep the file's order
"""


_ACCOUNTS_SQL = """
WITH seen AS (
    SELECT platform, account_id,
        arg_max(account_name, created_at) AS account_name,
        arg_max(account_display_name, created_at) AS display_name,
        min(account_created_at) AS created_at,
        arg_max(followers, created_at) AS followers,
        arg_max(following, created_at) AS following,
        arg_max(posts_count, created_at) AS posts_count,
        arg_max(account_description, created_at) AS description,
        arg_max(account_location, created_at) AS location,
        min(created_at) AS first_seen,
        max(created_at) AS last_seen
    FROM stage_posts GROUP BY platform, account_id
)
INSERT INTO accounts
SELECT s.*, $ingest_id FROM seen s
WHERE NOT EXISTS (
    SELECT 1 FROM accounts a WHERE a.platform = s.platform AND a.account_id = s.account_id
)
"""

_ARTICLES_SQL = """
WITH keyed AS (
    SELECT *, left(md5(coalesce(url, concat_ws(chr(31), title, text))), 24) AS article_id
    FROM stage_articles
    QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY _seq) = 1
)
INSERT INTO articles
SELECT k.article_id, k.url, k.domain, k.title, k.text, k.published_at, k.author, k.lang,
       $source_file, k.source_line, $ingest_id
FROM keyed k
WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = k.article_id)
"""


@dataclass
class Prepared:
    """A chunk after the row checks: good rows, problems, and how many records it held."""

    rows: pa.Table
    problems: list[Problem]
    records: int


def _prepare(chunk: Chunk) -> Prepared:
    data = chunk.staged()
    if chunk.table == "posts":
        rows, problems = prepare_posts(data, chunk.projection)
    else:
        rows, problems = prepare_articles(data)
    return Prepared(rows, problems, data.num_rows)


def prepared_items(items: Iterator[Any], workers: int = 2) -> Iterator[Any]:
    """Prepare chunks on worker threads while the reader goes on; order is kept.

    DuckDB and Arrow release the GIL, so parsing, checking and staging overlap.
    """
    with ThreadPoolExecutor(workers, thread_name_prefix="infoops-prepare") as pool:
        pending: deque[Any] = deque()
        for item in items:
            pending.append(pool.submit(_prepare, item) if isinstance(item, Chunk) else item)
            while pending and (len(pending) > 2 * workers or not isinstance(pending[0], Future)):
                yield _resolve(pending.popleft())
        while pending:
            yield _resolve(pending.popleft())


def _resolve(entry: Any) -> Any:
    return entry.result() if isinstance(entry, Future) else entry


class _Stager:
    """Collects prepared batches and problems for one source in temp tables."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        self.con = con
        self.table = table
        self.rows = 0
        self.problems: list[Problem] = []
        self.quarantined = 0
        con.execute(
            "CREATE OR REPLACE TEMP TABLE stage_problems "
            "(line BIGINT, location VARCHAR, reason VARCHAR, raw_excerpt VARCHAR)"
        )
        self.created = False
        self.writer: pa.ipc.RecordBatchFileWriter | None = None
        self.spool_path: Path | None = None

    def add_prepared(self, prepared: Prepared) -> int:
        for problem in prepared.problems:
            self.add_problem(problem)
        if prepared.rows.num_rows:
            self._append(prepared.rows)
        return prepared.records

    def _append(self, prepared: pa.Table) -> None:
        sequence = np.arange(self.rows, self.rows + prepared.num_rows, dtype=np.int64)
        prepared = prepared.append_column("_seq", pa.array(sequence))
        if self.table == "posts":  # to an Arrow file on disk: one conversion, at commit
            self._spool(prepared)
            self.rows += prepared.num_rows
            return
        self.con.register("prepared", prepared)
        try:
            if not self.created:
                self.con.execute(
                    f"CREATE OR REPLACE TEMP TABLE stage_{self.table} AS SELECT * FROM prepared"
                )
                self.created = True
            else:
                self.con.execute(f"INSERT INTO stage_{self.table} SELECT * FROM prepared")
        finally:
            self.con.unregister("prepared")
        self.rows += prepared.num_rows

    def _spool(self, prepared: pa.Table) -> None:
        if self.writer is None:
            handle, name = tempfile.mkstemp(prefix="infoops-stage-", suffix=".arrow")
            os.close(handle)
            self.spool_path = Path(name)
            self.writer = pa.ipc.new_file(str(self.spool_path), prepared.schema)
            self.spool_schema = prepared.schema
            self.created = True
        self.writer.write_table(prepared.cast(self.spool_schema))

    def open_spool(self) -> None:
        """Close the spool file and expose it to SQL as ``stage_posts`` (memory-mapped)."""
        if self.writer is None:
            return
        self.writer.close()
        self.writer = None
        table = pa.ipc.open_file(pa.memory_map(str(self.spool_path))).read_all()
        self.con.register("stage_posts", table)

    def discard_spool(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if self.spool_path is not None:
            with contextlib.suppress(duckdb.Error):
                self.con.unregister("stage_posts")
            self.spool_path.unlink(missing_ok=True)
            self.spool_path = None

    def add_problem(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.quarantined += 1
        if len(self.problems) >= _PROBLEM_BATCH:
            self.flush_problems()

    def flush_problems(self) -> None:
        if not self.problems:
            return
        rows = [(p.line, p.where(), p.reason, excerpt(p.raw)) for p in self.problems]
        self.con.executemany("INSERT INTO stage_problems VALUES (?, ?, ?, ?)", rows)
        self.problems = []

    def restart(self) -> None:
        if self.table == "posts":
            self.discard_spool()
            self.created = False
        elif self.created:
            self.con.execute(f"DELETE FROM stage_{self.table}")
        self.con.execute("DELETE FROM stage_problems")
        self.rows = 0
        self.quarantined = 0
        self.problems = []


class TableSource:
    """An in-memory table of posts, loaded like a file (its identity: a digest of its ids)."""

    def __init__(self, table: pa.Table, name: str) -> None:
        self.table = table
        self.name = f"table:{name}"
        self.size = 0
        self.meter = [0]
        self.damage: list[str] = []

    def sha256(self) -> str:
        digest = hashlib.sha256(self.name.encode())
        for chunk in self.table.column("post_id").chunks:
            for buffer in chunk.buffers():
                if buffer is not None:
                    digest.update(buffer)
        return digest.hexdigest()


def _read_table(source: TableSource, options: ReadOptions, batch_rows: int = 200_000):
    """Chunks of the staging post schema from a table of canonical post columns."""
    table = source.table
    for start in range(0, table.num_rows, batch_rows):
        part = table.slice(start, batch_rows)
        columns = []
        for column in POST_SCHEMA:
            if column.name in part.column_names and column.name != "source_line":
                columns.append(part.column(column.name).cast(column.type))
            elif column.name == "source_line":
                lines = np.arange(start + 1, start + 1 + part.num_rows, dtype=np.int64)
                columns.append(pa.chunked_array([pa.array(lines)]))
            else:
                columns.append(pa.chunked_array([pa.nulls(part.num_rows, column.type)]))
        yield Chunk("posts", pa.Table.from_arrays(columns, schema=POST_SCHEMA))


TABLE_FORMAT = Format(
    "table", "An Arrow table or data frame of posts", "posts", lambda _: False, _read_table
)  # type: ignore[arg-type]


def already_ingested(
    con: duckdb.DuckDBPyConnection, sha: str, fmt: str, options: str
) -> int | None:
    row = con.execute(
        "SELECT ingest_id FROM ingest_log WHERE file_sha256 = ? AND format = ? AND options = ?",
        [sha, fmt, options],
    ).fetchall()
    return row[0][0] if row else None


def load_source(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    fmt: Format,
    options: ReadOptions,
    progress: Progress | None = None,
) -> FileReport:
    """Read ``source`` with ``fmt`` and add its rows to the workspace in one transaction."""
    report = FileReport(source.name, fmt.name)
    started = time.time()
    sha = source.sha256()
    options_text = json.dumps(
        {"mapping": options.mapping, "platform": options.platform}, sort_keys=True
    )
    if (previous := already_ingested(con, sha, fmt.name, options_text)) is not None:
        report.skipped = True
        report.notes.append(f"already ingested (ingest {previous}); nothing added")
        return report
    source.damage.clear()
    stager: _Stager | None = None
    con.execute("BEGIN TRANSACTION")
    try:
        stager = _Stager(con, fmt.table)
        unparsed = 0  # records the reader itself rejected: in no chunk, so not yet counted
        for item in prepared_items(fmt.read(source, options)):
            if isinstance(item, Prepared):
                staged = stager.add_prepared(item)
                report.records_read += staged
                if progress:
                    progress(staged)
            elif isinstance(item, Problem):
                stager.add_problem(item)
                unparsed += 1
            elif isinstance(item, Restart):
                stager.restart()
                report.records_read = unparsed = 0
                report.notes.append(f"re-read record by record ({item.reason})")
        for message in source.damage:  # a cut-off or corrupt compressed file: the rest is lost
            stager.add_problem(
                Problem(
                    line=None, location="file", reason=f"compressed data is damaged ({message})"
                )
            )
        stager.flush_problems()
        report.records_read += unparsed
        _commit(con, source, fmt, stager, report, sha, options_text, started)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        if stager is not None:
            stager.discard_spool()
    report.seconds = time.time() - started
    return report


def _commit(con, source, fmt, stager, report, sha, options_text, started) -> None:
    ingest_id = con.execute("SELECT coalesce(max(ingest_id), 0) + 1 FROM ingest_log").fetchall()[0][
        0
    ]
    params = {"ingest_id": ingest_id, "source_file": source.name}
    if stager.created and fmt.table == "posts":
        stager.open_spool()
        con.execute(_REPEATS_SQL)
        report.posts_added = _count_insert(con, _POSTS_SQL, params, "posts")
        report.duplicates = stager.rows - report.posts_added
        report.accounts_added = _count_insert(
            con, _ACCOUNTS_SQL, {"ingest_id": ingest_id}, "accounts"
        )
    elif stager.created:
        report.articles_added = _count_insert(con, _ARTICLES_SQL, params, "articles")
        report.duplicates = stager.rows - report.articles_added
    con.execute(
        "INSERT INTO quarantine SELECT $ingest_id, $source_file, line, location, reason, raw_excerpt "
        "FROM stage_problems",
        params,
    )
    report.quarantined = stager.quarantined
    con.execute(
        "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, to_timestamp(?)::TIMESTAMP, "
        "now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?)",
        [
            ingest_id,
            source.name,
            sha,
            fmt.name,
            options_text,
            started,
            report.records_read,
            report.posts_added,
            report.accounts_added,
            report.articles_added,
            report.duplicates,
            report.quarantined,
            __version__,
        ],
    )
    con.execute("COMMIT")
    for table in ("stage_articles", "stage_problems", "stage_repeats"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _count_insert(con, sql: str, params: dict, table: str) -> int:
    before = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    con.execute(sql, used)
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] - before


@dataclass
class IngestReport:
    """What one ``ingest`` call did, file by file."""

    files: list[FileReport] = field(default_factory=list)

    def total(self, attribute: str) -> int:
        return sum(getattr(f, attribute) for f in self.files)

    @property
    def errors(self) -> list[FileReport]:
        return [f for f in self.files if f.error]


def ingest_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Any],
    mapping: dict[str, str] | None = None,
    platform: str | None = None,
    format: str | None = None,
    on_file: Callable[[Source, str], Progress | None] | None = None,
) -> IngestReport:
    """Read every file behind ``paths`` into the workspace on ``con``, one transaction
    per file; a file that cannot be read is reported and the others are still read."""
    from . import detect_format, format_by_name

    options = ReadOptions(mapping=dict(mapping or {}), platform=platform)
    forced = format_by_name(format) if format else None
    report = IngestReport()
    for source in _sources_or_errors(list(paths), report):
        try:
            fmt = forced or detect_format(source, options)
            progress = on_file(source, fmt.name) if on_file else None
            report.files.append(load_source(con, source, fmt, options, progress))
        except InfoopsError as exc:
            report.files.append(FileReport(source.name, "?", error=str(exc)))
    return report


def ingest_table(con: duckdb.DuckDBPyConnection, posts: Any, name: str) -> FileReport:
    """Load a table of posts (Arrow or pandas) with the canonical columns, through the
    same checks, ids and quarantine as a file."""
    table = posts if isinstance(posts, pa.Table) else pa.Table.from_pandas(posts)
    missing = {"account_id", "created_at", "post_id"} - set(table.column_names)
    if missing:
        raise MissingColumns(f"{name}: a posts table needs columns {sorted(missing)}")
    if "created_at_raw" not in table.column_names:
        raw = pc.strftime(table["created_at"], format="%Y-%m-%dT%H:%M:%S")
        table = table.append_column("created_at_raw", raw)
    return load_source(con, TableSource(table, name), TABLE_FORMAT, ReadOptions())


def _sources_or_errors(paths: list[Any], report: IngestReport) -> Iterator[Source]:
    for path in paths:
        try:
            yield from iter_sources([path])
        except UnreadableFile as exc:
            report.files.append(FileReport(str(path), "?", error=str(exc)))
