"""Near-duplicate text speed on IRA prefixes, beside coordination-network-toolkit's co_similar_tweet.

Run: python benchmarks/bench_near_duplicate.py [--workspace IRA.duckdb] [--window 60]
         [--sizes 10000,20000,50000,100000,200000] [--budget 600] [--timeout 1800]
         [--dense 100000,200000,500000,1000000,2000000,4000000] [--dense-timeout 600]
         [--only ira|dense] [--repeats 5]
Writes benchmarks/results/near_duplicate.{json,md} (with --only, the other part is
kept from the existing results file).

The peer's similar-text network (``compute_co_similar_tweet``) compares every
non-retweet with every other non-retweet posted within the window, calling a
Python Jaccard function on their token sets once per pair, so its cost follows
the number of such candidate pairs and can run for hours on dense data. Both
tools get time-ordered prefixes of the archive (the first N tweets by
publish_date, ties in file order; the last size is the whole archive), each a
fresh infoops workspace (ingested from that prefix of the original CSV) whose
posts are handed to the peer in its CSV layout, exactly as in
bench_coordination.py. Sizes grow until one peer run exceeds --budget seconds (a
run is killed at --timeout). The peer's growth on the prefixes smaller than the
archive is fitted on a log-log scale and extrapolated to the whole archive (an
extrapolation, reported beside the measured time when the whole archive was
run); a second estimate scales the peer's seconds per candidate pair (pairs of
non-retweets within the window, counted exactly for every size and for the whole
archive) from the largest such prefix.

Peer settings: window --window (60 s), n_threads=2 (this machine's cores),
min_edge_weight=1 (every pair, like raw_pairs), similarity_threshold 0.8 and
documents of fewer than 1 token scored 0, the defaults of its command line
(``compute_networks DB compute co_similar_tweet``). The Python function's own
defaults (threshold 0.9, unguarded Jaccard) divide by zero on a tweet with no
token, such as one made only of @mentions, which IRA has.

Dense part: IRA times are whole minutes and sparse, so the peer's pair join stays
small there. Simulated data (``infoops.simulate.simulate(n, seed, planted=True)``,
60 days, second-resolution times, bursts and planted groups) is denser: each size
is simulated and ingested into a fresh workspace, handed to the peer in its CSV
layout, and both tools run with the same settings as above. Sizes grow
until a peer run is killed at --dense-timeout; the killed run is reported as a
lower bound (timeout minus the peer's ~1 s start-up), and so is its ratio.

infoops: ``raw_pairs(con, "near_duplicate", window, max_object_accounts=None)`` on
the same prefixes and on the whole archive, each in a fresh process; recorded as
"not available" while that signal does not exist. Loading (infoops ingest, peer
preprocess) is timed apart from computing; ratios are peer / infoops compute.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from _common import RESULTS, machine, median_run, require_shared, timed, write_results
from bench_coordination import INGEST, SIGNAL, _peer_csv

IRA_TWEETS = 1_312_174
OURS = "near_duplicate"
SIZES = "10000,20000,50000,100000,200000,500000,1000000,1312174"
DENSE = "100000,200000,500000,1000000,2000000,4000000"
PEER_STARTUP_S = 1.0  # importing the peer's compute module, measured on this machine

SIM_INGEST = """
import sys
from infoops import Workspace
from infoops.simulate import simulate
sim = simulate(int(sys.argv[2]), seed=int(sys.argv[3]), planted=True)
with Workspace(sys.argv[1]) as ws:
    ws.ingest_table(sim.posts, "simulation")
"""

PEER = """
import builtins, json, sqlite3, sys, time
from coordination_network_toolkit.compute_networks import compute_co_similar_tweet
from coordination_network_toolkit.similarity import get_similarity_fn_from_min_size
db, window, threshold, min_tokens = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
marks, echo = {}, builtins.print
def mark(*args, **kwargs):  # the peer announces its phases on stdout
    marks.setdefault(str(args[0]) if args else "", time.perf_counter())
    echo(*args, **kwargs)
