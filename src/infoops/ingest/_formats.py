"""Every reader, in the order detection tries them, and detection itself."""

from __future__ import annotations

from ..errors import InputError, UnknownFormat
from . import _articles, _bluesky, _csv_formats, _mastodon, _telegram, _twitter
from ._base import Format, ReadOptions, Sniff
from ._generic_json import GENERIC_JSONL, OWN_NAMES_JSONL
from ._sources import Source

# The social-media JSON readers, in the order detection tries them.
SOCIAL_FORMATS: tuple[Format, ...] = (
    _twitter.TWITTER_V2,
    _twitter.TWITTER_V1,
    _telegram.TELEGRAM,
    _bluesky.BLUESKY,
    _mastodon.MASTODON,
)

# Detection order: the most specific signatures first, plain text last.
FORMATS: tuple[Format, ...] = (
    *SOCIAL_FORMATS,
    *_articles.FORMATS,
    *_csv_formats.FORMATS,
    OWN_NAMES_JSONL,
    GENERIC_JSONL,
    _csv_formats.GENERIC_CSV,
    _articles.TEXT,
)
_BY_NAME = {fmt.name: fmt for fmt in FORMATS}


def format_by_name(name: str) -> Format:
    """The format called ``name``; ``InputError`` lists the known names otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(_BY_NAME))
        raise InputError(f"unknown format {name!r}; known formats: {known}") from None


def detect_format(source: Source, options: ReadOptions | None = None) -> Format:
    """The format of ``source``, recognised from its first 64 KiB.

    With a ``--map`` mapping, CSV and JSON files are read by the generic readers.
    """
    options = options or ReadOptions()
    sniff = Sniff(source.name, source.peek())
    if not sniff.head.strip():
        raise UnknownFormat(f"{source.name}: the file is empty")
    for fmt in FORMATS:
        # A mapping means "read my posts my way": only generic post readers apply.
        wanted = (
            fmt.needs_mapping or fmt.table != "posts" if options.mapping else not fmt.needs_mapping
        )
        if wanted and fmt.sniff(sniff):
            return fmt
    hint = ""
    if sniff.looks_like_csv:
        hint = f" (a CSV with columns {sniff.csv_header[:8]}; pass --map account_id=COL,created_at=COL,text=COL)"
    elif sniff.stripped[:1] in ("{", "["):
        hint = f" (JSON with keys {sorted(sniff.json_keys)[:8]}; pass --map account_id=PATH,created_at=PATH)"
    raise UnknownFormat(f"{source.name}: not a format infoops recognises{hint}")
