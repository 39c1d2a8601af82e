"""News articles: JSON Lines records, HTML pages (main text extracted), plain text.

A plain-text article's first non-blank line is its title. An HTML page's main
text, title, date and author come from trafilatura, which runs offline.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._base import Format, ReadOptions, Sniff
from ._json import iter_json_records
from ._records import ARTICLE_SCHEMA, Chunk, Problem, RowBuilder, excerpt
from ._sources import Source
from ._times import try_parse_time

MAX_ARTICLE_BYTES = 50 << 20
_TEXT_KEYS = ("text", "content", "body", "maintext", "article")
_DATE_KEYS = ("published_at", "date", "published", "publish_date", "date_publish", "pubDate")
_TITLE_KEYS = ("title", "headline")


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def _as_text(value: Any, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{field} must be text, got {type(value).__name__}")


def _article_row(record: Any, line: int | None) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    raw_date = _first(record, _DATE_KEYS)
    return {
        "url": _as_text(record.get("url") or record.get("link"), "url"),
        "title": _as_text(_first(record, _TITLE_KEYS), "title"),
        "text": _as_text(_first(record, _TEXT_KEYS), "text"),
        "published_at": try_parse_time(raw_date),
        "published_at_raw": None if raw_date is None else str(raw_date),
        "author": _author(record.get("author") or record.get("authors")),
        "lang": _as_text(record.get("lang") or record.get("language"), "lang"),
        "source_line": line,
    }


def _author(value: Any) -> str | None:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v) or None
    return None if value in (None, "") else str(value)


def read_article_jsonl(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    builder = RowBuilder("articles", ARTICLE_SCHEMA)
    for entry in iter_json_records(source):
        if isinstance(entry, Problem):
            yield entry
            continue
        line, location, record = entry
        try:
            chunk = builder.add(_article_row(record, line))
        except (ValueError, TypeError) as exc:
            yield Problem(line=line, location=location, reason=str(exc), raw=excerpt(record))
            continue
        if chunk:
            yield chunk
    yield from builder.drain()


def _read_whole(source: Source) -> bytes:
    with source.open() as stream:
        data = stream.read(MAX_ARTICLE_BYTES + 1)
    return data


def _too_big(source: Source, data: bytes) -> Problem | None:
    if len(data) > MAX_ARTICLE_BYTES:
        return Problem(
            line=None, location="file", reason=f"article is over {MAX_ARTICLE_BYTES >> 20} MiB"
        )
    return None


def read_html(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    data = _read_whole(source)
    if problem := _too_big(source, data):
        yield problem
        return
    html = data.decode("utf-8", errors="replace")
    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if document is None:
        yield Problem(line=None, location="file", reason="no article text found in the HTML page")
        return
    found = document if isinstance(document, dict) else document.as_dict()
    row = {
        "url": found.get("url"),
        "title": found.get("title"),
        "text": found.get("text"),
        "published_at": try_parse_time(found.get("date")),
        "published_at_raw": found.get("date"),
        "author": found.get("author"),
        "lang": found.get("language"),
        "source_line": None,
    }
    builder = RowBuilder("articles", ARTICLE_SCHEMA)
    builder.add(row)
    yield from builder.drain()


def read_text(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    data = _read_whole(source)
    if problem := _too_big(source, data):
        yield problem
        return
    lines = data.decode("utf-8", errors="replace").replace("\r\n", "\n").split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        yield Problem(line=None, location="file", reason="empty text file")
        return
    builder = RowBuilder("articles", ARTICLE_SCHEMA)
    body = "\n".join(lines[start + 1 :]).strip()
    builder.add({"title": lines[start].strip(), "text": body, "source_line": start + 1})
    yield from builder.drain()


def _looks_like_html(sniff: Sniff) -> bool:
    start = sniff.stripped[:1024].lower()
    return start.startswith(("<!doctype html", "<html")) or (
        start.startswith("<") and "<html" in start
    )


def _looks_like_article_json(sniff: Sniff) -> bool:
    keys = sniff.json_keys
    return bool(keys & set(_TITLE_KEYS)) and bool(keys & set(_TEXT_KEYS))


def _looks_like_text(sniff: Sniff) -> bool:
    if not sniff.head or b"\x00" in sniff.head[:8192]:
        return False
    sample = sniff.text[:8192]
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in sample)
    if sniff.stripped[:1] in ("{", "[") or sniff.looks_like_csv:
        return False
    return printable / max(len(sample), 1) > 0.95


FORMATS = (
    Format(
        "article-jsonl",
        "News articles, JSON Lines (url, title, text, date)",
        "articles",
        _looks_like_article_json,
        read_article_jsonl,
    ),
    Format("article-html", "News article, HTML page", "articles", _looks_like_html, read_html),
)
TEXT = Format(
    "article-text",
    "News article, plain text (first line = title)",
    "articles",
    _looks_like_text,
    read_text,
)
