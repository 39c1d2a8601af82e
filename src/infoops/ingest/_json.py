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

PEEK = 1 << 16


def _is_whole_json(line: str) -> bool:
    if line[:1] not in ("{", "[") or len(line) < 2:
        return False
    try:
        return isinstance(orjson.loads(line), dict | list)
    except orjson.JSONDecodeError:
        return False


def looks_like_json_lines(head: str, cut: bool = False) -> bool:
    """Whether at least half of the first lines are whole JSON objects or arrays on their own.

    Not just line one, so that a JSON Lines file whose first line is broken is
    still read line by line; but a document with one item per line (``[``,
    ``{...},``, ``{...}``, ``]``) holds a whole value on a line or two only. A
    ``cut`` head ends inside a line; when no line ends inside it at all, a line
    opening an object is taken as JSON Lines (twarc2 pages are often that long).
    """
    lines = head.split("\n")[:51]
    if cut or len(lines) > 50:
        lines = lines[:-1]
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        return head.startswith("{")
    whole = sum(map(_is_whole_json, lines))
    return whole > 0 and 2 * whole >= len(lines)


def peek_json(source: Source) -> tuple[str, bool]:
    """The decoded start of ``source`` (BOM and blank space dropped), and whether it was cut."""
    peeked = source.peek(PEEK)
    head = peeked.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return head, len(peeked) == PEEK and not peeked.endswith(b"\n")


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
    head, cut = peek_json(source)
    # One array is a document, even on one line; lines of whole values are JSON Lines.
    if head.startswith("[") and not ("\n" in head.rstrip() and looks_like_json_lines(head, cut)):
        for entry in iter_json_items(source, array_prefix):
            yield entry if isinstance(entry, Problem) else (None, entry[0], entry[1])
        return
    for entry in iter_json_lines(source):
        yield entry if isinstance(entry, Problem) else (entry[0], f"line {entry[0]}", entry[1])
