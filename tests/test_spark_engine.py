"""The Spark engine gives exactly the DuckDB engine's edges, statistics and campaigns.

One local[2] SparkSession serves the module. Each data set is detected twice in
the same workspace, once per engine, and every output table is compared
row for row and bit for bit (p- and q-values included).
"""

from __future__ import annotations

import os
import shutil
import sys

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from infoops import Workspace
from infoops.cli import app
from infoops.detectors.coordination import SparkOptions
from infoops.detectors.coordination._spark import spark_session, to_spark_sql
from infoops.errors import InputError
from infoops.pipeline import run_coordination
from infoops.simulate import simulate

pytestmark = [
    pytest.mark.slow,  # a JVM and Spark sessions: pytest -m slow, and .ci/run
    # pyspark 4 warns about pandas 3 even where it is handed Arrow tables.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
]

# Each table, in an order that makes the comparison independent of insertion order.
TABLES = {
    "coordination_edges": "signal, source, target",
    "coordination_evidence": "signal, source, target, post_source, post_target",
    "coordinated_posts": "signal, account_id, post_rowid",
    "fused_edges": "source, target",
    "campaign_accounts": "account_id",
    "campaigns": "campaign_id",
}


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'infoops[spark]')")
    pytest.importorskip("sqlglot", reason="sqlglot not installed (pip install 'infoops[spark]')")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        pytest.skip("Spark needs Java 17 or newer: no java on PATH and no JAVA_HOME")
    session = spark_session(SparkOptions(master="local[2]"))
    yield session
    session.stop()


def _snapshot(ws: Workspace) -> dict[str, pa.Table]:
    return {
        name: ws.sql(f"SELECT * FROM {name} ORDER BY {order}").to_arrow_table()
        for name, order in TABLES.items()
    }


def _both_engines(ws: Workspace, spark) -> tuple[dict, dict]:
    run_coordination(ws)
    local = _snapshot(ws)
    run_coordination(ws, spark=SparkOptions(session=spark))
    return local, _snapshot(ws)


def _assert_identical(local: dict, remote: dict) -> None:
    for name in TABLES:
        assert local[name].schema == remote[name].schema, name
        assert local[name].num_rows == remote[name].num_rows, name
        assert local[name].equals(remote[name]), f"{name} differs between DuckDB and Spark"


def test_simulated_planted_groups_equal(spark):
    sim = simulate(40_000, seed=5, planted=True)
    with Workspace(memory=True) as ws:
        ws.ingest_table(sim.posts, "simulation")
        local, remote = _both_engines(ws, spark)
    _assert_identical(local, remote)
    edges = remote["coordination_edges"]
    assert edges.num_rows > 1_000 and len(set(edges.column("signal").to_pylist())) >= 8
    assert remote["campaigns"].num_rows >= 2


@pytest.fixture(scope="module")
def ira_days(shared_data, tmp_path_factory):
    """Ten days of the real IRA archive (October 2016), in its own CSV format."""
    import duckdb

    source = shared_data / "ira" / "tweets.csv.gz"
    sample = tmp_path_factory.mktemp("ira") / "ira_2016-10-01_10.csv"
    duckdb.sql(
        f"""COPY (SELECT * FROM read_csv('{source}', all_varchar=true)
                  WHERE publish_date LIKE '2016-10-0%') TO '{sample}' (HEADER)"""
    )
    return sample


def test_ira_sample_equal(spark, ira_days):
    with Workspace(memory=True) as ws:
        ws.ingest([ira_days])
        local, remote = _both_engines(ws, spark)
    _assert_identical(local, remote)
    assert remote["coordination_edges"].num_rows > 100
    assert remote["campaigns"].num_rows >= 1


def test_cli_engine_spark_writes_the_same_edges(spark, tmp_path):
    sample = tmp_path / "sample"
    runner = CliRunner()
    done = runner.invoke(app, ["simulate", "--posts", "5000", "--out", str(sample)])
    assert done.exit_code == 0, done.output
    outputs = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / engine
        args = ["run", str(sample / "posts.csv.gz"), "--out", str(out), "--no-content"]
        args += ["--signals", "co_reshare,co_hashtag", "--engine", engine]
        done = runner.invoke(app, args)
        assert done.exit_code == 0, done.output
        outputs[engine] = (out / "edges.csv").read_text()
    assert outputs["spark"] == outputs["duckdb"]
    assert spark.sparkContext._jsc is not None  # the shared session was left running


def test_unknown_engine_is_refused(tmp_path):
    done = CliRunner().invoke(
        app, ["coordination", "-w", str(tmp_path / "ws.duckdb"), "--engine", "flink"]
    )
    assert done.exit_code == 1 and "--engine expects duckdb or spark" in done.output


def test_missing_pyspark_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(InputError, match="pip install pyspark sqlglot"):
        spark_session(SparkOptions())


def test_duckdb_functions_get_their_spark_spelling():
    pytest.importorskip("sqlglot")
    sql = to_spark_sql("SELECT hash(x) AS h, epoch_us(t) / 1000000 AS s FROM post_rows")
    assert "XXHASH64(x)" in sql and "UNIX_MICROS(t) / 1000000" in sql
