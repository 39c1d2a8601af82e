"""Generic JSON Lines (or JSON array) posts read through a user's ``--map``.

Mapped fields may be dotted paths into nested objects (``user.id``), so most
exports from scrapers and archives read without conversion. Records whose keys are
already the posts table's names (``account_id``, ``created_at``, ``text``...) need
no mapping: ``posts-jsonl`` reads each field from the key of its name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import MissingColumns
from ._base import Format, ReadOptions, Sniff
from ._csv_formats import MAPPABLE, MAPPING_REQUIRED
from ._json import iter_json_records
from ._records import POST_SCHEMA, Chunk, Problem, RowBuilder, excerpt
from ._sources import Source
from ._times import try_parse_time

_LISTS = ("urls", "hashtags", "mentions")
_COUNTS = ("followers", "following")


def _lookup(record: Any, path: str) -> Any:
    value = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _as_list(value: Any, field: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [part.strip() for part in value.strip("[]").split(",") if part.strip()]
    if not isinstance(value, list):
        raise ValueError(f"{field}: expected a list, got {type(value).__name__}")
    items = [
        str(v.get("text") or v.get("tag") or v) if isinstance(v, dict) else str(v) for v in value
    ]
    return [item.lower().lstrip("#@") for item in items] if field != "urls" else items


def _row(record: Any, mapping: dict[str, str], platform: str, line: int | None) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    row: dict[str, Any] = {"platform": platform, "source_line": line}
    for field, path in mapping.items():
        value = _lookup(record, path)
        if field == "created_at":
            row["created_at"] = try_parse_time(value)
            row["created_at_raw"] = None if value is None else str(value)
        elif field in _LISTS:
            row[field] = _as_list(value, field)
        elif field in _COUNTS:
            row[field] = int(value) if value not in (None, "") else None
        elif isinstance(value, bool | dict | list):  # str() would store "{'id': 1}" as text
            raise ValueError(f"{field}: expected text or a number, got {type(value).__name__}")
        else:
            row[field] = None if value is None else str(value)
    return row


def read_generic_jsonl(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    mapping = {k: v for k, v in options.mapping.items() if k != "platform"}
    unknown = set(mapping) - set(MAPPABLE)
    if unknown:
        raise MissingColumns(
            f"--map names unknown fields {sorted(unknown)}; allowed: {', '.join(MAPPABLE)}"
        )
    missing = [name for name in MAPPING_REQUIRED if name not in mapping]
    if missing:
        raise MissingColumns(
            f"--map must give {', '.join(missing)} (e.g. --map account_id=user.id)"
        )
    platform = options.platform or options.mapping.get("platform") or "generic"
    builder = RowBuilder("posts", POST_SCHEMA)
    for entry in iter_json_records(source):
        if isinstance(entry, Problem):
            yield entry
            continue
        line, location, record = entry
        try:
            chunk = builder.add(_row(record, mapping, platform, line))
        except (ValueError, TypeError, OverflowError) as exc:
            yield Problem(line=line, location=location, reason=str(exc), raw=excerpt(record))
            continue
        if chunk:
            yield chunk
    yield from builder.drain()


def _looks_like_json(sniff: Sniff) -> bool:
    return sniff.stripped[:1] in ("{", "[")


def _has_own_names(sniff: Sniff) -> bool:
    """JSON whose records already use infoops' field names (account_id, created_at...)."""
    return _looks_like_json(sniff) and set(MAPPING_REQUIRED) <= sniff.json_keys


def read_own_names_jsonl(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    """Records named as the posts table is: each field read from the key of its name."""
    own = ReadOptions(mapping={name: name for name in MAPPABLE}, platform=options.platform)
    yield from read_generic_jsonl(source, own)


OWN_NAMES_JSONL = Format(
    "posts-jsonl",
    "JSON Lines already named as infoops' posts (account_id, created_at, text...)",
    "posts",
    _has_own_names,
    read_own_names_jsonl,
)
GENERIC_JSONL = Format(
    "jsonl",
    "Generic JSON Lines with a --map field mapping",
    "posts",
    _looks_like_json,
    read_generic_jsonl,
    needs_mapping=True,
)
