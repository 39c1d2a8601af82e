"""Pair accounts whose events share an object within a sliding time window.

The window is exact (``|dt| <= window``): events are put in buckets of the
window's width and each event is compared with its own and the two neighbouring
buckets, so neighbours are never split by a bin edge and a popular object never
pairs events that are far apart in time. Objects used by more than
``max_object_accounts`` accounts (viral links, trending tags) are left out of the
pairing: they are not evidence of coordination and would blow up the pair count.

Every step is one SELECT, run by a backend (``_backend``: DuckDB on the
workspace, or Spark), with integer keys (account number, post number, object
hash) so the joins stay narrow.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._backend import SqlBackend
from ._signals import Signal


@dataclass(frozen=True)
class PairOptions:
    """How one signal pairs accounts."""

    window_s: float
    max_object_accounts: int | None = 1000


def build_account_index(backend: SqlBackend) -> None:
    """Number every account once (``acct``), shared by all signals; the numbers follow
    the account ids' order, so ``a < b`` puts the pair's source first in every engine."""
    backend.materialise(
        "acct",
        """SELECT account_id, (row_number() OVER (ORDER BY account_id))::INTEGER AS aid
           FROM (SELECT DISTINCT account_id FROM post_rows)""",
    )


def cooccurrences(
    backend: SqlBackend,
    signal: Signal,
    options: PairOptions,
    table: str,
    prune: bool = True,
) -> int:
    """Materialise ``table``: co-occurring post pairs a, b, pa, pb, obj, dt; return how
    many objects the per-object cap (``max_object_accounts``) left out.

    ``a < b`` are account numbers, ``pa``/``pb`` post numbers (``pid``), ``obj`` the
    object's hash, ``dt`` the absolute time between the two posts in seconds.
    """
    # Events are materialised once: the signal's query (text normalisation, unnesting)
    # is the costly part and is read twice below.
    backend.materialise(f"{table}_keyed", _keyed_sql(signal))
    capped = 0
    if prune or options.max_object_accounts:
        # accounts per object, counted once: for the pruning and for the cap's report
        backend.materialise(
            f"{table}_objects",
            f"""SELECT obj, count(*) AS n FROM (SELECT DISTINCT obj, aid FROM {table}_keyed)
                GROUP BY obj HAVING count(*) >= 2""",
        )
        capped = _capped_objects(backend, table, options.max_object_accounts)
    backend.materialise(f"{table}_events", _events_sql(table, options, prune))
    backend.drop(f"{table}_keyed", f"{table}_objects")
    backend.materialise(table, _pairs_sql(table, signal, options))
    return capped


def _capped_objects(backend: SqlBackend, table: str, cap: int | None) -> int:
    """Objects used by more than ``cap`` accounts: left out of the pairing, so reported."""
    if not cap:
        return 0
    over = backend.arrow(f"SELECT count(*) AS n FROM {table}_objects WHERE n > {int(cap)}")
    return int(over.column("n")[0].as_py())


def _keyed_sql(signal: Signal) -> str:
    variant = ", ev.variant" if signal.variant else ""
    return f"""SELECT acct.aid, ev.pid, hash(ev.object) AS obj, ev.ts{variant}
               FROM ({signal.events_sql}) ev JOIN acct USING (account_id)"""


def _events_sql(table: str, options: PairOptions, prune: bool) -> str:
    """Events that can pair, with their time bucket.

    Objects of a single account never pair, and objects over the cap are left out;
    pruning them also sets each account's activity for the null model (raw pairs,
    with no cap and no test, only drop objects with a single event).
    """
    width = max(float(options.window_s), 1.0)
    cap = options.max_object_accounts
    if prune or cap:
        cap_sql = f"WHERE n <= {int(cap)}" if cap else ""
        accounts_per_object = f"SELECT obj FROM {table}_objects {cap_sql}"
    else:  # cheaper: an object with a single event cannot pair
        accounts_per_object = f"SELECT obj FROM {table}_keyed GROUP BY obj HAVING count(*) >= 2"
    return f"""SELECT k.*, floor(k.ts / {width})::BIGINT AS bucket
               FROM {table}_keyed k SEMI JOIN ({accounts_per_object}) USING (obj)"""


def _pairs_sql(table: str, signal: Signal, options: PairOptions) -> str:
    """The sliding-window self-join: each event against its own and both neighbouring
    buckets, kept when ``|dt| <= window``."""
    variants = ", l.variant AS va, r.variant AS vb" if signal.variant else ""
    return f"""
        SELECT l.aid AS a, r.aid AS b, l.pid AS pa, r.pid AS pb, l.obj,
               abs(r.ts - l.ts) AS dt{variants}
        FROM (SELECT e.*, e.bucket + s.shift AS probe
              FROM {table}_events e, (VALUES (-1), (0), (1)) AS s(shift)) l
        JOIN {table}_events r ON r.obj = l.obj AND r.bucket = l.probe
        WHERE l.aid < r.aid AND abs(r.ts - l.ts) <= {float(options.window_s)}{_variants(signal)}
        """


def _variants(signal: Signal) -> str:
    """The extra join condition of signals whose events pair only across variants."""
    return " AND l.variant <> r.variant" if signal.variant else ""


def _shared_count(signal: Signal, obj: str, left_variant: str, right_variant: str) -> str:
    """``k``: distinct shared objects; for variant signals, the distinct variants on the
    side with fewer (one long-running template is many shared texts, not one object)."""
    if signal.variant:
        return f"least(count(DISTINCT {left_variant}), count(DISTINCT {right_variant}))"
    return f"count(DISTINCT {obj})"


def pair_counts_sql(table: str, signal: Signal) -> str:
    """Per account pair: distinct shared objects ``k``, post pairs, each side's posts."""
    return f"""
        SELECT a, b, {_shared_count(signal, "obj", "va", "vb")} AS k, count(*) AS n_evidence,
               count(DISTINCT pa) AS posts_a, count(DISTINCT pb) AS posts_b,
               min(dt) AS min_dt
        FROM {table} GROUP BY a, b ORDER BY a, b
        """


