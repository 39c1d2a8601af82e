"""Narratives, known claims and election-integrity tags on the whole IRA archive.

Times each step on the 1.3M IRA tweets, reports the narratives' coherence
(cohesion: mean cosine of a narrative's texts to its centre; NPMI of its key
terms over all texts) and, per Linvill & Warren account category, the largest
narratives; then how many tweets match a known false claim (leads: see
``eval_ira_claims.py`` for how many state it) or carry an
election-integrity tag, per category.

    python benchmarks/eval_ira_content.py [--workspace ira.duckdb]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import add_workspace_option, ira_workspace, machine, require_shared, write_results  # noqa: E402,I001

from infoops.detectors.narratives import find_narratives
from infoops.detectors.claims import match_claims
from infoops.detectors.integrity import tag_election_integrity

CATEGORY = """CREATE OR REPLACE TEMP TABLE category AS
    SELECT upper(author) AS account_id, account_category
    FROM read_csv('{authors}', header=true, all_varchar=true)"""
TOP_PER_CATEGORY = """
WITH counts AS (
    SELECT c.account_category, n.narrative, count(*) AS tweets
    FROM text_narratives n JOIN posts p USING (text_key)
    JOIN category c ON c.account_id = upper(p.account_id) GROUP BY ALL),
ranked AS (
    SELECT *, tweets / sum(tweets) OVER (PARTITION BY account_category) AS share,
           row_number() OVER (PARTITION BY account_category ORDER BY tweets DESC, narrative) AS r
    FROM counts)
SELECT r.account_category, r.narrative, r.tweets, round(100 * r.share, 1) AS pct, t.key_terms
FROM ranked r JOIN narrative_terms t USING (narrative) WHERE r <= 3
ORDER BY account_category, r"""
PER_CATEGORY = """
SELECT c.account_category, count(*) AS tweets,
       count(*) FILTER (p.text_key IN (SELECT text_key FROM claim_matches
                                       WHERE status = 'match')) AS claim_match,
       count(*) FILTER (p.text_key IN (SELECT text_key FROM claim_matches)) AS claim_any,
       count(*) FILTER (p.text_key IN (SELECT text_key FROM integrity_tags)) AS integrity,
       count(*) FILTER (p.text_key IN (SELECT text_key FROM integrity_tags
                                       WHERE tag = 'fraud')) AS fraud
FROM posts p JOIN category c ON c.account_id = upper(p.account_id)
GROUP BY 1 ORDER BY tweets DESC"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_workspace_option(parser)
    args = parser.parse_args()
    authors = require_shared("ira/authors.csv")
    results: dict = {"machine": machine(), "seconds": {}}
    with ira_workspace(args.workspace) as ws:
        posts = ws.sql("SELECT count(*) FROM posts").fetchall()[0][0]
        for name, step in (("integrity", tag_election_integrity), ("claims", match_claims),
                           ("narratives", find_narratives)):  # fmt: skip
            started = time.perf_counter()
            step(ws.con)
            results["seconds"][name] = round(time.perf_counter() - started, 1)
            print(name, results["seconds"][name], "s", flush=True)
        ws.con.execute(CATEGORY.format(authors=authors))
        summary = ws.sql(
            """SELECT count(*), round(avg(cohesion), 3), round(avg(npmi), 3),
                      round(median(npmi), 3) FROM narrative_terms"""
        ).fetchall()[0]
        covered = ws.sql(
            "SELECT count(*) FROM posts JOIN text_narratives USING (text_key)"
        ).fetchall()[0][0]
        top = ws.sql(TOP_PER_CATEGORY).fetchall()
        per_category = ws.sql(PER_CATEGORY).fetchall()
        examples = ws.sql(
            """SELECT k.claim, count(*) AS tweets FROM claim_matches m
               JOIN posts p USING (text_key) JOIN claim_catalogue k USING (claim_id)
               WHERE m.status = 'match' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 8"""
        ).fetchall()
    results |= {"posts": posts, "narratives": summary[0], "mean_cohesion": summary[1],
                "mean_npmi": summary[2], "median_npmi": summary[3], "posts_in_narratives": covered,
                "top_per_category": top, "per_category": per_category, "top_claims": examples}  # fmt: skip
    seconds = results["seconds"]
    lines = [
        "# Narratives, known claims and election-integrity tags on the IRA archive", "",
        f"{posts:,} tweets. Seconds: integrity tags {seconds['integrity']}, claim matching "
        f"{seconds['claims']}, narratives {seconds['narratives']} (2 cores).", "",
        f"{summary[0]} narratives cover {covered:,} tweets ({100 * covered / posts:.0f}%); mean "
        f"cohesion {summary[1]}, NPMI mean {summary[2]} / median {summary[3]} (NPMI is "
        "monolingual: terms of different languages rarely share a tweet).", "",
        "## Largest narratives per account category", "",
        "| category | narrative | tweets | % of category's tweets in narratives | key terms |",
        "|---|---:|---:|---:|---|",
        *[f"| {c} | {n} | {t:,} | {p} | {k} |" for c, n, t, p, k in top], "",
        "## Known claims and integrity tags per category", "",
        "| category | tweets | claim match | claim match or suggested | integrity tag | fraud |",
        "|---|---:|---:|---:|---:|---:|",
        *[f"| {c} | {t:,} | {m:,} | {a:,} | {i:,} | {f:,} |" for c, t, m, a, i, f in per_category],
        "", "## Claims most often matched (status match)", "",
        "| claim | tweets |", "|---|---:|", *[f"| {c} | {t:,} |" for c, t in examples],
    ]  # fmt: skip
    write_results("eval_ira_content", results, lines)


if __name__ == "__main__":
    main()
