"""Stream JSON records: JSON Lines line by line, or the items of one large document.

Malformed JSON never stops a file: a bad line becomes a ``Problem`` naming its
line, and the next line is read. Large documents (a Telegram export, a JSON
array of posts) are streamed with ijson, so memory does not grow with the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ijson
import orjson

from ._records import Problem, excerpt
from ._sources import Source


def iter_json_lines(source: Source) -> Iterator[tuple[int, Any] | Problem]:
    """``(line number, value)`` per non-blank line of a JSON Lines source."""
    with source.open() as stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                yield number, orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                yield Problem(line=number, reason=f"invalid JSON: {exc}", raw=excerpt(raw))


def iter_json_items(source: Source, prefix: str) -> Iterator[tuple[str, Any] | Problem]:
    """``(location, item)`` for each item under ``prefix`` (ijson syntax, e.g. ``messages.item``).

    A syntax error ends the document: what was read stays, and one problem
    names the item where reading stopped.
    """
    count = 0
    with source.open() as stream:
        try:
            for count, item in enumerate(ijson.items(stream, prefix, use_float=True), start=1):
                yield f"{prefix.replace('.item', '')}[{count}]", item
        except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError) as exc:
            where = f"after {prefix.replace('.item', '')}[{count}]"
            yield Problem(line=None, location=where, reason=f"invalid JSON: {exc}")


def iter_json_records(
    source: Source, array_prefix: str = "item"
) -> Iterator[tuple[int | None, str, Any] | Problem]:
    """Records of a file that is either JSON Lines or one JSON array: ``(line, location, value)``."""
    with source.open() as stream:
        head = stream.read(4096).lstrip()
    if head.startswith(b"["):
        for entry in iter_json_items(source, array_prefix):
            yield entry if isinstance(entry, Problem) else (None, entry[0], entry[1])
        return
    for entry in iter_json_lines(source):
        yield entry if isinstance(entry, Problem) else (entry[0], f"line {entry[0]}", entry[1])
