"""How much the IRA accounts amplified state media, per Linvill & Warren category.

Run: python benchmarks/eval_ira_state_media.py [--workspace WS]
Writes benchmarks/results/ira_state_media.{json,md}.

Matches the IRA tweets against the state-media registry shipped with infoops
(links, mentions, reshares; see docs/actors.md) and reports, per account
category, the share of tweets that amplify Russian state media and any state
media, and which way (IRA links are t.co-shortened, so links cannot be
attributed offline; mentions can).
"""

from __future__ import annotations

import argparse

from _common import add_workspace_option, ira_workspace, machine, require_shared, write_results

from infoops.pipeline import run_actors

SQL = """
WITH labels AS (SELECT upper(author) AS author, account_category
                FROM read_csv('{authors}', header=true, all_varchar=true)),
posts_by AS (SELECT l.account_category, count(*) AS tweets,
                    count(DISTINCT p.account_id) AS accounts
             FROM posts p JOIN labels l ON l.author = upper(p.account_id) GROUP BY 1),
matched AS (SELECT l.account_category,
                   count(DISTINCT s.post_rowid) FILTER (s.country = 'Russia') AS russian,
                   count(DISTINCT s.post_rowid) AS any_state,
                   count(DISTINCT s.post_rowid) FILTER (s.country = 'Russia' AND via = 'link')
                       AS russian_links,
                   count(DISTINCT s.post_rowid) FILTER (s.country = 'Russia' AND via = 'mention')
                       AS russian_mentions
            FROM state_media_posts s JOIN labels l ON l.author = upper(s.account_id) GROUP BY 1)
SELECT b.account_category, b.accounts, b.tweets,
       coalesce(m.russian, 0) AS russian_state_media_tweets,
       round(coalesce(m.russian, 0) / b.tweets, 5) AS russian_share,
       coalesce(m.russian_links, 0) AS by_link, coalesce(m.russian_mentions, 0) AS by_mention,
       coalesce(m.any_state, 0) AS any_state_media_tweets,
       round(coalesce(m.any_state, 0) / b.tweets, 5) AS any_share
FROM posts_by b LEFT JOIN matched m USING (account_category)
ORDER BY b.tweets DESC
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_workspace_option(parser)
    args = parser.parse_args()
    authors = require_shared("ira/authors.csv")
    with ira_workspace(args.workspace) as ws:
        summary = run_actors(ws)
        linked = ws.sql(
            """SELECT count(*) FILTER (len(urls) > 0),
                      count(*) FILTER (len(urls) > 0 AND list_has_all(['t.co'], domains)
                                       AND len(list_distinct(domains)) = 1)
               FROM posts"""
        ).fetchall()[0]
        table = ws.sql(SQL.format(authors=authors)).to_arrow_table().to_pylist()
    results = {
        "machine": machine(),
        "matched_posts": summary["posts"],
        "matched_accounts": summary["accounts"],
        "posts_with_links": linked[0],
        "posts_with_only_tco_links": linked[1],
        "by_category": table,
    }
    write_results("ira_state_media", results, _report(results))


def _report(results: dict) -> list[str]:
    columns = list(results["by_category"][0]) if results["by_category"] else []
    lines = [
        "# State-media amplification in the IRA archive, per account category",
        "",
        f"Machine: {results['machine']}",
        "",
        f"Posts amplifying any state media: {results['matched_posts']:,} by "
        f"{results['matched_accounts']:,} accounts. Posts with links: "
        f"{results['posts_with_links']:,}, of which {results['posts_with_only_tco_links']:,} carry "
        "only t.co links (not attributable offline).",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in results["by_category"]:
        lines.append("| " + " | ".join(str(row[c]) for c in columns) + " |")
    return lines


if __name__ == "__main__":
    main()
