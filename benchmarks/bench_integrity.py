"""Election-integrity tagging on the IRA archive: time of the classifier and of the rules
in one run, and the tags the classifier gives on 10,000 random tweets, for review by hand.

Both methods read the same texts: those DuckDB's gate passes (election words, the words
of integrity content, and the rules that need no election word). The classifier's model
is built (or loaded) before the timing starts, as after a first run.

Writes benchmarks/results/bench_integrity.md/.json and, for the hand check,
benchmarks/results/integrity_ira_random_tagged_SEED.jsonl (every tagged tweet of the random
sample with its tags and confidence; ``verdict`` to be filled in by the reviewer).

    python benchmarks/bench_integrity.py [--workspace ira.duckdb]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import RESULTS, add_workspace_option, ira_workspace, machine, write_results  # noqa: E402,I001

from infoops.detectors.integrity._classifier import shared_classifier  # noqa: E402
from infoops.detectors.integrity._integrity import tag_election_integrity  # noqa: E402

SAMPLE = 10_000
SEED = 20161108


def timed_tagging(ws, method: str) -> dict:
    started = time.perf_counter()
    tagged = tag_election_integrity(ws.con, method=method)
    seconds = time.perf_counter() - started
    tags = dict(ws.sql("SELECT tag, count(*) FROM integrity_tags GROUP BY 1 ORDER BY 1").fetchall())
    return {"seconds": round(seconds, 1), "texts_tagged": tagged, "tags": tags}


def random_sample(ws, seed: int) -> list[dict]:
    """The classifier's tags on SAMPLE tweets drawn at random (seeded) from distinct texts."""
    keys = [k for (k,) in ws.sql("SELECT DISTINCT text_key FROM posts WHERE text_key IS NOT NULL "
                                 "ORDER BY 1").fetchall()]  # fmt: skip
    chosen = sorted(random.Random(seed).sample(keys, SAMPLE))
    rows = ws.con.execute(
        """WITH tags AS (SELECT DISTINCT text_key, tag, confidence, rule FROM integrity_tags
                         WHERE text_key IN (SELECT unnest($keys))),
                texts AS (SELECT text_key, min_by(text, rowid) AS text FROM posts
                          WHERE text_key IN (SELECT text_key FROM tags) GROUP BY 1)
           SELECT t.text_key, any_value(x.text), list(t.tag ORDER BY t.tag),
                  list(t.confidence ORDER BY t.tag), list(t.rule ORDER BY t.tag)
           FROM tags t JOIN texts x USING (text_key) GROUP BY 1 ORDER BY 1""",
        {"keys": chosen},
    ).fetchall()
    return [{"text_key": str(k), "text": x, "tags": t, "confidence": c, "rules": r,
             "verdict": None} for k, x, t, c, r in rows]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_workspace_option(parser)
    parser.add_argument("--seed", type=int, default=SEED, help="of the random sample")
    args = parser.parse_args()
    shared_classifier().probabilities(["warm up"])
    with ira_workspace(args.workspace) as ws:
        posts, texts = ws.sql("SELECT count(*), count(DISTINCT text_key) FROM posts").fetchall()[0]
        rules = timed_tagging(ws, "rules")
        model = timed_tagging(ws, "model")
        sample = random_sample(ws, args.seed)
    review = RESULTS / f"integrity_ira_random_tagged_{args.seed}.jsonl"
    with open(review, "w", encoding="utf-8") as handle:
        for row in sample:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    results = {"machine": machine(), "posts": posts, "distinct_texts": texts, "rules": rules,
               "model": model, "random_sample": SAMPLE, "seed": args.seed,
               "random_tagged": len(sample)}  # fmt: skip
    lines = [
        "# Election-integrity tagging on the IRA archive",
        "",
        f"{posts:,} tweets, {texts:,} distinct texts; both methods read the texts the gate passes.",
        "",
        "| method | seconds | texts tagged | tags |",
        "|---|---:|---:|---|",
        *(
            f"| {name} | {r['seconds']} | {r['texts_tagged']:,} | "
            + ", ".join(f"{t} {n:,}" for t, n in r["tags"].items())
            + " |"
            for name, r in (("model", model), ("rules", rules))
        ),  # fmt: skip
        "",
        f"Random sample of {SAMPLE:,} distinct tweets (seed {args.seed}): the classifier "
        f"tagged {len(sample)} ({len(sample) / SAMPLE:.2%}); they are in {review.name} for "
        "review by hand.",
        "",
        "    python benchmarks/bench_integrity.py",
    ]
    write_results("bench_integrity", results, lines)


if __name__ == "__main__":
    main()
