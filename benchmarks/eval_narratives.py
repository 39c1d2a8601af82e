"""Narratives on the IRA archive: size, unassigned share, coherence, personas, lift, speed.

Parameters were chosen on one half of the IRA accounts (``--half tune``: accounts split
by a seeded hash); ``--half held`` gives the figures on the other half, ``--half all``
on the whole archive. Each run finds narratives twice and checks both runs agree.

Figures (the targets of issue 23): largest narrative's share of the clustered tweets;
unassigned share (of the tweets long enough to cluster, and of all tweets); mean NPMI
of the key terms of English narratives, computed over English texts; topic diversity
(unique words among all narratives' key terms); per Linvill & Warren account category
its three largest narratives; share of narratives with >= 100 tweets drawing >= 70% of
them from one category; the categories with the highest lift per large narrative.

    python benchmarks/eval_narratives.py --workspace ira.duckdb --half tune
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import add_workspace_option, ira_workspace, machine, require_shared, write_results  # noqa: E402,I001

from infoops import Workspace
from infoops.detectors.narratives import NarrativeConfig, find_narratives, narrative_lift

SEED = 7
HALF = {"tune": 0, "held": 1}
CATEGORY = """CREATE OR REPLACE TEMP TABLE category AS
    SELECT upper(author) AS account_id, account_category AS group_id
    FROM read_csv('{authors}', header=true, all_varchar=true)"""
TOP_PER_CATEGORY = """
WITH counts AS (
    SELECT c.group_id AS category, n.narrative, count(*) AS tweets
    FROM text_narratives n JOIN posts p USING (text_key)
    JOIN category c ON c.account_id = upper(p.account_id) GROUP BY ALL),
totals AS (SELECT c.group_id AS category, count(*) AS all_tweets FROM posts p
           JOIN category c ON c.account_id = upper(p.account_id) GROUP BY 1),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY category ORDER BY tweets DESC, narrative) AS r
    FROM counts)
SELECT r.category, r.narrative, r.tweets, round(100 * r.tweets / t.all_tweets, 1), n.label,
       n.key_terms
FROM ranked r JOIN totals t USING (category) JOIN narrative_terms n USING (narrative)
WHERE r <= 3 ORDER BY category, r"""
PURITY = """
WITH counts AS (
    SELECT n.narrative, c.group_id, count(*) AS tweets
    FROM text_narratives n JOIN posts p USING (text_key)
    JOIN category c ON c.account_id = upper(p.account_id) GROUP BY ALL),
per AS (SELECT narrative, sum(tweets) AS tweets, max(tweets) / sum(tweets) AS top_share
        FROM counts GROUP BY 1)
