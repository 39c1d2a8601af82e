"""What a reader is: a named format that recognises its files and streams their rows.

Each format gets a ``Sniff`` of the file's first bytes and says whether the file
is its own; detection is by content, so a renamed file still reads. ``read``
yields ``Chunk`` batches in the staging schema (``_records.py``), ``Problem``
records for the quarantine table, and ``Restart`` when it must start over with a
slower, record-by-record path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import orjson

from ._csv import MAX_FIELD_CHARS
from ._records import Chunk, Problem
from ._sources import Source


def _csv_rows(text: str) -> Iterator[list[str]]:
    """CSV records of ``text`` with the readers' field limit, not the csv module's 128 KiB:
    a first row holding a long text must not make a CSV file look like something else."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    return csv.reader(io.StringIO(text))


@dataclass(frozen=True)
class ReadOptions:
    """Options a user passes to ingest: a column mapping and a platform name."""

    mapping: dict[str, str] = field(default_factory=dict)
    platform: str | None = None


@dataclass
class Sniff:
    """The first bytes of a file, decoded lazily in the ways formats need."""

    name: str
    head: bytes

    @cached_property
    def text(self) -> str:
        return self.head.decode("utf-8", errors="replace").lstrip("\ufeff")

    @cached_property
    def stripped(self) -> str:
        return self.text.lstrip()

    @cached_property
    def csv_header(self) -> list[str]:
        """Header cells when the file looks like CSV (a comma or tab in line one)."""
        first_line = self.text.split("\n", 1)[0]
        if self.stripped[:1] in ("{", "[", "<") or ("," not in first_line):
            return []
        try:
            return [cell.strip() for cell in next(_csv_rows(self.text), [])]
        except csv.Error:
            return []

    @cached_property
    def looks_like_csv(self) -> bool:
        """Several records with the same number (>= 2) of fields, under a short-celled header."""
        header = self.csv_header
        if len(header) < 2 or max(len(cell) for cell in header) > 100:
            return False
        body = self.text.rsplit("\n", 1)[0] if len(self.head) >= 1 << 16 else self.text
        try:
            rows = [row for _, row in zip(range(6), _csv_rows(body), strict=False) if row]
        except csv.Error:
            return False
        return all(len(row) == len(header) for row in rows)

    @cached_property
    def first_json(self) -> Any:
        """The first JSON value: line one of JSON Lines, or the start of one JSON document."""
        line = self.stripped.split("\n", 1)[0].strip()
        for candidate in (line, self.stripped):
            try:
                return orjson.loads(candidate)
            except orjson.JSONDecodeError:
                continue
        return None

    @cached_property
    def first_record_cut(self) -> bool:
        """Whether the first record may go on past these bytes: no line ends in them, or
        they open JSON whose first value is not whole in them (if they were cut at all)."""
        if "\n" not in self.stripped:
            return True
        return self.stripped[:1] in ("{", "[") and self.first_json is None

    @cached_property
    def json_keys(self) -> set[str]:
        """Top-level keys of the first JSON object; for a document, also of its first item."""
        value = self.first_json
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return set(value[0])
        if isinstance(value, dict):
            return set(value)
        # A large single document is cut off by the peek: look at its opening keys.
        keys: set[str] = set()
        for token in self.stripped[:4096].split('"')[1::2]:
            if token.isidentifier():
                keys.add(token)
        return keys if self.stripped[:1] in ("{", "[") else set()


Item = Chunk | Problem | Any  # Any: the Restart marker from _csv


@dataclass(frozen=True)
class Format:
    """A readable format: its name, the table it fills, how to recognise and read it."""

    name: str
    title: str
    table: str
    sniff: Callable[[Sniff], bool]
    read: Callable[[Source, ReadOptions], Iterator[Item]]
    needs_mapping: bool = False