def account_degrees_sql(table: str, signal: Signal) -> str:
    """Distinct objects (or variants) per account among the events that can pair: the
    null model's activity."""
    counted = "variant" if signal.variant else "obj"
    return (
        f"SELECT aid, count(DISTINCT {counted}) AS d FROM {table}_events GROUP BY aid ORDER BY aid"
    )


def raw_pairs_sql(signal: Signal, options: PairOptions) -> str:
    """One query: every co-occurring pair of ``signal`` with its counts, before any test.

    The same bucketed sliding-window join as ``cooccurrences``, on account numbers
    (named back at the end), aggregated in one pass: what other tools call the raw
    edge list.
    """
    width = max(float(options.window_s), 1.0)
    cap = options.max_object_accounts
    having = f"count(DISTINCT ai) BETWEEN 2 AND {int(cap)}" if cap else "count(*) >= 2"
    variant = ", variant" if signal.variant else ""
    return f"""
    WITH named AS (
        SELECT account_id AS a, pid, hash(object) AS obj, ts{variant},
               floor(ts / {width})::BIGINT AS bucket
        FROM ({signal.events_sql})
    ), ids AS (  -- integer account keys: the join filter and the grouping compare numbers
        SELECT a, (row_number() OVER (ORDER BY a))::INTEGER AS ai
        FROM (SELECT DISTINCT a FROM named)
    ), ev AS (
        SELECT ids.ai, named.pid, named.obj, named.ts, named.bucket{variant.replace(", ", ", named.")}
        FROM named JOIN ids USING (a)
    ), kept AS (
        SELECT * FROM ev SEMI JOIN (SELECT obj FROM ev GROUP BY obj HAVING {having}) USING (obj)
    ), pairs AS (
        SELECT l.ai AS s, r.ai AS t,
               {_shared_count(signal, "l.obj", "l.variant", "r.variant")} AS k, count(*) AS n_evidence,
               count(DISTINCT l.pid) AS posts_source, count(DISTINCT r.pid) AS posts_target
        FROM (SELECT e.*, e.bucket + s.shift AS probe
              FROM kept e, (VALUES (-1), (0), (1)) AS s(shift)) l
        JOIN kept r ON r.obj = l.obj AND r.bucket = l.probe
        WHERE l.ai < r.ai AND abs(r.ts - l.ts) <= {float(options.window_s)}{_variants(signal)}
        GROUP BY l.ai, r.ai
    )
    SELECT x.a AS source, y.a AS target, k, n_evidence, posts_source, posts_target
    FROM pairs JOIN ids x ON x.ai = pairs.s JOIN ids y ON y.ai = pairs.t
    ORDER BY source, target
    """