SELECT count(*) FILTER (tweets >= 100),
       count(*) FILTER (tweets >= 100 AND top_share >= 0.7) FROM per"""


def half_workspace(full: Workspace, which: int, folder: Path) -> Workspace:
    """A workspace holding the posts of one half of the accounts (seeded hash split)."""
    path = folder / f"half{which}.duckdb"
    Workspace(path).close()
    full.con.execute(f"ATTACH '{path}' AS half")
    full.con.execute(
        f"""INSERT INTO half.posts SELECT * FROM posts
            WHERE hash(upper(account_id) || ':{SEED}') % 2 = {which}"""
    )
    full.con.execute("DETACH half")
    return Workspace(path)


def run_twice(ws: Workspace, config: NarrativeConfig, runs: int = 2) -> dict:
    """Find narratives twice; seconds of each, the load, and whether both agree."""
    seconds, tables = [], []
    for _ in range(runs):
        started = time.perf_counter()
        find_narratives(ws.con, config)
        seconds.append(round(time.perf_counter() - started, 1))
        tables.append((
            ws.sql("SELECT * FROM text_narratives ORDER BY text_key").fetchall(),
            ws.sql("SELECT * FROM narrative_terms ORDER BY narrative").fetchall(),
        ))  # fmt: skip
    return {"seconds": seconds, "load": [round(x, 2) for x in os.getloadavg()],
            "identical": all(t == tables[0] for t in tables)}  # fmt: skip


def figures(ws: Workspace, authors: Path) -> dict:
    """The done-when figures of issue 23 on the narratives of ``ws``."""
    one = lambda sql: ws.sql(sql).fetchall()[0]  # noqa: E731
    ws.con.execute(CATEGORY.format(authors=authors))
    posts, long_posts = one(
        """SELECT count(*), count(*) FILTER (len(regexp_extract_all(lower(coalesce(text, '')),
                  '[^\\W\\d_][^\\W_]*')) >= 4) FROM posts"""
    )
    clustered, largest = one(
        """SELECT sum(n), max(n) FROM (SELECT narrative, count(*) AS n FROM text_narratives
           JOIN posts USING (text_key) GROUP BY 1)"""
    )
    count, npmi_en, npmi_all = one(
        """SELECT count(*), avg(npmi) FILTER (language = 'en'), avg(npmi) FROM narrative_terms"""
    )
    terms = [t for (k,) in ws.sql("SELECT key_terms FROM narrative_terms").fetchall()
             for t in k.split(", ")]  # fmt: skip
    large, pure = one(PURITY)
    top = ws.sql(TOP_PER_CATEGORY).fetchall()
    largest_of = {c: n for c, n, *_ in top if c in ("LeftTroll", "RightTroll")}
    lift = narrative_lift(
        ws.con,
        """SELECT p.account_id, c.group_id
        FROM (SELECT DISTINCT account_id FROM posts) p
        JOIN category c ON c.account_id = upper(p.account_id)""",
        min_posts=30,
    )
    return {
        "posts": posts, "long_posts": long_posts, "clustered": clustered, "narratives": count,
        "largest_share": round(largest / clustered, 4),
        "unassigned_of_long": round(1 - clustered / long_posts, 3),
        "unassigned_of_all": round(1 - clustered / posts, 3),
        "npmi_en": round(npmi_en, 3), "npmi_all": round(npmi_all, 3),
        "diversity": round(len(set(terms)) / len(terms), 3),
        "large": large, "pure": pure, "pure_share": round(pure / max(large, 1), 3),
        "left_right_differ": largest_of.get("LeftTroll") != largest_of.get("RightTroll"),
        "top_per_category": top,
        "labels": ws.sql("""SELECT t.narrative, t.label, t.language, t.key_terms, count(*)
                            FROM narrative_terms t JOIN text_narratives USING (narrative)
                            GROUP BY ALL ORDER BY 1 LIMIT 30""").fetchall(),
        "lift": [r for r in lift if r[0] <= 15 and r[4] >= 1.5],
    }  # fmt: skip


def report(half: str, run: dict, f: dict) -> list[str]:
    return [
        f"# Narratives on the IRA archive ({half} half of the accounts)" if half != "all"
        else "# Narratives on the IRA archive (all accounts)", "",
        f"{f['posts']:,} tweets, {f['long_posts']:,} with 4+ words. Two runs: {run['seconds']} s "
        f"(load {run['load']}, 2 cores shared), identical: {run['identical']}.", "",
        "| figure | value | target |", "|---|---:|---:|",
        f"| narratives | {f['narratives']} | |",
        f"| largest narrative, share of clustered tweets | {f['largest_share']:.1%} | <= 5% |",
        f"| unassigned, of tweets with 4+ words | {f['unassigned_of_long']:.1%} | reported |",
        f"| unassigned, of all tweets | {f['unassigned_of_all']:.1%} | reported |",
        f"| mean NPMI of key terms, English narratives (over English texts) | {f['npmi_en']} "
        "| >= 0.10 |",
        f"| mean NPMI, all narratives (each over its language's texts) | {f['npmi_all']} | |",
        f"| topic diversity | {f['diversity']} | >= 0.7 |",
        f"| narratives with >= 100 tweets drawing >= 70% from one category | {f['pure']} of "
        f"{f['large']} ({f['pure_share']:.0%}) | >= 60% |",
        f"| LeftTroll's and RightTroll's largest narratives differ | {f['left_right_differ']} "
        "| yes |", "",
        "## Largest narratives per account category (share of the category's tweets)", "",
        "| category | narrative | tweets | % | label | key terms |", "|---|---:|---:|---:|---|---|",
        *[f"| {c} | {n} | {t:,} | {p} | {lab} | {k} |" for c, n, t, p, lab, k in
          f["top_per_category"]], "",
        "## The 30 largest narratives", "",
        "| narrative | label | language | key terms | tweets |", "|---:|---|---|---|---:|",
        *[f"| {n} | {lab} | {g} | {k} | {t:,} |" for n, lab, g, k, t in f["labels"]], "",
        "## Categories pushing the 15 largest narratives (lift >= 1.5, 30+ tweets)", "",
        "| narrative | category | tweets | share of narrative | lift |", "|---:|---|---:|---:|---:|",
        *[f"| {n} | {g} | {p:,} | {s:.0%} | {lift} |" for n, g, p, s, lift in f["lift"]],
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_workspace_option(parser)
    parser.add_argument("--half", choices=["tune", "held", "all"], default="held")
    parser.add_argument("--runs", type=int, default=2, help="runs compared for identity")
    parser.add_argument("--set", nargs="*", default=[], help="NarrativeConfig field=value")
    args = parser.parse_args()
    config = NarrativeConfig(**{k: float(v) if "." in v else int(v)
                                for k, v in (s.split("=") for s in args.set)})  # fmt: skip
    authors = require_shared("ira/authors.csv")
    with ira_workspace(args.workspace) as full, tempfile.TemporaryDirectory() as tmp:
        ws = full if args.half == "all" else half_workspace(full, HALF[args.half], Path(tmp))
        run = run_twice(ws, config, args.runs)
        found = figures(ws, authors)
    results = {"machine": machine(), "half": args.half, "config": args.set, "run": run} | found
    name = f"eval_narratives_{args.half}" + "".join(f"_{s}".replace("=", "") for s in args.set)
    write_results(name, results, report(args.half, run, found))


if __name__ == "__main__":
    main()
