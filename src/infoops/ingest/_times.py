"""The one time parser of the Python readers: text or numbers to naive UTC datetimes.

``parse_time`` reads any layout infoops knows, in this order:

* epochs: a JSON number is seconds (milliseconds above 1e11); a string of digits is
  seconds when it has 9-10 digits (an optional fraction allowed), milliseconds when
  it has 12-13, as ``_sql.time_sql`` reads CSV columns;
* ISO 8601 with or without a zone (``Z``, ``+02:00``, or an abbreviation from
  ``ZONE_OFFSETS`` such as CrowdTangle's ``EDT``);
* the naive day-first and month-first layouts of ``NAIVE_LAYOUTS`` (also read by
  ``time_sql``);
* Twitter v1.1's ``Wed Oct 10 20:19:24 +0000 2018`` (``TWITTER_V1``).

A value that is none of these raises ``TimeError`` naming it; ``try_parse_time``
returns ``None`` instead. The platform readers use the strict single-layout parsers
(``parse_iso``, ``parse_twitter``, ``parse_epoch``) on fields their formats document.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from ._records import utc_naive

# Twitter API v1.1 (English month and day names: Python's strptime uses the C locale
# unless a program changes LC_TIME).
TWITTER_V1 = "%a %b %d %H:%M:%S %z %Y"

# Naive layouts beyond ISO 8601, month-first (US) before day-first; shared with the SQL.
NAIVE_LAYOUTS = (
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
)

# Zone abbreviations that DuckDB's ICU does not parse, or reads as another zone (BST is
# Bangladesh there); CrowdTangle writes the dashboard's zone, e.g. "2020-10-31 18:30:00 EDT".
ZONE_OFFSETS = {
    "EDT": "-04:00",
    "CDT": "-05:00",
    "MDT": "-06:00",
    "PDT": "-07:00",
    "AKST": "-09:00",
    "AKDT": "-08:00",
    "BST": "+01:00",
    "WEST": "+01:00",
    "CEST": "+02:00",
    "EEST": "+03:00",
    "MSK": "+03:00",
}

_EPOCH_SECONDS = re.compile(r"[0-9]{9,10}(\.[0-9]+)?")
_EPOCH_MILLISECONDS = re.compile(r"[0-9]{12,13}")
_ZONE_SUFFIX = re.compile(r" +([A-Z]{3,4})$")
_FAILURES = (ValueError, OverflowError, OSError)


class TimeError(ValueError):
    """A value that is not a time in any layout infoops reads; the message names it."""


def _named(value: Any) -> str:
    return repr(value[:80] if isinstance(value, str) else value)


def from_epoch(seconds: float) -> datetime:
    """Epoch seconds as naive UTC."""
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def parse_epoch(text: str) -> datetime:
    """Epoch seconds written as text (``"1539202764"``, ``"1539202764.5"``)."""
    return from_epoch(float(text))


def parse_iso(text: str) -> datetime:
    """ISO 8601 with or without a zone (naive is taken as UTC)."""
    return utc_naive(datetime.fromisoformat(text.strip()))


# strptime is pure Python (~3x the cost of the hand-written regex it replaced); an
# archive repeats its seconds and its accounts' creation times, so results are cached.
@lru_cache(maxsize=1 << 16)
def parse_twitter(text: str) -> datetime:
    """Twitter v1.1 ``Wed Oct 10 20:19:24 +0000 2018``; ISO 8601 also accepted."""
    try:
        moment = datetime.strptime(text.strip(), TWITTER_V1)
    except ValueError:
        return parse_iso(text)
    return utc_naive(moment)


def _number(value: float) -> datetime:
    if value > 1e11:
        value = value / 1000
    if not 0 < value < 1e11:
        raise TimeError(f"not a time: {value!r} is out of the epoch range")
    return from_epoch(value)


def _text(text: str) -> datetime | None:
    if _EPOCH_SECONDS.fullmatch(text):
        return parse_epoch(text)
    if _EPOCH_MILLISECONDS.fullmatch(text):
        return from_epoch(int(text) / 1000)
    zone = _ZONE_SUFFIX.search(text)
    if zone and zone.group(1) in ZONE_OFFSETS:
        text = text[: zone.start()] + ZONE_OFFSETS[zone.group(1)]
    try:
        return parse_iso(text)
    except ValueError:
        pass
    for layout in NAIVE_LAYOUTS:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    try:
        return utc_naive(datetime.strptime(text, TWITTER_V1))
    except ValueError:
        return None


def parse_time(value: Any) -> datetime:
    """``value`` (text, or a JSON number of epoch seconds or milliseconds) as naive UTC.

    Raises ``TimeError`` naming the value when it is no time infoops can read.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return _number(value)
        except _FAILURES as exc:
            raise TimeError(f"not a time: {_named(value)} ({exc})") from None
    if not isinstance(value, str):
        raise TimeError(f"not a time: {_named(value)} is a {type(value).__name__}")
    text = value.strip()
    if not text:
        raise TimeError("not a time: the value is empty")
    try:
        found = _text(text)
    except _FAILURES as exc:
        raise TimeError(f"not a time: {_named(value)} ({exc})") from None
    if found is None:
        raise TimeError(
            f"not a time: {_named(value)} (expected epoch seconds or milliseconds, "
            "ISO 8601, a US or European date with a time, or Twitter's "
            "'Wed Oct 10 20:19:24 +0000 2018')"
        )
    return found


def try_parse_time(value: Any) -> datetime | None:
    """``parse_time(value)``, or ``None`` when ``value`` is not a time."""
    try:
        return parse_time(value)
    except TimeError:
        return None
