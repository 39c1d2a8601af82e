"""The staging schema every reader produces, and a builder for row-wise readers.

Readers turn a file into Arrow batches of this schema plus ``Problem`` records;
columns a format does not know stay null. ``urls``, ``hashtags`` and
``mentions`` left null are derived from the text later, so one extraction rule
serves every format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

_STR = pa.string()
_LIST = pa.list_(pa.string())
_TS = pa.timestamp("us")

POST_SCHEMA = pa.schema(
    [
        ("platform", _STR),
        ("post_id", _STR),
        ("account_id", _STR),
        ("account_name", _STR),
        ("created_at", _TS),
        ("created_at_raw", _STR),
        ("text", _STR),
        ("lang", _STR),
        ("post_type", _STR),
        ("reshare_of_post", _STR),
        ("reshare_of_account", _STR),
        ("reply_to", _STR),
        ("reply_to_account", _STR),
        ("quote_of", _STR),
        ("urls", _LIST),
        ("hashtags", _LIST),
        ("mentions", _LIST),
        ("media_hashes", _LIST),
        ("account_display_name", _STR),
        ("account_created_at", _TS),
        ("followers", pa.int64()),
        ("following", pa.int64()),
        ("posts_count", pa.int64()),
        ("account_description", _STR),
        ("account_location", _STR),
        ("source_line", pa.int64()),
    ]
)

ARTICLE_SCHEMA = pa.schema(
    [
        ("url", _STR),
        ("title", _STR),
        ("text", _STR),
        ("published_at", _TS),
        ("published_at_raw", _STR),
        ("author", _STR),
        ("lang", _STR),
        ("source_line", pa.int64()),
    ]
)


@dataclass(frozen=True)
class Problem:
    """A record that could not be used: it goes to the quarantine table."""

    line: int | None
    reason: str
    raw: str = ""
    location: str | None = None

    def where(self) -> str:
        return self.location or (f"line {self.line}" if self.line is not None else "file")


@dataclass(frozen=True)
class Chunk:
    """A batch of rows for one table (``posts`` or ``articles``).

    ``transform``, when given, prepares ``data`` on a worker thread with the row
    checks, so the reading thread only parses. ``projection``, when given, is a
    SELECT over the view ``raw`` (the transformed data) giving the staging schema:
    it runs inside the row-check query, so the rows cross into DuckDB only once.
    """

    table: str
    data: pa.Table
    transform: Callable[[pa.Table], pa.Table] | None = None
    projection: str | None = None

    def staged(self) -> pa.Table:
        return self.transform(self.data) if self.transform else self.data


def excerpt(raw: Any, limit: int = 500) -> str:
    """A bounded, printable slice of a bad record for the quarantine table."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    text = raw if isinstance(raw, str) else repr(raw)
    return text if len(text) <= limit else text[:limit] + f"... [{len(text):,} chars]"


def utc_naive(moment: datetime) -> datetime:
    """Convert an aware datetime to naive UTC; a naive one is taken as UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


class RowBuilder:
    """Collect dict rows and emit them as Arrow tables of a fixed schema."""

    def __init__(self, table: str, schema: pa.Schema, batch_rows: int = 20_000) -> None:
        self.table = table
        self.schema = schema
        self.batch_rows = batch_rows
        self.rows: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> Chunk | None:
        self.rows.append(row)
        return self.flush() if len(self.rows) >= self.batch_rows else None

    def flush(self) -> Chunk | None:
        if not self.rows:
            return None
        data = pa.Table.from_pylist(self.rows, schema=self.schema)
        self.rows = []
        return Chunk(self.table, data)

    def drain(self) -> Iterator[Chunk]:
        chunk = self.flush()
        if chunk is not None:
            yield chunk
