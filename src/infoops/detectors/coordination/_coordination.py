"""Run the coordination signals over a workspace and keep the edges that pass the test.

For each signal: pair accounts (``_cooccurrence``), test every pair against the
null model (``_significance``), and write the pairs, their statistics and, for
the significant ones, the post pairs behind them to workspace tables:

- ``coordination_edges``: signal, source, target, k (distinct shared objects),
  n_evidence (post pairs), expected, p_value, q_value, significant;
- ``coordination_evidence``: signal, source, target, post_a, post_b, dt_s
  (every post pair of every significant edge; at most ``evidence_per_edge`` per
  edge, the closest in time first, when that is set);
- ``coordinated_posts``: account, post, signal for every post behind a
  significant edge (the basis of each account's coordination score).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from ...errors import InputError
from ...workspace._tables import drop_temporary
from ._backend import DuckDBBackend, SqlBackend
from ._config import CoordinationConfig
from ._cooccurrence import (
    PairOptions,
    account_degrees_sql,
    build_account_index,
    cooccurrences,
    pair_counts_sql,
    raw_pairs_sql,
)
from ._signals import BY_NAME, FAST_RESHARE, Signal
from ._significance import benjamini_hochberg, expected_counts, poisson_p_values
from ._timing import timing_test

log = logging.getLogger("infoops")
DEFAULT_OBJECT_CAP = CoordinationConfig().max_object_accounts


@dataclass
class SignalSummary:
    signal: str
    window_s: float
    pairs: int
    significant: int
    seconds: float
    capped_objects: int = 0  # objects over max_object_accounts, left out of the pairing


_TABLES_SQL = """
CREATE OR REPLACE TABLE coordination_edges (
    signal VARCHAR, source VARCHAR, target VARCHAR, k BIGINT, n_evidence BIGINT,
    posts_source BIGINT, posts_target BIGINT, min_dt_s DOUBLE, expected DOUBLE,
    p_value DOUBLE, q_value DOUBLE, significant BOOLEAN);
CREATE OR REPLACE TABLE coordination_evidence (
    signal VARCHAR, source VARCHAR, target VARCHAR, post_source VARCHAR, post_target VARCHAR,
    dt_s DOUBLE, shared VARCHAR, similarity DOUBLE);
