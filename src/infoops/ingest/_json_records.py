"""What the social-media JSON readers share: field helpers, times and record streams.

A record that is valid JSON but not the shape its format documents raises
``RecordError`` naming the field; ``read_records`` turns it into a ``Problem`` so that it
never stops the file. The platform readers are ``_twitter`` (API v1.1 and v2),
``_telegram``, ``_bluesky`` and ``_mastodon``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

import orjson

from ._json import iter_json_items, iter_json_lines, looks_like_json_lines, peek_json
from ._records import POST_SCHEMA, Chunk, Problem, RowBuilder, excerpt
from ._sources import Source
from ._times import parse_epoch

Row = dict[str, Any]
# (line, location, value, context): one JSON value to convert, and where it came from.
Entry = tuple[int | None, str, Any, Any]
Converter = Callable[[Any, Any, int | None, str], Iterator["Row | Problem"]]

_INT64 = 1 << 63
# How many ids a reader remembers to attribute replies (Telegram, Mastodon).
REPLY_MEMORY = 200_000
_EXPECTED = (TypeError, KeyError, ValueError, AttributeError, IndexError)


class RecordError(ValueError):
    """A record is JSON but not the shape its format documents; the message names the field."""


# --------------------------------------------------------------------------- field helpers


def json_kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def json_obj(record: dict, key: str, path: str = "", required: bool = False) -> dict | None:
    """``record[key]`` as an object; missing/null is ``None`` (or an error when required)."""
    value = record.get(key)
    if value is None:
        if required:
            raise RecordError(f"missing {path}{key}")
        return None
    if not isinstance(value, dict):
        raise RecordError(f"{path}{key}: expected an object, got {json_kind(value)}")
    return value


def json_objects(record: dict | None, key: str, path: str = "") -> list[dict]:
    """``record[key]`` as a list of objects; missing/null is an empty list."""
    if record is None:
        return []
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{path}{key}: expected a list, got {json_kind(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise RecordError(f"{path}{key}[{index}]: expected an object, got {json_kind(item)}")
    return value


def json_str(record: dict | None, key: str, path: str = "", required: bool = False) -> str | None:
    """``record[key]`` as text; numbers are accepted (ids), other types are an error."""
    value = None if record is None else record.get(key)
    if isinstance(value, bool):
        raise RecordError(f"{path}{key}: expected a string, got boolean")
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    if value is not None and not isinstance(value, str):
        raise RecordError(f"{path}{key}: expected a string, got {json_kind(value)}")
    if required and (value is None or not value.strip()):
        raise RecordError(f"missing {path}{key}")
    return value


def json_int(value: Any) -> int | None:
    """A count; not a whole number in int64 range is unknown (counts never reject a post)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, int) and -_INT64 <= value < _INT64:
        return value
    return None


def json_handles(values: Iterable[Any]) -> list[str]:
    """Hashtags or handles: lower-cased, without ``#``/``@``, de-duplicated in order."""
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str):
            cleaned = value.strip().lstrip("#@\uff03\uff20").lower()
            if cleaned:
                seen.setdefault(cleaned, None)
    return list(seen)


def json_links(values: Iterable[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str) and value.strip():
            seen.setdefault(value.strip(), None)
    return list(seen)


def merge_lists(first: list[str] | None, second: list[str] | None) -> list[str] | None:
    if first is None and second is None:
        return None
    return list(dict.fromkeys([*(first or []), *(second or [])]))


def post_type_of(reshare: Any, quote: Any, reply: Any) -> str:
    if reshare:
        return "reshare"
    if quote:
        return "quote"
    if reply:
        return "reply"
    return "post"


def make_row(**values: Any) -> Row:
    row: Row = dict.fromkeys(POST_SCHEMA.names)
    row.update(values)
    return row


# --------------------------------------------------------------------------- times (layouts in ``_times``)


def json_time(value: Any, field: str, parse: Callable[[str], datetime]) -> tuple[datetime, str]:
    """``(naive UTC time, original text)`` of a required timestamp field."""
    if isinstance(value, int | float) and not isinstance(value, bool) and parse is parse_epoch:
        value = str(int(value)) if float(value).is_integer() else str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RecordError(f"missing {field}")
    if not isinstance(value, str):
        raise RecordError(f"{field}: expected a string, got {json_kind(value)}")
    try:
        return parse(value), value
    except (ValueError, KeyError, OverflowError, OSError):
        raise RecordError(f"{field}: cannot parse {value[:80]!r}") from None


def json_maybe_time(value: Any, parse: Callable[[str], datetime]) -> datetime | None:
    """An optional timestamp (an account's creation): unparseable is unknown, not an error."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse(value)
    except (ValueError, KeyError, OverflowError, OSError):
        return None


# --------------------------------------------------------------------------- record streams


def _raw(value: Any) -> str:
    try:
        return excerpt(orjson.dumps(value))
    except TypeError:
        return excerpt(value)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RecordError):
        return str(exc)
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}" if exc.args else "missing field"
    return f"unexpected value ({type(exc).__name__}: {exc})"


def guarded(
    convert: Converter, value: Any, context: Any, line: int | None, location: str
) -> Iterator[Row | Problem]:
    """Rows of one record; a structural fault becomes one ``Problem`` naming the field."""
    try:
        yield from convert(value, context, line, location)
    except _EXPECTED as exc:
        yield Problem(line=line, location=location, reason=_reason(exc), raw=_raw(value))


def _convert(
    convert: Converter, value: Any, context: Any, line: int | None, location: str
) -> Iterator[Row | Problem]:
    """Like ``guarded``, but a list (a page of records on one line) is read item by item."""
    if isinstance(value, list):
        for index, item in enumerate(value, start=1):
            yield from guarded(convert, item, context, line, f"{location}[{index}]")
    else:
        yield from guarded(convert, value, context, line, location)


def read_records(
    entries: Iterable[Entry | Problem], convert: Converter
) -> Iterator[Chunk | Problem]:
    builder = RowBuilder("posts", POST_SCHEMA)
    for entry in entries:
        if isinstance(entry, Problem):
            yield entry
            continue
        line, location, value, context = entry
        for item in _convert(convert, value, context, line, location):
            if isinstance(item, Problem):
                yield item
            else:
                chunk = builder.add(item)
                if chunk is not None:
                    yield chunk
    yield from builder.drain()


def iter_records(source: Source, document_keys: tuple[str, ...] = ()) -> Iterator[Entry | Problem]:
    """Records of JSON Lines, a JSON array, or one JSON document.

    A file with whole JSON values on its lines is read as JSON Lines. Otherwise a
    file opening with ``[`` is streamed item by item; a file opening with ``{``
    is streamed by the first of ``document_keys`` it holds (``feed`` ->
    ``feed.item``), or read as one record.
    """
    head, cut = peek_json(source)
    if not head or looks_like_json_lines(head, cut):
        for entry in iter_json_lines(source):
            if isinstance(entry, Problem):
                yield entry
            else:
                yield entry[0], f"line {entry[0]}", entry[1], None
        return
    prefix = ""
    if head.startswith("["):
        prefix = "item"
    else:
        found = [
            (match.start(), key)
            for key in document_keys
            if (match := re.search(rf'"{re.escape(key)}"\s*:\s*\[', head))
        ]
        if found:
            prefix = f"{min(found)[1]}.item"
    for entry in iter_json_items(source, prefix):
        if isinstance(entry, Problem):
            yield entry
        else:
            yield None, entry[0] if prefix else "document", entry[1], None
