"""The one time parser of the Python readers (ingest/_times.py) and its SQL twin for CSV."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from infoops.ingest._sql import time_sql
from infoops.ingest._times import (
    TimeError,
    parse_epoch,
    parse_iso,
    parse_time,
    parse_twitter,
    try_parse_time,
)

MOMENT = datetime(2018, 10, 10, 20, 19, 24)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2018-10-10 20:19:24", MOMENT),
        ("2018-10-10T20:19:24", MOMENT),
        ("2018-10-10T20:19:24Z", MOMENT),
        ("2018-10-10T22:19:24+02:00", MOMENT),
        ("2018-10-10T16:19:24.5-04:00", datetime(2018, 10, 10, 20, 19, 24, 500000)),
        ("2018-10-10 16:19:24 EDT", MOMENT),
        ("Wed Oct 10 20:19:24 +0000 2018", MOMENT),
        ("Wed Oct 10 22:19:24 +0200 2018", MOMENT),
        ("1539202764", MOMENT),
        (" 1539202764 ", MOMENT),
        ("1539202764.5", datetime(2018, 10, 10, 20, 19, 24, 500000)),
        ("1539202764000", MOMENT),
        (1539202764, MOMENT),
        (1539202764.0, MOMENT),
        (1539202764000, MOMENT),
        ("10/10/2018 20:19:24", MOMENT),
        ("10.10.2018 20:19:24", MOMENT),
        ("2018/10/10 20:19:24", MOMENT),
        ("2018-10-10", datetime(2018, 10, 10)),
    ],
)
def test_parse_time_layouts(value, expected):
    assert parse_time(value) == expected
    assert try_parse_time(value) == expected


@pytest.mark.parametrize("value", ["garbage", "2018-13-45 99:00", "12345678901", "-5", True, None])
def test_parse_time_rejects_with_the_value_named(value):
    with pytest.raises(TimeError, match="not a time") as info:
        parse_time(value)
    assert repr(value) in str(info.value)
    assert try_parse_time(value) is None


def test_parse_time_names_empty_and_long_values():
    with pytest.raises(TimeError, match="empty"):
        parse_time("   ")
    with pytest.raises(TimeError) as info:
        parse_time("x" * 500)
    assert repr("x" * 80) in str(info.value)


def test_single_layout_parsers_used_by_the_platform_readers():
    assert parse_twitter("Wed Oct 10 20:19:24 +0000 2018") == MOMENT
    assert parse_twitter("2018-10-10T20:19:24Z") == MOMENT  # ISO also accepted
    assert parse_iso("2018-10-10T20:19:24+00:00") == MOMENT
    assert parse_epoch("1539202764") == MOMENT
    for parse, text in [(parse_iso, "1539202764"), (parse_twitter, "Wed Oct 10 2018")]:
        with pytest.raises(ValueError):
            parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "1539202764",
        "1539202764.5",
        "1539202764123",
        "2018-10-10 20:19:24",
        "2018-10-10T22:19:24+02:00",
        "2018-10-10 16:19:24 EDT",
        "Wed Oct 10 20:19:24 +0000 2018",
        "10/10/2018 20:19",
        "10.10.2018 20:19:24",
        "2018/10/10 20:19:24",
        "garbage",
        "12345678901",
    ],
)
def test_csv_sql_agrees_with_the_python_parser(text):
    got = duckdb.sql(f"SELECT {time_sql('x')} FROM (SELECT ? AS x)", params=[text]).fetchall()
    assert got[0][0] == try_parse_time(text)
