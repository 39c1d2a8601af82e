"""The Spark engine: the coordination detectors' SQL, transpiled by SQLGlot, run by Spark.

``detect_coordination`` writes each relational step once, in DuckDB's dialect
(``infoops.detectors._backend``). ``SparkBackend`` carries each SELECT to Spark
SQL with SQLGlot, keeps intermediate steps as Parquet datasets under a work URL
(a local path or any Hadoop-compatible URL), and returns only the small
aggregates (pairs, degrees, evidence) to the driver, where the same significance
test, fusion and Leiden code as the DuckDB engine runs. pyspark and sqlglot are
imported only here, and only when the Spark engine is asked for.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ...errors import InfoopsError, InputError

# DuckDB functions whose Spark spelling SQLGlot does not know. hash: 64 bits in both
# engines (Spark's hash() is 32-bit, which would merge distinct objects).
_SPARK_NAMES = {"HASH": "XXHASH64", "EPOCH_US": "UNIX_MICROS"}


@dataclass(frozen=True)
class SparkOptions:
    """How to reach Spark and where its datasets live."""

    master: str = "local[2]"
    session: Any = None  # an existing SparkSession (notebooks, tests); left running
    work_url: str | None = None  # intermediate Parquet datasets; default: a temporary folder
    posts_url: str | None = None  # posts as Parquet with ``pid``; default: exported workspace
    shuffle_partitions: int | None = None  # default: 8 per local core, Spark's own on a cluster
    driver_memory: str = "4g"
    conf: tuple[tuple[str, str], ...] = ()  # more Spark settings (executors, event log...)


@lru_cache(maxsize=512)
def to_spark_sql(sql: str) -> str:
    """One DuckDB SELECT as Spark SQL."""
    import sqlglot
    from sqlglot import exp

    def rename(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and str(node.this).upper() in _SPARK_NAMES:
            return exp.Anonymous(
                this=_SPARK_NAMES[str(node.this).upper()], expressions=node.expressions
            )
        return node

    tree = sqlglot.parse_one(sql, read="duckdb").transform(rename)
    return tree.sql(dialect="spark")


class SparkBackend:
    """Runs the detectors' steps on Spark; results for the workspace go to its DuckDB."""

    def __init__(self, spark: Any, con: duckdb.DuckDBPyConnection, work_url: str) -> None:
        self.spark = spark
        self.con = con
        self.work_url = work_url.rstrip("/")

    def materialise(self, name: str, sql: str) -> None:
        path = f"{self.work_url}/{name}"
        self.spark.sql(to_spark_sql(sql)).write.mode("overwrite").parquet(path)
        self.spark.read.parquet(path).createOrReplaceTempView(name)

    def arrow(self, sql: str) -> pa.Table:
        return self.spark.sql(to_spark_sql(sql)).toArrow()

    def upload(self, name: str, table: pa.Table) -> None:
        with warnings.catch_warnings():  # pyspark checks pandas' version even for Arrow input
            warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas")
            self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def append(self, table: str, sql: str) -> None:
        rows = self.arrow(sql)
        view = f"_spark_{table}"
        self.con.register(view, rows)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM {view}")
        finally:
            self.con.unregister(view)

    def drop(self, *names: str) -> None:
        for name in names:
            self.spark.catalog.dropTempView(name)
            _delete(self.spark, f"{self.work_url}/{name}")


def _delete(spark: Any, url: str) -> None:
    """Remove a dataset through Hadoop's file system API, so any URL scheme works."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(url)
    path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).delete(path, True)


def spark_session(options: SparkOptions) -> Any:
    """A SparkSession at ``options.master``, configured for exact, UTC time arithmetic."""
    try:
        import sqlglot  # noqa: F401  (the transpiler; checked here to fail early)
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError(
            "the Spark engine needs pyspark and sqlglot: pip install pyspark sqlglot "
            "(the extra 'spark' of infoops)"
        ) from exc
    builder = SparkSession.builder.master(options.master).appName("infoops")
    for key, value in _conf(options).items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # py4j and pyspark raise several kinds when Java is missing
        raise InfoopsError(
            f"cannot start Spark at {options.master}: {str(exc).splitlines()[0]} "
            "(Spark needs Java 17 or newer: set JAVA_HOME or put java on PATH)"
        ) from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _conf(options: SparkOptions) -> dict[str, str]:
    conf = {
        "spark.sql.session.timeZone": "UTC",  # post times are UTC; no daylight-saving shifts
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": options.driver_memory,
        "spark.sql.execution.arrow.pyspark.enabled": "true",
    }
    partitions = options.shuffle_partitions or _local_partitions(options.master)
    if partitions:
        conf["spark.sql.shuffle.partitions"] = str(partitions)
    return conf | dict(options.conf)


def _local_partitions(master: str) -> int | None:
    """8 shuffle partitions per local core: Spark's 200 make tiny tasks on one machine."""
    if not master.startswith("local"):
        return None
    inside = master.partition("[")[2].rstrip("]")
    cores = int(inside) if inside.isdigit() else 2
    return 8 * cores


def export_posts(con: duckdb.DuckDBPyConnection, folder: str | Path) -> str:
    """Write the workspace's posts, with their number ``pid``, as a Parquet dataset."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"""COPY (SELECT *, rowid AS pid FROM posts)
            TO '{folder / "posts.parquet"}' (FORMAT parquet, ROW_GROUP_SIZE 122880)"""
    )
    return folder.as_uri()


@contextmanager
def spark_backend(
    con: duckdb.DuckDBPyConnection, options: SparkOptions | None = None
) -> Iterator[SparkBackend]:
    """A backend over the workspace's posts (or ``options.posts_url``), cleaned up after."""
    options = options or SparkOptions()
    owned = options.session is None and _active_session() is None
    spark = options.session or spark_session(options)
    scratch = Path(tempfile.mkdtemp(prefix="infoops-spark-"))
    try:
        posts = options.posts_url or export_posts(con, scratch / "posts")
        spark.read.parquet(posts).createOrReplaceTempView("post_rows")
        yield SparkBackend(spark, con, options.work_url or (scratch / "work").as_uri())
    finally:
        spark.catalog.dropTempView("post_rows")
        shutil.rmtree(scratch, ignore_errors=True)
        if owned:
            spark.stop()


def _active_session() -> Any:
    """The SparkSession already running in this process (a notebook's), if any; it is
    used and left running rather than stopped under its owner."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()