builtins.print = mark
started = time.perf_counter()
compute_co_similar_tweet(
    db, window, n_threads=2, similarity_threshold=threshold, min_edge_weight=1,
    similarity_function=get_similarity_fn_from_min_size(min_tokens),
)
ended = time.perf_counter()
con = sqlite3.connect(db)
edges, loops = con.execute(
    "select count(*), count(*) filter (where user_1 = user_2) from co_similar_tweet_network"
).fetchone()
pairs = con.execute(
    "select count(*) from (select distinct min(user_1, user_2), max(user_1, user_2) "
    "from co_similar_tweet_network where user_1 <> user_2)"
).fetchone()[0]
similar = marks.get("Calculating similarity", ended)
echo(json.dumps({
    "compute_s": ended - started,
    "indexes_s": marks.get("Tokenizing messages", similar) - started,
    "tokenize_s": similar - marks.get("Tokenizing messages", similar),
    "join_s": ended - similar,
    "directed_edges": edges, "self_loops": loops, "pairs": pairs,
}))
"""

# Ordered pairs (self-pairs included) of non-retweets at most `window` seconds apart:
# the rows on which the peer calls its Python similarity function.
CANDIDATES = """
WITH t AS (
    SELECT epoch(created_at) AS ts, count(*) AS c FROM posts
    WHERE reshare_of_post IS NULL GROUP BY 1
)
SELECT coalesce(sum(c * near), 0)::BIGINT FROM (
    SELECT c, sum(c) OVER (ORDER BY ts RANGE BETWEEN $w PRECEDING AND $w FOLLOWING) AS near FROM t
)
"""


def _prefix_csv(source: Path, n: int, target: Path) -> None:
    """The first ``n`` tweets of the IRA CSV by publish_date (ties in file order), same layout."""
    con = duckdb.connect()
    con.execute(
        f"""COPY (
            SELECT * EXCLUDE (rn) FROM (
                SELECT row_number() OVER () AS rn, *
                FROM read_csv('{source}', all_varchar = true, header = true)
            ) ORDER BY strptime(publish_date, '%Y-%m-%d %H:%M:%S'), rn LIMIT {int(n)}
        ) TO '{target}' (HEADER, DELIMITER ',')"""
    )
    con.close()


def _workspace_facts(ws_path: Path, window: float) -> dict[str, int]:
    con = duckdb.connect(str(ws_path), read_only=True)
    posts, originals = con.sql(
        "SELECT count(*), count(*) FILTER (WHERE reshare_of_post IS NULL) FROM posts"
    ).fetchall()[0]
    candidates = con.execute(CANDIDATES, {"w": window}).fetchall()[0][0]
    con.close()
    return {"posts": posts, "non_retweets": originals, "candidate_pairs": candidates}


def _ours_available() -> bool:
    from infoops.detectors.coordination import BY_NAME

    return OURS in BY_NAME


def _run_ours(ws_path: Path, window: float, available: bool) -> dict:
    if not available:
        return {"status": "not available", "reason": f"infoops has no {OURS!r} signal yet"}
    try:
        run = timed([sys.executable, "-c", SIGNAL, str(ws_path), OURS, str(window)])
    except RuntimeError as error:
        return {"status": "failed", "reason": str(error)[-500:]}
    rows, seconds = run["stdout"].split()[-2:]
    return {"status": "ok", "compute_s": round(float(seconds), 2), "pairs": int(rows), **run}


def _run_peer(db: str, args: argparse.Namespace, timeout: float | None = None) -> dict:
    timeout = args.timeout if timeout is None else timeout
    command = [sys.executable, "-c", PEER, db, str(args.window), str(args.threshold), "1"]
    try:
        run = timed(["timeout", "-k", "30", str(timeout), *command])
    except RuntimeError as error:
        timed_out = "status 124" in str(error) or "status 137" in str(error)
        return {
            "status": f"killed after {timeout:g} s" if timed_out else "failed",
            "killed": timed_out,
            "compute_at_least_s": round(timeout - PEER_STARTUP_S, 1) if timed_out else None,
            "reason": str(error)[-500:],
        }
    stats = json.loads(run["stdout"].splitlines()[-1])
    return {"status": "ok", **{k: round(v, 2) for k, v in stats.items()}, **run}


def _fit(sizes: list[dict]) -> dict:
    """Least-squares line through log(peer compute seconds) against log(tweets), prefixes only."""
    done = [s for s in sizes if s["peer"]["status"] == "ok"]
    measured = [s["peer"]["compute_s"] for s in done if s["tweets"] >= IRA_TWEETS]
    prefixes = [s for s in done if s["tweets"] < IRA_TWEETS]
    points = [
        (s["tweets"], s["peer"]["compute_s"]) for s in prefixes if s["peer"]["compute_s"] >= 1
    ]
    if len(points) < 2:
        return {"status": "too few peer runs of 1 s or more to fit"}
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    intercept = my - slope * mx
    largest = max(prefixes, key=lambda s: s["tweets"])
    per_pair = largest["peer"]["compute_s"] / max(largest["candidate_pairs"], 1)
    return {
        "status": "ok",
        "points": len(points),
        "loglog_slope": round(slope, 3),
        "extrapolated_full_s": round(math.exp(intercept + slope * math.log(IRA_TWEETS)), 1),
        "per_candidate_pair_us": round(per_pair * 1e6, 3),
        "per_pair_from_tweets": largest["tweets"],
        "measured_full_s": measured[0] if measured else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=60)
    parser.add_argument("--sizes", default=SIZES, help="comma-separated prefix sizes")
    parser.add_argument("--budget", type=float, default=600, help="stop after a longer peer run")
    parser.add_argument("--timeout", type=float, default=1800, help="kill a peer run after this")
    parser.add_argument("--threshold", type=float, default=0.8, help="peer Jaccard threshold")
    parser.add_argument("--workspace", type=Path, help="existing workspace of the whole IRA CSV")
    parser.add_argument("--dense", default=DENSE, help="comma-separated simulated sizes")
    parser.add_argument("--dense-timeout", type=float, default=600, help="kill a dense peer run")
    parser.add_argument("--seed", type=int, default=11, help="simulation seed")
    parser.add_argument("--only", choices=("ira", "dense"), help="run one part, keep the other")
    parser.add_argument(
        "--repeats", type=int, default=5, help="runs of each tool on the whole archive (median)"
    )
    args = parser.parse_args()
    source = require_shared("ira/tweets.csv.gz")
    peer = shutil.which("compute_networks")
    if not peer:
        sys.exit("install the peer: pip install coordination-network-toolkit==1.5.2")
    available = _ours_available()
    work = Path(tempfile.mkdtemp(prefix="infoops-neardup-"))
    previous = RESULTS / "near_duplicate.json"
    kept = json.loads(previous.read_text()) if args.only and previous.exists() else {}
    results: dict = {
        "machine": machine(),
        "window_s": args.window,
        "peer_settings": {
            "function": "compute_co_similar_tweet",
            "similarity_threshold": args.threshold,
            "similarity_function": "get_similarity_fn_from_min_size(1): Jaccard of token sets",
            "min_edge_weight": 1,
            "n_threads": 2,
        },
        "infoops_signal": OURS,
        "sizes": [],
    }
    try:
        if args.only != "dense":
            _ira(args, source, peer, work, available, results)
        else:
            results.update({k: kept[k] for k in ("sizes", "fit", "full") if k in kept})
        if args.only != "ira":
            results["dense"] = _dense(args, peer, work, available)
        elif "dense" in kept:
            results["dense"] = kept["dense"]
        write_results("near_duplicate", results, _report(results))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _ira(
    args: argparse.Namespace, source: Path, peer: str, work: Path, available: bool, results: dict
) -> None:
    """IRA prefixes (peer and infoops), then infoops on the whole archive."""
    for n in sorted(int(size) for size in args.sizes.split(",")):
        step = work / str(n)
        step.mkdir()
        _prefix_csv(source, n, step / "tweets.csv")
        ws_path = step / "ws.duckdb"
        load = timed([sys.executable, "-c", INGEST, str(ws_path), str(step / "tweets.csv")])
        _peer_csv(ws_path, step / "peer.csv")
        db = str(step / "peer.db")
        peer_load = timed([peer, db, "preprocess", "--format", "csv", str(step / "peer.csv")])
        entry = {
            "tweets": n,
            **_workspace_facts(ws_path, args.window),
            "infoops_load": load,
            "peer_load": peer_load,
            **_alternate(db, ws_path, args, available, args.repeats if n >= IRA_TWEETS else 1),
        }
        entry["ratio_compute"] = _ratio(entry)
        results["sizes"].append(entry)
        print(f"{n} tweets: peer {entry['peer'].get('compute_s', entry['peer']['status'])} s")
        (step / "tweets.csv").unlink()
        if entry["peer"]["status"] != "ok" or entry["peer"]["compute_s"] > args.budget:
            break
    results["fit"] = _fit(results["sizes"])
    results["full"] = _full(args, source, work, available)
    if results["fit"]["status"] == "ok":
        results["fit"]["work_model_full_s"] = round(
            results["fit"]["per_candidate_pair_us"] * 1e-6 * results["full"]["candidate_pairs"],
            1,
        )


def _alternate(
    db: str, ws_path: Path, args: argparse.Namespace, available: bool, repeats: int
) -> dict:
    """Each tool ``repeats`` times in alternation (fresh processes); the median run of each,
    with every run's compute seconds beside it. Each peer run gets a fresh copy of its
    preprocessed database: the peer stores its tokens there, and a second run on the same
    file skips tokenising (on IRA: 24 s instead of 42 s)."""
    peer_runs, our_runs = [], []
    for _ in range(repeats):
        fresh = f"{db}.run"
        shutil.copyfile(db, fresh)
        peer_runs.append(_run_peer(fresh, args))
        Path(fresh).unlink()
        our_runs.append(_run_ours(ws_path, args.window, available))
    result = {
        "peer": median_run(peer_runs, _seconds_or_inf),
        "infoops": median_run(our_runs, _seconds_or_inf),
    }
    if repeats > 1:
        result["runs"] = {
            "peer_compute_s": [run.get("compute_s") for run in peer_runs],
            "infoops_compute_s": [run.get("compute_s") for run in our_runs],
        }
    return result


def _seconds_or_inf(run: dict) -> float:
    return run["compute_s"] if run["status"] == "ok" else math.inf


def _dense(args: argparse.Namespace, peer: str, work: Path, available: bool) -> dict:
    """Simulated posts (second-resolution, bursty): both tools, growing until the peer is killed."""
    dense: dict = {"seed": args.seed, "timeout_s": args.dense_timeout, "sizes": []}
    for n in sorted(int(size) for size in args.dense.split(",")):
        step = work / f"sim-{n}"
        step.mkdir()
        ws_path = step / "ws.duckdb"
        load = timed([sys.executable, "-c", SIM_INGEST, str(ws_path), str(n), str(args.seed)])
        _peer_csv(ws_path, step / "peer.csv")
        db = str(step / "peer.db")
        peer_load = timed([peer, db, "preprocess", "--format", "csv", str(step / "peer.csv")])
        entry = {
            "simulated_posts": n,
            **_workspace_facts(ws_path, args.window),
            "infoops_load": load,
            "peer_load": peer_load,
            "peer": _run_peer(db, args, args.dense_timeout),
            "infoops": _run_ours(ws_path, args.window, available),
        }
        entry["ratio_compute"] = _ratio(entry)
        theirs, ours = entry["peer"], entry["infoops"]
        if theirs.get("killed") and ours["status"] == "ok":
            entry["ratio_at_least"] = round(
                theirs["compute_at_least_s"] / max(ours["compute_s"], 1e-9), 1
            )
        dense["sizes"].append(entry)
        print(
            f"dense {n} posts: peer {theirs.get('compute_s', theirs['status'])} s, "
            f"infoops {ours.get('compute_s', ours['status'])} s",
            flush=True,
        )
        shutil.rmtree(step, ignore_errors=True)
        if theirs["status"] != "ok":
            break
    return dense


def _full(args: argparse.Namespace, source: Path, work: Path, available: bool) -> dict:
    """infoops on the whole archive (the peer is only extrapolated there)."""
    full: dict = {"tweets": IRA_TWEETS}
    ws_path = args.workspace
    if ws_path is None:
        ws_path = work / "full.duckdb"
        full["infoops_load"] = timed([sys.executable, "-c", INGEST, str(ws_path), str(source)])
    full.update(_workspace_facts(ws_path, args.window))
    full["infoops"] = _run_ours(ws_path, args.window, available)
    return full


def _ratio(entry: dict) -> float | None:
    ours, theirs = entry["infoops"], entry["peer"]
    if ours["status"] != "ok" or theirs["status"] != "ok":
        return None
    return round(theirs["compute_s"] / max(ours["compute_s"], 1e-9), 1)


def _cell(run: dict, key: str) -> str:
    return str(run[key]) if run["status"] == "ok" else run["status"]


def _report(results: dict) -> list[str]:
    settings = results["peer_settings"]
    if not results.get("full"):
        return [f"# Near-duplicate benchmark, {results['window_s']:g} s windows", ""] + (
            _dense_report(results["dense"]) if "dense" in results else []
        )
    lines = [
        f"# Near-duplicate benchmark: IRA prefixes, {results['window_s']:g} s windows",
        "",
        f"machine: {results['machine']}",
        "",
        f"peer: {settings['function']}, Jaccard threshold {settings['similarity_threshold']}, "
        f"min_edge_weight 1, n_threads 2, on word sets; infoops: raw_pairs("
        f"{results['infoops_signal']!r}, max_object_accounts=None) at its default estimated "
        "Jaccard 0.7 of words and word pairs (pair counts are not comparable: the two tools "
        "measure different sets).",
        "",
        "| tweets (first by time) | non-retweets | candidate pairs | peer load s "
        "| peer compute s | (tokenize s / join s) | peer pairs | infoops load s "
        "| infoops compute s | infoops pairs | peer / infoops (compute) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in results["sizes"]:
        peer, ours = s["peer"], s["infoops"]
        split = f"{peer['tokenize_s']} / {peer['join_s']}" if peer["status"] == "ok" else ""
        lines.append(
            f"| {s['tweets']:,} | {s['non_retweets']:,} | {s['candidate_pairs']:,} | "
            f"{s['peer_load']['seconds']} | {_cell(peer, 'compute_s')} | {split} | "
            f"{_cell(peer, 'pairs')} | {s['infoops_load']['seconds']} | "
            f"{_cell(ours, 'compute_s')} | {_cell(ours, 'pairs')} | "
            f"{'' if s['ratio_compute'] is None else str(s['ratio_compute']) + 'x'} |"
        )
    for s in results["sizes"]:
        if "runs" in s:
            runs = s["runs"]
            lines += [
                "",
                f"{s['tweets']:,} tweets, {len(runs['peer_compute_s'])} runs of each tool in "
                f"alternation (the table shows the medians): peer {runs['peer_compute_s']} s, "
                f"infoops {runs['infoops_compute_s']} s.",
            ]
    full, fit = results["full"], results["fit"]
    lines += [
        "",
        f"Whole archive ({full['tweets']:,} tweets, {full['non_retweets']:,} non-retweets, "
        f"{full['candidate_pairs']:,} candidate pairs): infoops compute "
        f"{_cell(full['infoops'], 'compute_s')} s, {_cell(full['infoops'], 'pairs')} pairs.",
        "",
    ]
    if fit["status"] == "ok":
        if fit["measured_full_s"] is not None:
            lines += [
                f"Peer on the whole archive, MEASURED: {fit['measured_full_s']} s compute.",
                "",
            ]
        lines += [
            f"Peer on the whole archive, EXTRAPOLATED from the smaller prefixes: log-log slope "
            f"{fit['loglog_slope']} over {fit['points']} runs gives "
            f"{fit['extrapolated_full_s']:,} s ({fit['extrapolated_full_s'] / 3600:.2f} h); "
            f"scaling its {fit['per_candidate_pair_us']} us per candidate pair (at "
            f"{fit['per_pair_from_tweets']:,} tweets) to the archive's candidate pairs gives "
            f"{fit['work_model_full_s']:,} s ({fit['work_model_full_s'] / 3600:.2f} h).",
        ]
    else:
        lines.append(f"No extrapolation: {fit['status']}.")
    lines += [
        "",
        "Candidate pairs: ordered pairs of non-retweets (self-pairs included) at most the "
        "window apart, the pairs on which the peer calls its Python similarity function. "
        "Compute: seconds of the compute call alone, each tool in its own fresh process; "
        "peer compute includes its index builds and tokenising. Prefixes of the archive "
        "are denser in time as they grow (2012-2014 is sparse), so the log-log slope mixes "
        "size and density; the per-pair estimate does not.",
    ]
    if "dense" in results:
        lines += _dense_report(results["dense"])
    return lines


def _dense_report(dense: dict) -> list[str]:
    lines = [
        "",
        f"## Dense: simulated posts (second-resolution times, bursts), same settings; "
        f"seed {dense['seed']}, peer killed at {dense['timeout_s']:g} s",
        "",
        "| simulated posts | non-retweets | candidate pairs | simulate+ingest s | peer load s "
        "| peer compute s | (tokenize s / join s) | peer pairs | infoops compute s "
        "| infoops pairs | peer / infoops (compute) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in dense["sizes"]:
        peer, ours = s["peer"], s["infoops"]
        if peer["status"] == "ok":
            peer_s, split = str(peer["compute_s"]), f"{peer['tokenize_s']} / {peer['join_s']}"
            ratio = "" if s["ratio_compute"] is None else f"{s['ratio_compute']}x"
        elif peer.get("killed"):
            peer_s, split = f">= {peer['compute_at_least_s']} ({peer['status']})", ""
            ratio = f">= {s['ratio_at_least']}x" if "ratio_at_least" in s else ""
        else:
            peer_s, split, ratio = peer["status"], "", ""
        lines.append(
            f"| {s['simulated_posts']:,} | {s['non_retweets']:,} | {s['candidate_pairs']:,} | "
            f"{s['infoops_load']['seconds']} | {s['peer_load']['seconds']} | {peer_s} | {split} | "
            f"{_cell(peer, 'pairs')} | {_cell(ours, 'compute_s')} | {_cell(ours, 'pairs')} | "
            f"{ratio} |"
        )
    lines += [
        "",
        "A killed peer run is a lower bound: the timeout minus the peer's start-up; its ratio "
        "is a lower bound too. Candidate pairs as above (ordered non-retweet pairs within the "
        "window, self-pairs included).",
    ]
    return lines


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
