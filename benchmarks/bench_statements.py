"""Speed of the statements step on 10,000 news articles.

The articles are the WMT22 test sets' source documents (uk-en, de-fr, ja-en, en-zh,
real news in four languages) with the two seed articles, each sentence of a document
on its own line; there are fewer than 10,000 of them, so the list is repeated with
new ids until it holds ``--articles`` (every copy is read and searched again: the
step keeps no cache). Times ``find_statements`` on an in-memory workspace: reading,
attribution, speakers and conflicts, in one process after imports.

    python benchmarks/bench_statements.py [--articles 10000]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, require_shared, write_results  # noqa: E402

from infoops import Workspace  # noqa: E402
from infoops.detectors.statements import find_statements  # noqa: E402

PAIRS = {"uk-en": "uk", "de-fr": "de", "ja-en": "ja", "en-zh": "en"}


def real_documents() -> list[tuple[str, str]]:
    """(text, lang) of every WMT22 source document and the seed articles."""
    folder = require_shared("translations")
    documents = []
    for pair, lang in PAIRS.items():
        with gzip.open(folder / f"wmttest2022.{pair}.all.xml.gz") as handle:
            root = ET.parse(handle).getroot()
        for doc in root.iter("doc"):
            source = doc.find("src")
            if source is None:
                continue
            lines = [seg.text or "" for seg in source.iter("seg")]
            documents.append(("\n".join(lines), lang))
    for path in sorted(require_shared("news").glob("*.txt")):
        documents.append((path.read_text(encoding="utf-8"), "en"))
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    documents = real_documents()
    with Workspace(memory=True) as ws:
        rows = [(f"a{i}", documents[i % len(documents)][0], documents[i % len(documents)][1])
                for i in range(args.articles)]  # fmt: skip
        ws.con.executemany(
            "INSERT INTO articles (article_id, text, lang, source_file, ingest_id) "
            "VALUES (?, ?, ?, 'bench', 1)",
            rows,
        )
        chars = sum(len(r[1]) for r in rows)
        start = time.perf_counter()
        counts = find_statements(ws.con)
        seconds = time.perf_counter() - start
    lines = [
        "# Statements: speed",
        "",
        f"`python benchmarks/bench_statements.py --articles {args.articles}`: "
        f"{len(documents)} distinct real documents repeated to {args.articles:,} articles "
        f"({chars / 1e6:.1f} M characters).",
        "",
        f"- find_statements: **{seconds:.1f} s** ({args.articles / seconds:,.0f} articles/s); "
        f"{counts['statements']:,} statements, {counts['conflicts']:,} conflicts.",
        "- Target (issue 24): 10,000 news articles in <= 120 s on 2 cores.",
    ]
    write_results("statements_speed", {"machine": machine(), "seconds": seconds,
                                       "articles": args.articles, **counts}, lines)  # fmt: skip


if __name__ == "__main__":
    main()