CREATE OR REPLACE TABLE coordinated_posts (account_id VARCHAR, post_rowid BIGINT, signal VARCHAR);
"""


def detect_coordination(
    con: duckdb.DuckDBPyConnection,
    config: CoordinationConfig | None = None,
    on_signal: Callable[[str], None] | None = None,
    backend: SqlBackend | None = None,
) -> list[SignalSummary]:
    """Run every configured signal; results go to the ``coordination_*`` tables of ``con``.

    ``backend`` runs the relational steps elsewhere (Spark); signals that need Python
    text models (``prepare``) always run on ``con``, where their clusters are made.
    """
    config = config or CoordinationConfig()
    config.check()
    con.execute(_TABLES_SQL)
    local = DuckDBBackend(con)
    indexed: list[SqlBackend] = []
    summaries = []
    for name in config.signals:
        signal = BY_NAME[name]
        if on_signal:
            on_signal(name)
        started = time.perf_counter()
        runner = local if backend is None or signal.prepare else backend
        if runner not in indexed:
            build_account_index(runner)
            indexed.append(runner)
        capped = 0
        if signal is FAST_RESHARE:
            pairs, significant = _fast_reshare(runner, config)
        else:
            pairs, significant, capped = _run_signal(con, runner, signal, config)
        seconds = time.perf_counter() - started
        summaries.append(
            SignalSummary(name, config.window(signal), pairs, significant, seconds, capped)
        )
        log.info("Coordination - %s: %d pairs, %d significant", name, pairs, significant)
        if capped:
            log.warning(
                "Coordination - %s: %d object(s) used by more than %d accounts left out",
                name, capped, config.max_object_accounts,
            )  # fmt: skip
    return summaries


def raw_pairs(
    con: duckdb.DuckDBPyConnection,
    signal: str,
    window_s: float | None = None,
    max_object_accounts: int | None = DEFAULT_OBJECT_CAP,
    config: CoordinationConfig | None = None,
) -> pa.Table:
    """Every co-occurring account pair of one signal before any test (source < target).

    Columns: source, target, k (distinct shared objects), n_evidence (post pairs),
    posts_source, posts_target (distinct posts on each side). For comparing with
    other tools and for inspecting what the test rejected. The per-object cap is the
    detection's default, so raw pairs are the pairs a default run tests;
    ``max_object_accounts=None`` lifts it (what other tools' raw edge lists hold).
    """
    chosen = BY_NAME.get(signal)
    if chosen is None or chosen is FAST_RESHARE:
        raise InputError(f"raw_pairs needs a co-occurrence signal, got {signal!r}")
    window = chosen.window_s if window_s is None else window_s
    if chosen.prepare:
        chosen.prepare(con, config or CoordinationConfig(windows={signal: window}))
    table = DuckDBBackend(con).arrow(
        raw_pairs_sql(chosen, PairOptions(window, max_object_accounts))
    )
    drop_temporary(con, *chosen.temp_tables)
    return table


TimingTest = Callable[[np.ndarray | None], tuple[np.ndarray, ...]]


def _test_pairs(
    pairs: pa.Table,
    degrees: pa.Table,
    config: CoordinationConfig,
    timing: TimingTest | None = None,
) -> pa.Table:
    """Add expected, p_value, q_value and significant to a pair table (a, b, k, ...).

    ``timing`` runs the timing test (``_timing.timing_test``; it gets the pairs the
    degree test already kept, or None, and returns expected, p, q, passed). It
    replaces the degree-corrected test (``null_model="timing"``) or joins it
    (``"either"``: a pair kept when one passes, its columns from the timing test only
    when that test alone kept it). Signals without a timing test use the degree
    null. An expectation the timing test did not compute is null.
    """
    if timing is not None and config.null_model == "timing":
        expected, p_values, q_values, passed = timing(None)
    else:
        fdr = config.fdr if timing is None else _fdr_per_test(config)
        expected, p_values, q_values, passed = _degree_test(pairs, degrees, config, fdr)
        if timing is not None:
            other = timing(passed)
            take = other[3] & ~passed
            expected, p_values, q_values, passed = (
                np.where(take, new, old)
                for new, old in zip(other, (expected, p_values, q_values, passed), strict=True)
            )
    significant = passed & (pairs.column("k").to_numpy() >= config.min_shared)
    return (
        pairs.append_column("expected", pa.array(expected, from_pandas=True))
        .append_column("p_value", pa.array(p_values))
        .append_column("q_value", pa.array(q_values))
        .append_column("significant", pa.array(significant))
    )


def _degree_test(
    pairs: pa.Table, degrees: pa.Table, config: CoordinationConfig, fdr: float
) -> tuple[np.ndarray, ...]:
    """Expected, p, q and passed under the degree-corrected null."""
    k = pairs.column("k").to_numpy()
    expected = _degree_null(pairs, degrees)
    p_values = poisson_p_values(k, expected)
    n_accounts = degrees.num_rows
    q_values = benjamini_hochberg(p_values, n_accounts * (n_accounts - 1) // 2)
    lift = np.divide(k, expected, out=np.full(len(k), np.inf), where=expected > 0)
    return expected, p_values, q_values, (q_values <= fdr) & (lift >= config.min_lift)


def _fdr_per_test(config: CoordinationConfig) -> float:
    """Each null's share of the false-discovery rate: half each when both test."""
    return config.fdr / 2 if config.null_model == "either" else config.fdr


def _degree_null(pairs: pa.Table, degrees: pa.Table) -> np.ndarray:
    """Each pair's expected shared objects under the degree-corrected null."""
    degree = dict(
        zip(degrees.column("aid").to_pylist(), degrees.column("d").to_pylist(), strict=True)
    )
    all_degrees = np.asarray(degrees.column("d").to_numpy(), dtype=np.float64)
    degree_a = np.array([degree[a] for a in pairs.column("a").to_pylist()], dtype=np.float64)
    degree_b = np.array([degree[b] for b in pairs.column("b").to_pylist()], dtype=np.float64)
    return expected_counts(pairs.column("k").to_numpy(), degree_a, degree_b, all_degrees)


def _run_signal(
    con: duckdb.DuckDBPyConnection, backend: SqlBackend, signal: Signal, config: CoordinationConfig
) -> tuple[int, int]:
    table = f"co_{signal.name}"
    options = PairOptions(config.window(signal), config.max_object_accounts)
    if signal.prepare:
        signal.prepare(con, config)
    capped = cooccurrences(backend, signal, options, table)
    pairs = backend.arrow(pair_counts_sql(table, signal))
    if pairs.num_rows == 0:
        _drop(backend, table, signal)
        return 0, 0, capped
    degrees = backend.arrow(account_degrees_sql(table, signal))
    timing = None
    if config.null_model != "degree":
        fdr, window = _fdr_per_test(config), options.window_s

        def timing(settled: np.ndarray | None) -> tuple[np.ndarray, ...]:
            return timing_test(backend, table, pairs, window, fdr, config.min_shared, settled)

    tested = _test_pairs(pairs, degrees, config, timing)
    _store(backend, signal, table, tested, config)
    _drop(backend, table, signal)
    significant = int(pa.compute.sum(tested.column("significant")).as_py() or 0)
    return tested.num_rows, significant, capped


def _store(
    backend: SqlBackend, signal: Signal, table: str, tested: pa.Table, config: CoordinationConfig
) -> None:
    """Append the tested edges, and the evidence and posts of the significant ones."""
    name = signal.name  # a known signal name (BY_NAME), safe as a literal
    backend.upload("tested", tested)
    backend.append(
        "coordination_edges",
        f"""SELECT '{name}' AS signal, sa.account_id AS source, sb.account_id AS target, t.k,
                   t.n_evidence, t.posts_a, t.posts_b, t.min_dt, t.expected, t.p_value,
                   t.q_value, t.significant
            FROM tested t JOIN acct sa ON sa.aid = t.a JOIN acct sb ON sb.aid = t.b""",
    )
    backend.drop("tested")
    backend.upload("sig_pairs", tested.filter(tested.column("significant")).select(["a", "b"]))
    backend.append("coordination_evidence", _evidence_sql(signal, table, config))
    backend.append(
        "coordinated_posts",
        f"""SELECT DISTINCT acct.account_id, x.pid AS post_rowid, '{name}' AS signal FROM (
                SELECT a AS aid, pa AS pid FROM {table} c SEMI JOIN sig_pairs USING (a, b)
                UNION ALL
                SELECT b AS aid, pb AS pid FROM {table} c SEMI JOIN sig_pairs USING (a, b)
            ) x JOIN acct USING (aid)""",
    )
    backend.drop("sig_pairs")


def _evidence_sql(signal: Signal, table: str, config: CoordinationConfig) -> str:
    """The post pairs behind each significant edge: all of them, or the
    ``evidence_per_edge`` closest in time."""
    cap = config.evidence_per_edge
    closest = (
        f"QUALIFY row_number() OVER (PARTITION BY a, b ORDER BY dt, pa, pb) <= {int(cap)}"
        if cap
        else ""
    )
    return f"""SELECT '{signal.name}' AS signal, sa.account_id AS source, sb.account_id AS target,
                      pa.post_id AS post_source, pb.post_id AS post_target, e.dt AS dt_s,
                      CAST({signal.shared_sql} AS VARCHAR) AS shared,
                      CAST({signal.similarity_sql} AS DOUBLE) AS similarity
               FROM (SELECT c.* FROM {table} c SEMI JOIN sig_pairs USING (a, b)
                     {closest}) e
               JOIN acct sa ON sa.aid = e.a JOIN acct sb ON sb.aid = e.b
               JOIN post_rows pa ON pa.pid = e.pa JOIN post_rows pb ON pb.pid = e.pb
               {signal.evidence_joins}"""


def _fast_reshare(backend: SqlBackend, config: CoordinationConfig) -> tuple[int, int]:
    """Directed: resharers who repeatedly reshare the same author within the window."""
    window = config.window(FAST_RESHARE)
    backend.materialise(
        "co_fast",
        f"""SELECT least(ra.aid, au.aid) AS a, greatest(ra.aid, au.aid) AS b,
                   f.original_post, f.reshare_post, f.delay,
                   ra.aid AS resharer_aid, au.aid AS author_aid
            FROM ({FAST_RESHARE.events_sql}) f
            JOIN acct ra ON ra.account_id = f.resharer JOIN acct au ON au.account_id = f.author
            WHERE f.delay >= 0 AND f.delay <= {float(window)}""",
    )
    pairs = backend.arrow(
        """SELECT a, b, count(DISTINCT original_post) AS k, count(*) AS n_evidence,
                  count(DISTINCT original_post) AS posts_a, count(DISTINCT reshare_post) AS posts_b,
                  min(delay) AS min_dt
           FROM co_fast GROUP BY a, b ORDER BY a, b"""
    )
    if pairs.num_rows == 0:
        backend.drop("co_fast")
        return 0, 0
    degrees = backend.arrow(
        """SELECT aid, count(*) AS d FROM (
               SELECT resharer_aid AS aid FROM co_fast UNION ALL SELECT author_aid FROM co_fast)
           GROUP BY aid ORDER BY aid"""
    )
    tested = _test_pairs(pairs, degrees, config)
    # Evidence rows: the source side's post first (the original when the author is a).
    backend.materialise(
        "co_fast_reshare",
        """SELECT a, b,
                  CASE WHEN author_aid = a THEN original_post ELSE reshare_post END AS pa,
                  CASE WHEN author_aid = a THEN reshare_post ELSE original_post END AS pb,
                  delay AS dt
           FROM co_fast""",
    )
    _store(backend, FAST_RESHARE, "co_fast_reshare", tested, config)
    backend.drop("co_fast", "co_fast_reshare")
    return tested.num_rows, int(pa.compute.sum(tested.column("significant")).as_py() or 0)


def _drop(backend: SqlBackend, table: str, signal: Signal) -> None:
    backend.drop(table, f"{table}_events", *signal.temp_tables)
