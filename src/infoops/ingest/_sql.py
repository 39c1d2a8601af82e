"""SQL snippets shared by the readers and the row checks (DuckDB dialect)."""

from __future__ import annotations

URL_PATTERN = r"https?://[^\s<>\"'`]+"


def sql_string(value: str) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """A SQL identifier in double quotes, safe for any header text."""
    return '"' + name.replace('"', '""') + '"'


_NAIVE_FORMATS = (
    "['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%d.%m.%Y %H:%M:%S', '%d.%m.%Y %H:%M', "
    "'%Y-%m-%d %H:%M', '%Y/%m/%d %H:%M:%S']"
)


# Zone abbreviations that DuckDB's ICU does not parse, or reads as another zone (BST is
# Bangladesh there); CrowdTangle writes the dashboard's zone, e.g. "2020-10-31 18:30:00 EDT".
_ZONE_OFFSETS = {
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


def _with_offset(c: str) -> str:
    """``c`` with a trailing zone abbreviation from ``_ZONE_OFFSETS`` replaced by its offset."""
    cases = " ".join(
        f"WHEN {sql_string(zone)} THEN regexp_replace({c}, ' +[A-Z]+$', {sql_string(offset)})"
        for zone, offset in _ZONE_OFFSETS.items()
    )
    return (
        f"CASE WHEN right({c}, 1) BETWEEN 'A' AND 'Z' THEN "
        f"CASE regexp_extract({c}, ' ([A-Z]{{3,4}})$', 1) {cases} ELSE {c} END ELSE {c} END"
    )


def time_sql(column: str) -> str:
    """SQL turning a text column into naive UTC: ISO with or without zone, US dates, epochs."""
    c = f"trim({column})"
    # A time has digits: without them DuckDB would read 'epoch' and 'infinity' as times.
    # The commonest layout is tried first with one cheap strptime (most archives use it).
    return f"""CASE WHEN regexp_matches({c}, '[0-9]') THEN coalesce(
        try_strptime({c}, '%Y-%m-%d %H:%M:%S'),
        timezone('UTC', try_cast({_with_offset(c)} AS TIMESTAMPTZ)),
        try_strptime({c}, {_NAIVE_FORMATS}),
        timezone('UTC', try_strptime({c}, '%a %b %d %H:%M:%S %z %Y')),
        CASE WHEN regexp_full_match({c}, '[0-9]{{9,10}}(\\.[0-9]+)?')
                  THEN timezone('UTC', to_timestamp(try_cast({c} AS DOUBLE)))
             WHEN regexp_full_match({c}, '[0-9]{{12,13}}')
                  THEN timezone('UTC', to_timestamp(try_cast({c} AS DOUBLE) / 1000)) END
    ) END"""
