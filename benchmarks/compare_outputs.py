"""Compare two output folders of ``infoops run``: every file byte for byte, and every
workspace table row for row. For refactors that must not change results.

    python benchmarks/compare_outputs.py before/ after/ [--out results/compare.md]

Exit code 0 when everything matches except what is expected to differ between any two
runs (wall-clock times of ``ingest_log`` and the date line of the briefing, listed as
such); 1 otherwise. The workspaces are opened read-only.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import duckdb

# Columns that hold wall-clock times, which differ between any two runs.
VOLATILE_COLUMNS = {"ingest_log": {"started_at", "finished_at", "source_file", "options"}}
# Lines of text outputs that carry the moment of writing or the output folder.
VOLATILE_LINES = re.compile(
    rb"(Generated|generated|written|Written) .*\d{4}-\d\d-\d\d|/before|/after"
)


def digest(path: Path, ignore_volatile: bool = False) -> str:
    data = path.read_bytes()
    if ignore_volatile:
        data = b"\n".join(line for line in data.split(b"\n") if not VOLATILE_LINES.search(line))
    return hashlib.sha256(data).hexdigest()


def compare_files(before: Path, after: Path) -> list[tuple[str, str]]:
    names = sorted({p.relative_to(before) for p in before.rglob("*") if p.is_file()}
                   | {p.relative_to(after) for p in after.rglob("*") if p.is_file()})  # fmt: skip
    rows = []
    for name in names:
        if name.suffix in (".duckdb", ".wal") or name.name.endswith(".events"):
            continue
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            rows.append((str(name), "only in " + ("after" if b.exists() else "before")))
        elif digest(a) == digest(b):
            rows.append((str(name), "identical"))
        elif digest(a, True) == digest(b, True):
            rows.append((str(name), "identical but for the time or folder it was written"))
        else:
            rows.append((str(name), "DIFFERENT"))
    return rows


def compare_tables(before: Path, after: Path) -> list[tuple[str, str]]:
    con = duckdb.connect()
    con.execute(f"ATTACH '{before}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{after}' AS b (READ_ONLY)")
    listed = "SELECT table_name FROM duckdb_tables() WHERE database_name = ?"
    tables_a = {r[0] for r in con.execute(listed, ["a"]).fetchall()}
    tables_b = {r[0] for r in con.execute(listed, ["b"]).fetchall()}
    rows = []
    for table in sorted(tables_a | tables_b):
        if table == "infoops_meta":
            continue
        if table not in tables_a or table not in tables_b:
            rows.append((table, "only in " + ("after" if table in tables_b else "before")))
            continue
        columns = [r[0] for r in con.execute(f"DESCRIBE a.{table}").fetchall()]
        kept = [c for c in columns if c not in VOLATILE_COLUMNS.get(table, set())]
        cols = ", ".join(f'"{c}"' for c in kept)
        differ = con.execute(
            f"""SELECT (SELECT count(*) FROM (SELECT {cols} FROM a.{table} EXCEPT ALL
                                               SELECT {cols} FROM b.{table})),
                       (SELECT count(*) FROM (SELECT {cols} FROM b.{table} EXCEPT ALL
                                               SELECT {cols} FROM a.{table})),
                       (SELECT count(*) FROM a.{table})"""
        ).fetchone()
        state = "identical rows" if differ[:2] == (0, 0) else f"DIFFERENT ({differ[0]}/{differ[1]})"
        rows.append((table, f"{state}, {differ[2]:,} rows"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--out", type=Path, help="Append the comparison to this Markdown file.")
    args = parser.parse_args()
    files = compare_files(args.before, args.after)
    tables = compare_tables(args.before / "workspace.duckdb", args.after / "workspace.duckdb")
    lines = [f"## {args.before} against {args.after}", "", "| file | result |", "|---|---|"]
    lines += [f"| {name} | {state} |" for name, state in files]
    lines += ["", "| workspace table | result |", "|---|---|"]
    lines += [f"| {name} | {state} |" for name, state in tables]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    failed = any("DIFFERENT" in s or "only in" in s for _, s in files + tables)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
