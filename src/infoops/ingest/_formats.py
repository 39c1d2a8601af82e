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


# Detection first reads 64 KiB; when no format recognises a head that ends inside the
# first record (a tweet with a long text and many entities, a status with a large card),
# it reads four times as much, and so on up to the largest record a reader takes whole,
# an article file (a post that large is read, then quarantined for its text's length).
FIRST_PEEK = 1 << 16
MAX_PEEK = _articles.MAX_ARTICLE_BYTES + FIRST_PEEK


def detect_format(source: Source, options: ReadOptions | None = None) -> Format:
    """The format of ``source``, recognised from its first record: ``FIRST_PEEK`` bytes,
    or up to ``MAX_PEEK`` when the first record is longer.

    With a ``--map`` mapping, CSV and JSON files are read by the generic readers.
    """
    options = options or ReadOptions()
    size = FIRST_PEEK
    while True:
        sniff = Sniff(source.name, source.peek(size))
        if not sniff.head.strip():
            raise UnknownFormat(f"{source.name}: the file is empty")
        found = _recognise(sniff, options)
        if found is not None:
            return found
        cut = len(sniff.head) == size and sniff.first_record_cut
        if not cut or size >= MAX_PEEK:
            raise UnknownFormat(_unknown(sniff, cut))
        size = min(size * 4, MAX_PEEK)


def _recognise(sniff: Sniff, options: ReadOptions) -> Format | None:
    """The first format, in detection order, that takes the file ``sniff`` opens."""
    for fmt in FORMATS:
        # A mapping means "read my posts my way": only generic post readers apply.
        wanted = (
            fmt.needs_mapping or fmt.table != "posts" if options.mapping else not fmt.needs_mapping
        )
        if wanted and fmt.sniff(sniff):
            return fmt
    return None


def _unknown(sniff: Sniff, cut: bool) -> str:
    """Why detection failed, with the columns or keys it saw and what to pass."""
    hint = ""
    if sniff.looks_like_csv:
        hint = f" (a CSV with columns {sniff.csv_header[:8]}; pass --map account_id=COL,created_at=COL,text=COL)"
    elif sniff.stripped[:1] in ("{", "["):
        hint = f" (JSON with keys {sorted(sniff.json_keys)[:8]}; pass --map account_id=PATH,created_at=PATH)"
    if cut:
        hint += f"; its first {MAX_PEEK >> 20} MiB hold no record it recognises"
    return f"{sniff.name}: not a format infoops recognises{hint}"