# Sums of many floats differ in their last bits with the order an engine adds them in;
# rounded, DuckDB and Spark give the same expectations and so the same edges.
_DIGITS = 9


def timing_expectation_sql(table: str, pairs: str, window_s: float) -> str:
    """Per pair of ``pairs`` (a, b): each side's posts expected to land within the window
    of the other side's posts on the same object, were each account's posting times
    spread at random over its own active span (the timing null, ``_significance``).

    For one object used ``n_a`` times by a and ``n_b`` times by b, one post of a meets
    a post of b with probability ``1 - exp(-n_b * r)``; ``r`` is the larger of two
    per-event-pair chances: both accounts' spans overlapping (``2h * overlap / (L_a *
    L_b)``) and the object's own lifetime (``2h / L_o``), so an object alive for one
    hour (a breaking story) makes coincidences as likely as that hour says.
    """
    h = max(float(window_s), 0.5)
    return f"""
    WITH ao AS (SELECT aid, obj, count(*) AS n FROM {table}_events GROUP BY aid, obj),
    span AS (SELECT aid, min(ts) AS s, max(ts) AS e FROM {table}_events GROUP BY aid),
    life AS (SELECT obj, max(ts) - min(ts) AS lo FROM {table}_events GROUP BY obj),
    rate AS (
        SELECT p.a, p.b,
               2 * {h} * greatest(0, least(sa.e, sb.e) - greatest(sa.s, sb.s) + 2 * {h})
               / ((sa.e - sa.s + 2 * {h}) * (sb.e - sb.s + 2 * {h})) AS r_span
        FROM {pairs} p JOIN span sa ON sa.aid = p.a JOIN span sb ON sb.aid = p.b
    ), terms AS (
        SELECT rate.a, rate.b, x.n AS na, y.n AS nb,
               greatest(rate.r_span, 2 * {h} / (life.lo + 2 * {h})) AS r
        FROM rate JOIN ao x ON x.aid = rate.a
        JOIN ao y ON y.aid = rate.b AND y.obj = x.obj
        JOIN life ON life.obj = x.obj
    )
    SELECT a, b, round(sum(na * (1 - exp(-nb * r))), {_DIGITS}) AS expected_a,
           round(sum(nb * (1 - exp(-na * r))), {_DIGITS}) AS expected_b
    FROM terms GROUP BY a, b ORDER BY a, b
    """


LOCAL_SPAN = 10  # the account test's neighbourhood, in windows either side


def timing_accounts_sql(table: str, window_s: float) -> str:
    """Per account: its posts that met another account's post within the window
    (``met``), and how many would if the other accounts' posts on each object were
    spread evenly over the neighbourhood of ``LOCAL_SPAN`` windows either side
    (``expected``): the timing null's account-level question, which sees a group
    where every pair alone is too small to stand out.

    Measuring the other accounts' rate on the object around each post, rather than over
    the object's life, keeps a cascade (a post reshared by hundreds in its first
    hour) from counting as coordination: its posts are as crowded at ten windows as
    at one.
    """
    h = max(float(window_s), 0.5)
    wide = LOCAL_SPAN * h
    frame = f"ORDER BY ts RANGE BETWEEN {wide} PRECEDING AND {wide} FOLLOWING"
    return f"""
    WITH around AS (
        SELECT aid, count(*) OVER (PARTITION BY obj {frame}) - 1 AS others
        FROM {table}_events
    ), expected AS (
        SELECT aid, round(sum(1 - exp(-others * {(2 * h + 1) / (2 * wide + 1)})), {_DIGITS})
               AS expected
        FROM around GROUP BY aid
    ), met AS (
        SELECT aid, count(DISTINCT pid) AS met
        FROM (SELECT a AS aid, pa AS pid FROM {table} UNION ALL SELECT b, pb FROM {table})
        GROUP BY aid
    )
    SELECT aid, coalesce(met, 0) AS met, expected
    FROM expected LEFT JOIN met USING (aid) ORDER BY aid
    """
