"""SQL snippets shared by the readers and the row checks (DuckDB dialect)."""

from __future__ import annotations

from ._times import NAIVE_LAYOUTS, TWITTER_V1, ZONE_OFFSETS

URL_PATTERN = r"https?://[^\s<>\"'`]+"


def sql_string(value: str) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """A SQL identifier in double quotes, safe for any header text."""
    return '"' + name.replace('"', '""') + '"'


# The naive layouts and zone abbreviations are those of the Python parser (``_times``).
_NAIVE_FORMATS = "[" + ", ".join(sql_string(layout) for layout in NAIVE_LAYOUTS) + "]"
_TWITTER_V1 = sql_string(TWITTER_V1)


def _with_offset(c: str) -> str:
    """``c`` with a trailing zone abbreviation from ``ZONE_OFFSETS`` replaced by its offset."""
    cases = " ".join(
        f"WHEN {sql_string(zone)} THEN regexp_replace({c}, ' +[A-Z]+$', {sql_string(offset)})"
        for zone, offset in ZONE_OFFSETS.items()
    )
    return (
        f"CASE WHEN right({c}, 1) BETWEEN 'A' AND 'Z' THEN "
        f"CASE regexp_extract({c}, ' ([A-Z]{{3,4}})$', 1) {cases} ELSE {c} END ELSE {c} END"
    )


def time_sql(column: str) -> str:
    """SQL turning a text column into naive UTC: epochs, ISO with or without zone, US dates.

    All digits is an epoch, tried first because it is cheapest: 9-10 digits (with an
    optional fraction) are seconds, 12-13 digits milliseconds, like ``_times.parse_time``.
    """
    c = f"trim({column})"
    # A digit at the 5th place (not "-" as in ISO) lets only epoch candidates meet the
    # regular expressions. A time has digits: without them DuckDB would read 'epoch' and
    # 'infinity' as times. Of the text layouts the commonest is tried first.
    return f"""CASE WHEN substr({c}, 5, 1) BETWEEN '0' AND '9'
                  AND regexp_full_match({c}, '[0-9]{{9,13}}(\\.[0-9]+)?')
        THEN CASE WHEN regexp_full_match({c}, '[0-9]{{9,10}}(\\.[0-9]+)?')
                       THEN timezone('UTC', to_timestamp(try_cast({c} AS DOUBLE)))
                  WHEN regexp_full_match({c}, '[0-9]{{12,13}}')
                       THEN timezone('UTC', to_timestamp(try_cast({c} AS DOUBLE) / 1000)) END
        WHEN regexp_matches({c}, '[0-9]') THEN coalesce(
        try_strptime({c}, '%Y-%m-%d %H:%M:%S'),
        timezone('UTC', try_cast({_with_offset(c)} AS TIMESTAMPTZ)),
        try_strptime({c}, {_NAIVE_FORMATS}),
        timezone('UTC', try_strptime({c}, {_TWITTER_V1}))
    ) END"""
