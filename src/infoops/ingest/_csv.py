"""Stream any CSV file as batches of string columns, each row tagged with its line.

The fast path is Arrow's streaming CSV parser. If it meets something it cannot
handle (invalid UTF-8, a record larger than a block), the reader says so with
``RESTART`` and reads the file again with Python's ``csv`` module, record by
record, so bad records are quarantined one by one and nothing else is lost.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ._records import Problem, excerpt
from ._sources import Source

LINE = "_line"
BLOCK_BYTES = 4 << 20
SLOW_BATCH_ROWS = 20_000
MAX_FIELD_CHARS = 100_000_000


class Restart:
    """Marker: discard what this source produced so far, a slower reader follows."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def read_header(source: Source) -> list[str]:
    """The header row of a CSV source (empty if the file is empty)."""
    head = source.peek(1 << 16).decode("utf-8", errors="replace").lstrip("\ufeff")
    rows = csv.reader(io.StringIO(head))
    return [name.strip() for name in next(rows, [])]


def _header_newlines(source: Source) -> int:
    """Line breaks inside quoted header names: the header then spans several lines."""
    head = source.peek(1 << 16).decode("utf-8", errors="replace").lstrip("\ufeff")
    return sum(name.count("\n") for name in next(csv.reader(io.StringIO(head)), []))


def iter_csv(source: Source) -> Iterator[pa.Table | Problem | Restart]:
    """Raw string batches (plus the ``_line`` column) and problems, for one CSV source."""
    header = read_header(source)
    if not header:
        return
    try:
        yield from _fast(source, header)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        yield Restart(str(exc).splitlines()[0])
        yield from _slow(source, header)


def _column_names(header: list[str]) -> list[str]:
    """Unique names for Arrow (a repeated header name gets a numeric suffix)."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        count = seen.get(name, 0)
        names.append(name if count == 0 else f"{name}_{count}")
        seen[name] = count + 1
    return names


def _fast(source: Source, header: list[str]) -> Iterator[pa.Table | Problem]:
    names = _column_names(header)
    invalid: deque[tuple[int, str, int]] = deque()

    def on_invalid(row) -> str:
        invalid.append((row.number, row.text, row.actual_columns))
        return "skip"

    reader = pacsv.open_csv(
        source.open(),
        read_options=pacsv.ReadOptions(
            use_threads=False,
            block_size=BLOCK_BYTES,
            column_names=names,
            skip_rows_after_names=1,  # the header record, even when a quoted name spans lines
        ),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names}, strings_can_be_null=False
        ),
    )
    position = _Position(expected=len(names), newlines=_header_newlines(source))
    with reader:
        for batch in reader:
            table = pa.Table.from_batches([batch])
            lines, problems = position.advance(_newlines(table), invalid)
            yield from problems
            table = table.append_column(LINE, pa.array(lines, pa.int64()))
            table = _drop_blank(table, names)
            if table.num_rows:
                yield table
    yield from position.advance(np.zeros(0, dtype=np.int64), invalid, final=True)[1]


class _Position:
    """Maps Arrow's record numbers to physical line numbers, counting quoted newlines."""

    def __init__(self, expected: int, newlines: int = 0) -> None:
        self.record = 2  # the header is record 1
        self.newlines = newlines  # newlines inside earlier records (and the header)
        self.expected = expected

    def _skip_invalid(self, number: int, text: str, found: int) -> Problem | None:
        line = number + self.newlines
        self.newlines += text.count("\n")
        self.record = max(self.record, number + 1)
        if not text.strip():
            return None
        reason = f"expected {self.expected} fields, found {found}"
        return Problem(line=line, reason=reason, raw=excerpt(text))

    def advance(
        self, newlines: np.ndarray, invalid: deque[tuple[int, str, int]], final: bool = False
    ) -> tuple[np.ndarray, list[Problem]]:
        lines = np.empty(len(newlines), dtype=np.int64)
        problems: list[Problem] = []
        done = 0
        while True:
            while invalid and invalid[0][0] <= self.record:
                problem = self._skip_invalid(*invalid.popleft())
                if problem:
                    problems.append(problem)
            if done == len(newlines):
                break
            limit = invalid[0][0] - self.record if invalid else len(newlines) - done
            take = min(len(newlines) - done, max(limit, 1))
            segment = newlines[done : done + take]
            before = np.cumsum(segment) - segment
            lines[done : done + take] = self.record + self.newlines + before + np.arange(take)
            self.newlines += int(segment.sum())
            self.record += take
            done += take
        if final:
            while invalid:
                problem = self._skip_invalid(*invalid.popleft())
                if problem:
                    problems.append(problem)
        return lines, problems


def _newlines(table: pa.Table) -> np.ndarray:
    """Line breaks inside each row's fields (a memchr over each column's bytes first)."""
    total = np.zeros(table.num_rows, dtype=np.int64)
    for column in table.columns:
        if any(_has_newline(chunk) for chunk in column.chunks):
            total += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
    return total


def _has_newline(chunk: pa.Array) -> bool:
    data = chunk.buffers()[2]
    return data is not None and bool((np.frombuffer(data, dtype=np.uint8) == 10).any())


def _drop_blank(table: pa.Table, names: list[str]) -> pa.Table:
    """Drop rows whose every field is empty: blank lines, not records."""
    if not names or pc.min(pc.binary_length(table.column(names[0]))).as_py() != 0:
        return table  # the first field is never empty: no blank rows
    blank = None
    for name in names:
        empty = pc.equal(table.column(name), "")
        blank = empty if blank is None else pc.and_(blank, empty)
    return table if blank is None else table.filter(pc.invert(blank))


def _slow(source: Source, header: list[str]) -> Iterator[pa.Table | Problem]:
    names = _column_names(header)
    csv.field_size_limit(MAX_FIELD_CHARS)
    with source.open() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        rows = csv.reader(text)
        columns: list[list[str]] = [[] for _ in names]
        lines: list[int] = []
        last_line = 0
        lone_cr = 0  # a lone \r inside a quoted value ends a line for csv, not for the fast path
        first = True
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except csv.Error as exc:
                yield Problem(line=last_line + 1 - lone_cr, reason=f"malformed CSV record: {exc}")
                last_line = rows.line_num
                continue
            start, last_line = last_line + 1 - lone_cr, rows.line_num
            lone_cr += sum(field.count("\r") - field.count("\r\n") for field in row)
            if first:
                first = False
                continue
            if not any(field.strip() for field in row):
                continue
            if len(row) != len(names):
                reason = f"expected {len(names)} fields, found {len(row)}"
                yield Problem(line=start, reason=reason, raw=excerpt(",".join(row)))
                continue
            for column, value in zip(columns, row, strict=True):
                column.append(value.replace("\x00", ""))
            lines.append(start)
            if len(lines) >= SLOW_BATCH_ROWS:
                yield _table(names, columns, lines)
                columns, lines = [[] for _ in names], []
        if lines:
            yield _table(names, columns, lines)


def _table(names: list[str], columns: list[list[str]], lines: list[int]) -> pa.Table:
    arrays = [pa.array(column, pa.string()) for column in columns]
    return pa.table(arrays + [pa.array(lines, pa.int64())], names=[*names, LINE])
