"""Each reader on a hand-written fixture in its real format: detection, rows, quarantine.

The fixtures hold deliberately bad records at known physical lines (after a quoted
field that spans two lines), so the expected line numbers below are exact.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import json
import lzma
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import zstandard

from infoops import Workspace
from infoops.errors import UnknownFormat, UnreadableFile
from infoops.ingest import FileReport, ReadOptions, detect_format, iter_sources

GENERIC_CSV_MAP = {
    "post_id": "msg_id",
    "account_id": "user",
    "account_name": "handle",
    "created_at": "when",
    "text": "body",
    "lang": "language",
}
GENERIC_JSONL_MAP = {
    "post_id": "id",
    "account_id": "author.id",
    "account_name": "author.handle",
    "created_at": "ts",
    "text": "content",
    "lang": "lang",
    "hashtags": "tags",
    "reply_to": "in_reply_to",
}
USER_A = "2882331822"  # an unhashed account of the IO archive fixture
USER_B = "d5c59eae1d5659b93a20c16522347ad6e2003db0caea74e8f48c5e788a2a9a7c"
USER_C = "59000030afe692cde9493e8d0ddcaefe311870e75f9abc1864383bd7a3f752f4"
USER_D = "a158a49e10c421ec0030d33814a81cdad51b8b2ccd738f8d4bede9d3b7ecfe64"
USER_E = "3704baccb59ef4eb77edda948c8f0e4247a3e512ae5c607f9b0e7ed94c49d885"  # bad time only
ORIGINAL = "795954831718498305"


def ingest_one(ws: Workspace, path: Path, **options) -> FileReport:
    """Ingest one file and return its report, failing on a read error."""
    report = ws.ingest([path], **options)
    (file,) = report.files
    assert file.error is None, file.error
    return file


def posts_by_id(ws: Workspace) -> dict[str, dict]:
    rows = ws.posts("arrow").to_pylist()
    return {row["post_id"]: row for row in rows}


def quarantine_rows(ws: Workspace) -> list[tuple]:
    return ws.sql(
        "SELECT line, location, reason FROM quarantine ORDER BY ingest_id, line"
    ).fetchall()


def first_source(path: Path):
    return next(iter_sources([path]))


# -- detection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("io_archive.csv", "twitter-io-csv"),
        ("crowdtangle.csv", "crowdtangle-csv"),
        ("articles.jsonl", "article-jsonl"),
        ("article.html", "article-html"),
        ("article.txt", "article-text"),
    ],
)
def test_formats_are_detected_by_content(fixtures_dir, tmp_path, name, expected):
    assert detect_format(first_source(fixtures_dir / name)).name == expected
    renamed = tmp_path / "download.dat"  # the name says nothing: the content decides
    shutil.copy(fixtures_dir / name, renamed)
    assert detect_format(first_source(renamed)).name == expected


@pytest.mark.parametrize(
    ("name", "mapping", "expected"),
    [("generic.csv", GENERIC_CSV_MAP, "csv"), ("generic.jsonl", GENERIC_JSONL_MAP, "jsonl")],
)
def test_a_mapping_selects_the_generic_readers(fixtures_dir, name, mapping, expected):
    source = first_source(fixtures_dir / name)
    assert detect_format(source, ReadOptions(mapping=mapping)).name == expected
    with pytest.raises(UnknownFormat) as error:
        detect_format(source)
    message = str(error.value)
    assert message.startswith(f"{source.name}: not a format infoops recognises")
    assert "--map" in message


def test_unknown_csv_error_names_its_columns(fixtures_dir):
    source = first_source(fixtures_dir / "generic.csv")
    with pytest.raises(UnknownFormat, match=r"a CSV with columns \['msg_id', 'user'"):
        detect_format(source)


def test_an_empty_file_is_a_clear_error(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UnknownFormat, match=r"empty\.csv: the file is empty"):
        detect_format(first_source(empty))
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n  \n")
    with pytest.raises(UnknownFormat, match=r"blank\.jsonl: the file is empty"):
        detect_format(first_source(blank))


LONG = 300_000  # a first record far past the 64 KiB detection starts with


def _lengthen_json(value: object, field: str) -> bool:
    """Append LONG characters to the first non-empty string ``field`` in ``value``."""
    if isinstance(value, dict):
        if isinstance(value.get(field), str) and value[field]:
            value[field] += " long" * (LONG // 5)
            return True
        return any(_lengthen_json(v, field) for v in value.values())
    if isinstance(value, list):
        return any(_lengthen_json(v, field) for v in value)
    return False


def _with_long_first_record(original: Path, field: str, folder: Path) -> Path:
    """A copy of ``original`` whose first record's ``field`` is LONG characters longer."""
    path = folder / f"long-{original.name}"
    if original.suffix == ".csv":
        with open(original, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        rows[1][rows[0].index(field)] += " long" * (LONG // 5)
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    elif original.suffix == ".jsonl":
        first, rest = original.read_text(encoding="utf-8").split("\n", 1)
        record = json.loads(first)
        assert _lengthen_json(record, field)
        path.write_text(json.dumps(record) + "\n" + rest, encoding="utf-8")
    else:  # one JSON document, pretty-printed: the first item spans many lines
        document = json.loads(original.read_text(encoding="utf-8"))
        assert _lengthen_json(document, field)
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "field", "mapping", "expected"),
    [
        ("twitter_v1.jsonl", "full_text", {}, "twitter-v1"),
        ("twarc2.jsonl", "text", {}, "twitter-v2"),
        ("mastodon_statuses.json", "content", {}, "mastodon"),
        ("articles.jsonl", "text", {}, "article-jsonl"),
        ("generic.jsonl", "content", GENERIC_JSONL_MAP, "jsonl"),
        ("io_archive.csv", "tweet_text", {}, "twitter-io-csv"),
        ("crowdtangle.csv", "Message", {}, "crowdtangle-csv"),
        ("generic.csv", "body", GENERIC_CSV_MAP, "csv"),
    ],
)
def test_a_first_record_of_300_kb_is_recognised_and_read_whole(
    fixtures_dir, tmp_path, name, field, mapping, expected
):
    """Detection reads past its first 64 KiB when the first record goes on: the file is
    read as its format, with the same records and the long text whole."""
    long = _with_long_first_record(fixtures_dir / name, field, tmp_path)
    assert long.stat().st_size > LONG
    assert detect_format(first_source(long), ReadOptions(mapping=mapping)).name == expected
    counts = []
    for path in (fixtures_dir / name, long):
        with Workspace(memory=True) as ws:
            file = ingest_one(ws, path, mapping=mapping)
            table = "articles" if expected.startswith("article") else "posts"
            longest = ws.sql(f"SELECT max(length(text)) FROM {table}").fetchall()[0][0]
            counts.append((file.format, file.records_read, file.quarantined))
    assert counts[0] == counts[1]
    assert longest >= LONG


def test_an_unknown_csv_with_a_long_first_row_is_still_a_csv(fixtures_dir, tmp_path):
    """A cell over the csv module's own 128 KiB field limit does not make the file plain
    text: without --map it is named as a CSV with its columns."""
    long = _with_long_first_record(fixtures_dir / "generic.csv", "body", tmp_path)
    with pytest.raises(UnknownFormat, match=r"a CSV with columns \['msg_id', 'user'"):
        detect_format(first_source(long))


def test_detection_stops_at_its_limit_and_says_so(tmp_path, monkeypatch):
    """A first record longer than the limit (lowered here from 50 MiB) is an error that
    says why, not a read of the whole file."""
    from infoops.ingest import _formats

    monkeypatch.setattr(_formats, "MAX_PEEK", 1 << 20)
    path = tmp_path / "one-line.json"
    path.write_text('{"unknown": "' + "x" * (2 << 20) + '"}')
    with pytest.raises(UnknownFormat, match=r"one-line\.json: not a format infoops recognises.*"
                       r"first 1 MiB hold no record it recognises"):  # fmt: skip
        detect_format(first_source(path))


def test_iter_sources_walks_directories_and_archives(fixtures_dir, tmp_path):
    (tmp_path / "sub").mkdir()
    shutil.copy(fixtures_dir / "io_archive.csv", tmp_path / "b_io.csv")
    shutil.copy(fixtures_dir / "article.txt", tmp_path / "sub" / "a.txt")
    (tmp_path / ".hidden.csv").write_text("not,read\n1,2\n")
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as archive:
        archive.write(fixtures_dir / "crowdtangle.csv", "export/ct.csv")
        archive.writestr("__MACOSX/export/._ct.csv", b"junk")
    names = [Path(s.name).relative_to(tmp_path).as_posix() for s in iter_sources([tmp_path])]
    assert names == ["b_io.csv", "c.zip!export/ct.csv", "sub/a.txt"]
    formats = [detect_format(s).name for s in iter_sources([tmp_path])]
    assert formats == ["twitter-io-csv", "crowdtangle-csv", "article-text"]


def test_iter_sources_names_a_missing_path(tmp_path):
    missing = tmp_path / "nope" / "tweets.csv"
    with pytest.raises(UnreadableFile, match=rf"{missing}: no such file or directory"):
        list(iter_sources([missing]))


# -- X/Twitter information-operations archive -------------------------------------------


def test_io_archive_counts_and_quarantine(workspace, fixtures_dir):
    file = ingest_one(workspace, fixtures_dir / "io_archive.csv")
    assert file.format == "twitter-io-csv"
    assert (file.posts_added, file.accounts_added, file.quarantined) == (7, 4, 2)
    assert (file.records_read, file.duplicates, file.skipped) == (9, 0, False)
    # Line 9 comes after a tweet whose text spans lines 6-7: physical lines, not records.
    assert quarantine_rows(workspace) == [
        (9, "line 9", "expected 31 fields, found 11"),
        (11, "line 11", "cannot parse time 8 Nov 2016 11:59 PM"),
    ]
    excerpt = workspace.sql("SELECT raw_excerpt FROM quarantine WHERE line = 9").fetchall()
    assert excerpt[0][0].startswith("795991000000000000,a158a49e")
    assert workspace.sql("SELECT DISTINCT source_file FROM quarantine").fetchall() == [
        (str(fixtures_dir / "io_archive.csv"),)
    ]


def test_io_archive_rows(workspace, fixtures_dir):
    ingest_one(workspace, fixtures_dir / "io_archive.csv")
    posts = posts_by_id(workspace)
    assert {pid: p["source_line"] for pid, p in posts.items()} == {
        ORIGINAL: 2,
        "795955012345678848": 3,
        "795961234567890944": 4,
        "795972345678901248": 5,
        "795980111222333440": 6,
        "795990555666777088": 8,
        "796001234000000000": 10,
    }
    assert {p["platform"] for p in posts.values()} == {"twitter"}
    assert {pid: p["post_type"] for pid, p in posts.items()} == {
        ORIGINAL: "post",
        "795955012345678848": "reshare",
        "795961234567890944": "reply",
        "795972345678901248": "quote",
        "795980111222333440": "post",
        "795990555666777088": "post",
        "796001234000000000": "post",
    }
    assert {pid: p["lang"] for pid, p in posts.items()} == {
        ORIGINAL: "en",
        "795955012345678848": "en",
        "795961234567890944": "de",
        "795972345678901248": "ru",
        "795980111222333440": "en",
        "795990555666777088": "fr",
        "796001234000000000": "es",
    }
    original = posts[ORIGINAL]
    assert original["account_id"] == USER_A
    assert original["account_name"] == "TennesseeVoteNow"
    assert original["created_at"] == datetime(2016, 11, 8, 13, 5)  # already UTC
    assert original["text"].startswith("Polls close at 8pm. Make sure you vote!")
    retweet = posts["795955012345678848"]
    assert (retweet["account_id"], retweet["reshare_of_post"], retweet["reshare_of_account"]) == (
        USER_B,
        ORIGINAL,
        USER_A,
    )
    reply = posts["795961234567890944"]
    assert (reply["reply_to"], reply["reply_to_account"]) == (ORIGINAL, USER_A)
    assert reply["reshare_of_post"] is None and reply["quote_of"] is None
    assert posts["795972345678901248"]["quote_of"] == ORIGINAL
    multiline = posts["795980111222333440"]
    assert multiline["text"] == (
        "BREAKING: reports of voting machine problems in Ohio\nRead more: https://t.co/Zz9Yy8Xx7W"
    )
    assert multiline["created_at"] == datetime(2016, 11, 8, 15, 20)


def test_io_archive_links_hashtags_and_mentions(workspace, fixtures_dir):
    ingest_one(workspace, fixtures_dir / "io_archive.csv")
    posts = posts_by_id(workspace)
    entities = {
        pid: (p["urls"], p["domains"], p["hashtags"], p["mentions"]) for pid, p in posts.items()
    }
    assert entities == {
        # upper-case host and www. normalised away, utm_* dropped, other parameters kept
        ORIGINAL: (
            ["https://example.com/vote-guide?id=42"],
            ["example.com"],
            ["election2016", "votetrump"],
            [],
        ),
        "795955012345678848": (
            ["https://example.com/vote-guide?id=42"],
            ["example.com"],
            ["election2016", "votetrump"],
            ["tennesseevotenow"],
        ),
        "795961234567890944": (
            ["https://tagesschau.de/inland/briefwahl-101.html?seite=2"],
            ["tagesschau.de"],
            [],
            ["tennesseevotenow"],
        ),
        # a t.co link is kept exactly as written (its case too)
        "795972345678901248": (["https://t.co/Q9w8E7r6T5"], ["t.co"], ["выборы2016"], []),
        # fbclid dropped; the registered domain of news.bbc.co.uk is bbc.co.uk
        "795980111222333440": (
            ["https://news.bbc.co.uk/news/election-us-2016-37906393"],
            ["bbc.co.uk"],
            [],
            [],
        ),
        "795990555666777088": ([], [], ["uselection2016"], ["cnn", "france24_fr"]),
        "796001234000000000": ([], [], ["eleccioneseeuu", "elección2016"], []),
    }


def test_io_archive_accounts(workspace, fixtures_dir):
    ingest_one(workspace, fixtures_dir / "io_archive.csv")
    accounts = {row["account_id"]: row for row in workspace.accounts("arrow").to_pylist()}
    assert set(accounts) == {USER_A, USER_B, USER_C, USER_D}  # USER_E's only tweet is bad
    a = accounts[USER_A]
    assert (a["account_name"], a["display_name"], a["location"]) == (
        "TennesseeVoteNow",
        "Tennessee Votes",
        "Nashville, TN",
    )
    assert a["description"] == "Official unofficial voice of Tennessee voters. #MAGA"
    assert (a["followers"], a["following"]) == (147790, 7041)  # from the latest tweet
    assert a["created_at"] == datetime(2014, 11, 5)
    assert (a["first_seen"], a["last_seen"]) == (
        datetime(2016, 11, 8, 13, 5),
        datetime(2016, 11, 8, 15, 20),
    )
    assert accounts[USER_C]["location"] == "Deutschland"
    assert accounts[USER_B]["account_name"] == USER_B  # hashed screen name, as released


# -- CrowdTangle ---------------------------------------------------------------------------


def test_crowdtangle_counts_and_quarantine(workspace, fixtures_dir):
    file = ingest_one(workspace, fixtures_dir / "crowdtangle.csv")
    assert file.format == "crowdtangle-csv"
    assert (file.posts_added, file.accounts_added, file.quarantined, file.records_read) == (
        6,
        5,
        1,
        7,
    )
    # The record before it has a message spanning lines 4-5.
    assert quarantine_rows(workspace) == [(6, "line 6", "missing account id")]


def test_crowdtangle_rows_times_and_links(workspace, fixtures_dir):
    ingest_one(workspace, fixtures_dir / "crowdtangle.csv")
    rows = workspace.sql(
        "SELECT source_line, platform, account_id, account_name, created_at, post_type, "
        "urls, domains, hashtags FROM posts ORDER BY source_line"
    ).fetchall()
    assert rows == [
        (
            2,
            "facebook",
            "104520389121147",
            "PatriotsUnitedUSA",
            datetime(2020, 11, 4, 4, 59, 57),  # 2020-11-03 23:59:57 EST is UTC-5
            "post",
            ["https://example.com/count-every-vote"],  # Link and Final Link are one URL
            ["example.com"],
            ["stopthesteal", "election2020"],
        ),
        (
            3,
            "facebook",
            "339218770101562",
            "noticiaslatinashoy",
            datetime(2020, 11, 4, 13, 15, 2),
            "post",
            ["https://elpais.com/internacional/2020-11-04/resultados-elecciones.html?ssm=FB_CM"],
            ["elpais.com"],
            [],  # "#Echobox=..." in the link's fragment is not a hashtag
        ),
        (
            4,
            "facebook",
            "1520087448220513",
            "wiadomosciswiat",
            datetime(2020, 11, 4, 15, 2, 45),
            "post",
            ["https://wyborcza.pl/7,75399,26471234,wybory-usa.html"],
            ["wyborcza.pl"],
            [],
        ),
        (
            7,
            "facebook",
            "2249875348609612",
            "novynysvitu",
            datetime(2020, 11, 4, 21, 20, 10),
            "post",
            [],
            [],
            ["вибори2020", "сша"],
        ),
        (
            8,
            "facebook",
            "467712386738120",
            "brasilemfoco",
            datetime(2020, 11, 5, 14, 0),
            "post",
            ["https://youtu.be/AbCdEf12345"],  # a shortener: kept as written
            ["youtu.be"],
            [],
        ),
        (
            9,
            "facebook",
            "104520389121147",
            "PatriotsUnitedUSA",
            datetime(2020, 10, 31, 22, 30),  # 2020-10-31 18:30:00 EDT is UTC-4
            "post",
            ["https://nytimes.com/2020/10/31/us/politics/early-voting-record.html"],
            ["nytimes.com"],
            [],
        ),
    ]


def test_crowdtangle_text_post_ids_and_accounts(workspace, fixtures_dir):
    ingest_one(workspace, fixtures_dir / "crowdtangle.csv")
    first = workspace.sql("SELECT post_id, text FROM posts WHERE source_line = 2").fetchall()
    assert first == [
        (
            "https://www.facebook.com/104520389121147/posts/3487521167962314",
            "Every legal vote must be counted! Share before they delete this "
            "#StopTheSteal #Election2020\n"
            "Poll workers in three states say observers were kept away.",
        )
    ]
    polish = workspace.sql("SELECT text FROM posts WHERE source_line = 4").fetchall()[0][0]
    assert polish.startswith("Wybory w USA: liczenie głosów trwa.\nPełne wyniki")
    page = workspace.sql(
        "SELECT account_name, display_name, created_at, followers, description, location, "
        "first_seen, last_seen FROM accounts WHERE account_id = '104520389121147'"
    ).fetchall()
    assert page == [
        (
            "PatriotsUnitedUSA",
            "Patriots United",
            datetime(2016, 2, 11, 10, 44, 29),
            201449,  # followers at the latest post
            "Real news for real patriots.",
            "US",
            datetime(2020, 10, 31, 22, 30),
            datetime(2020, 11, 4, 4, 59, 57),
        )
    ]


# -- generic CSV and JSON Lines, read with a mapping ---------------------------------------


def test_generic_csv_with_mapping(workspace, fixtures_dir):
    file = ingest_one(workspace, fixtures_dir / "generic.csv", mapping=GENERIC_CSV_MAP)
    assert file.format == "csv"
    assert (file.posts_added, file.accounts_added, file.quarantined, file.records_read) == (
        4,
        3,
        1,
        5,
    )
    assert quarantine_rows(workspace) == [(6, "line 6", "missing account id")]
    rows = workspace.sql(
        "SELECT post_id, platform, account_id, account_name, created_at, lang, source_line, "
        "urls, domains, hashtags, mentions FROM posts ORDER BY post_id"
    ).fetchall()
    assert rows == [
        (
            "g-001",
            "generic",
            "u-100",
            "anna_k",
            datetime(2022, 10, 2, 17, 30),  # 14:30 at UTC-3
            "pt",
            2,
            [],
            [],
            ["eleições2022"],
            ["tsejusbr"],
        ),
        (
            "g-002",
            "generic",
            "u-101",
            "boris_v",
            datetime(2022, 10, 2, 18, 45),  # US month/day order
            "ru",
            3,
            ["https://rt.com/news/555555-brazil-vote/"],
            ["rt.com"],
            [],
            [],
        ),
        (
            "g-003",
            "generic",
            "u-100",
            "anna_k",
            datetime(2022, 10, 2, 21, 10),  # epoch seconds
            "pt",
            4,
            ["https://g1.globo.com/politica/eleicoes/2022/apuracao/presidente.ghtml"],
            ["globo.com"],
            ["apuração"],
            [],
        ),
        (
            "g-005",
            "generic",
            "u-102",
            "carla_m",
            datetime(2022, 10, 2, 23, 59, 59),
            "en",
            7,
            [],
            [],
            ["brazilelections"],
            ["ap", "reuters"],
        ),
    ]


def test_generic_csv_platform_option(workspace, fixtures_dir):
    ingest_one(workspace, fixtures_dir / "generic.csv", mapping=GENERIC_CSV_MAP, platform="vk")
    assert workspace.sql("SELECT DISTINCT platform FROM posts").fetchall() == [("vk",)]


def test_generic_csv_mapping_errors_name_the_problem(workspace, fixtures_dir):
    path = fixtures_dir / "generic.csv"
    report = workspace.ingest([path], mapping={**GENERIC_CSV_MAP, "text": "message"})
    (file,) = report.files
    assert file.error == (f"{path}: the --map mapping needs columns ['message'], not in the header")
    report = workspace.ingest([path], mapping={"account_id": "user", "text": "body"})
    assert report.files[0].error == "--map must give created_at (e.g. --map account_id=user)"
    report = workspace.ingest([path], mapping={**GENERIC_CSV_MAP, "likes": "x"})
    assert report.files[0].error.startswith("--map names unknown fields ['likes']; allowed: ")
    assert workspace.sql("SELECT count(*) FROM posts").fetchall() == [(0,)]


def test_generic_jsonl_with_dotted_paths(workspace, fixtures_dir):
    file = ingest_one(
        workspace, fixtures_dir / "generic.jsonl", mapping=GENERIC_JSONL_MAP, platform="mastodon"
    )
    assert file.format == "jsonl"
    assert (file.posts_added, file.accounts_added, file.quarantined, file.records_read) == (
        4,
        3,
        2,
        6,
    )
    (bad_json, no_account) = quarantine_rows(workspace)
    assert bad_json[:2] == (3, "line 3") and bad_json[2].startswith("invalid JSON: ")
    assert no_account == (5, "line 5", "missing account id")
    rows = workspace.sql(
        "SELECT post_id, platform, account_id, account_name, created_at, lang, reply_to, "
        "source_line, urls, domains, hashtags, mentions FROM posts ORDER BY post_id"
    ).fetchall()
    assert rows == [
        (
            "j-1",
            "mastodon",
            "a-1",
            "MariaS",
            datetime(2024, 6, 9, 16, 0),
            "de",
            None,
            1,
            ["https://bundeswahlleiterin.de/europawahlen/2024.html"],
            ["bundeswahlleiterin.de"],
            ["euwahl", "europawahl2024"],  # the mapped list, lower-cased
            [],
        ),
        (
            "j-2",
            "mastodon",
            "a-2",
            "pierre_l",
            datetime(2024, 6, 9, 16, 0),  # epoch seconds
            "fr",
            "j-1",
            2,
            [],
            [],
            ["européennes2024"],
            ["marias"],
        ),
        (
            "j-4",
            "mastodon",
            "a-1",
            "MariaS",
            datetime(2024, 6, 9, 21, 15),
            "de",
            None,
            4,
            ["https://t.co/EuW4hL2024"],
            ["t.co"],
            [],
            ["tagesschau"],
        ),
        (
            "j-6",
            "mastodon",
            "a-4",
            "ewa_k",
            datetime(2024, 6, 10, 4, 0),
            "pl",
            None,
            6,
            ["https://wiadomosci.onet.pl/kraj/wybory-do-pe-2024-wyniki/abc123"],
            ["onet.pl"],
            ["eurowybory2024"],
            [],
        ),
    ]


# -- articles ----------------------------------------------------------------------------


def test_article_jsonl(workspace, fixtures_dir):
    file = ingest_one(workspace, fixtures_dir / "articles.jsonl")
    assert file.format == "article-jsonl"
    assert (file.articles_added, file.duplicates, file.quarantined, file.posts_added) == (
        3,
        1,
        1,
        0,
    )
    ((line, location, reason),) = quarantine_rows(workspace)
    assert (line, location) == (3, "line 3") and reason.startswith("invalid JSON: ")
    rows = workspace.sql(
        "SELECT url, domain, title, published_at, author, lang, source_line FROM articles "
        "ORDER BY source_line"
    ).fetchall()
    assert rows == [
        (
            "https://reuters.com/world/europe/moldovans-vote-election-eu-referendum-2024-10-20/",
            "reuters.com",
            # line 4 repeats this URL without tracking parameters: the first copy is kept
            "Moldovans vote in election and EU referendum amid claims of Russian meddling",
            datetime(2024, 10, 20, 15, 30),
            "Reuters staff",
            "en",
            1,
        ),
        (
            "https://lemonde.fr/international/article/2024/10/21/"
            "moldavie-referendum-europe_6356012_3210.html",
            "lemonde.fr",
            "En Moldavie, le oui à l'Europe l'emporte de justesse",
            datetime(2024, 10, 21),
            "Marie Dupont, Jean Martin",
            "fr",
            2,
        ),
        (
            "https://bbc.co.uk/russian/articles/c4gzp1k2m3no",
            "bbc.co.uk",
            "Выборы в Молдавии: итоги референдума",
            datetime(2024, 10, 21, 6, 0),
            "Би-би-си",
            "ru",
            5,
        ),
    ]


def test_article_html_keeps_the_story_not_the_page(workspace, fixtures_dir):
    file = ingest_one(workspace, fixtures_dir / "article.html")
    assert (file.format, file.articles_added, file.quarantined) == ("article-html", 1, 0)
    (article,) = workspace.articles("arrow").to_pylist()
    assert article["title"] == "Election officials warn of fake ballot videos"
    assert article["url"] == "https://dailyledger.co.uk/politics/2024/10/25/fake-ballot-videos/"
    assert article["domain"] == "dailyledger.co.uk"
    assert article["author"] == "Jane Whitfield"
    assert article["published_at"].date() == date(2024, 10, 25)
    text = article["text"]
    assert "videos purporting to show mail-in ballots being torn up were fabricated" in text
    assert "reuse the same footage across several platforms" in text
    for boilerplate in (
        "ADVERTISEMENT SCRIPT",
        "gtag",
        "Subscribe for $1 a week",
        "Ten recipes for autumn",
        "Cookie settings",
        "font-family",
    ):
        assert boilerplate not in text


def test_article_text_first_line_is_the_title(workspace, fixtures_dir):
    file = ingest_one(workspace, fixtures_dir / "article.txt")
    assert (file.format, file.articles_added, file.quarantined) == ("article-text", 1, 0)
    (article,) = workspace.articles("arrow").to_pylist()
    assert article["title"] == "Foreign networks target voters with fake polling-place closures"
    assert article["text"].startswith("Posts claiming that polling places in several counties")
    assert article["text"].endswith("about the 2022 midterm elections.")
    assert (article["url"], article["published_at"], article["source_line"]) == (None, None, 1)


# -- the same data, stored differently -------------------------------------------------


def _compressed_copies(original: Path, folder: Path) -> dict[str, list[Path]]:
    data = original.read_bytes()
    folder.mkdir()
    (folder / "io.csv.gz").write_bytes(gzip.compress(data))
    (folder / "io_gzip_no_suffix").write_bytes(gzip.compress(data))
    (folder / "io.csv.zst").write_bytes(zstandard.ZstdCompressor().compress(data))
    (folder / "io.csv.bz2").write_bytes(bz2.compress(data))
    (folder / "io.csv.xz").write_bytes(lzma.compress(data))
    with zipfile.ZipFile(folder / "io.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(original, "export/io_archive.csv")
    directory = folder / "dir"
    directory.mkdir()
    shutil.copy(original, directory / "io_archive.csv")
    return {
        "gzip": [folder / "io.csv.gz"],
        "gzip without suffix": [folder / "io_gzip_no_suffix"],
        "zstd": [folder / "io.csv.zst"],
        "bz2": [folder / "io.csv.bz2"],
        "xz": [folder / "io.csv.xz"],
        "zip": [folder / "io.zip"],
        "directory": [directory],
    }


def _content(ws: Workspace) -> tuple[list, list]:
    posts = ws.sql(
        "SELECT * EXCLUDE (source_file, ingest_id) FROM posts ORDER BY post_id"
    ).fetchall()
    problems = ws.sql("SELECT line, location, reason, raw_excerpt FROM quarantine").fetchall()
    return posts, problems


def test_compressed_archived_and_directory_inputs_give_the_same_rows(fixtures_dir, tmp_path):
    original = fixtures_dir / "io_archive.csv"
    with Workspace(memory=True) as ws:
        ingest_one(ws, original)
        expected = _content(ws)
    assert len(expected[0]) == 7 and len(expected[1]) == 2
    for kind, paths in _compressed_copies(original, tmp_path / "copies").items():
        with Workspace(memory=True) as ws:
            report = ws.ingest(paths)
            assert [f.format for f in report.files] == ["twitter-io-csv"], kind
            assert _content(ws) == expected, kind
            if kind == "zip":
                assert report.files[0].source == f"{paths[0]}!export/io_archive.csv"


def test_reingesting_a_file_adds_nothing(workspace, fixtures_dir):
    path = fixtures_dir / "io_archive.csv"
    ingest_one(workspace, path)
    again = ingest_one(workspace, path)
    assert again.skipped is True
    assert (again.posts_added, again.accounts_added, again.quarantined) == (0, 0, 0)
    assert again.notes == ["already ingested (ingest 1); nothing added"]
    counts = workspace.sql(
        "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM accounts), "
        "(SELECT count(*) FROM quarantine), (SELECT count(*) FROM ingest_log)"
    ).fetchall()
    assert counts == [(7, 4, 2, 1)]


def test_reingesting_the_same_posts_from_another_file_counts_duplicates(
    workspace, fixtures_dir, tmp_path
):
    ingest_one(workspace, fixtures_dir / "io_archive.csv")
    copy = tmp_path / "io.csv.gz"
    copy.write_bytes(gzip.compress((fixtures_dir / "io_archive.csv").read_bytes()))
    again = ingest_one(workspace, copy)
    assert (again.skipped, again.posts_added, again.accounts_added, again.duplicates) == (
        False,
        0,
        0,
        7,
    )
    assert workspace.sql("SELECT count(*) FROM posts").fetchall() == [(7,)]


# -- the real data ---------------------------------------------------------------------


def test_shared_news_articles(workspace, shared_data):
    report = workspace.ingest([shared_data / "news"])
    assert [f.error for f in report.files] == [None, None]
    assert [f.format for f in report.files] == ["article-text", "article-text"]
    assert report.total("articles_added") == 2
    rows = workspace.sql(
        "SELECT source_file, title, length(text) FROM articles ORDER BY source_file"
    ).fetchall()
    assert [Path(name).name[:4] for name, _, _ in rows] == ["000_", "003_"]
    assert rows[0][1].startswith("Trump to discuss")
    assert all(title and length > 500 for _, title, length in rows)


IRA_HEAD_LINES = 5_000  # the header and 4,999 tweets


@pytest.fixture(scope="module")
def ira_head(shared_data, tmp_path_factory) -> Path:
    """The first 5,000 lines of the real IRA CSV, as a gzip file of its own."""
    path = tmp_path_factory.mktemp("ira") / "ira_head.csv.gz"
    with gzip.open(shared_data / "ira" / "tweets.csv.gz", "rb") as src:
        head = b"".join(src.readline() for _ in range(IRA_HEAD_LINES))
    path.write_bytes(gzip.compress(head))
    return path


def test_real_ira_head(ira_head):
    with Workspace(memory=True) as ws:
        file = ingest_one(ws, ira_head)
        assert file.format == "ira-csv"
        assert (file.posts_added, file.accounts_added, file.quarantined) == (4_999, 6, 0)
        types = dict(ws.sql("SELECT post_type, count(*) FROM posts GROUP BY 1").fetchall())
        assert types == {"post": 1_338, "reshare": 3_642, "quote": 19}
        languages = dict(ws.sql("SELECT lang, count(*) FROM posts GROUP BY 1").fetchall())
        assert len(languages) == 21
        assert {k: languages[k] for k in ("it", "en", "ru", "es", "uk", "tl")} == {
            "it": 2_919,
            "en": 1_551,
            "ru": 405,
            "es": 37,
            "uk": 29,
            "tl": 2,  # "Tagalog (Filipino)"
        }
        assert all(len(code) == 2 and code.islower() for code in languages)
        first = ws.sql(
            "SELECT account_id, created_at, text, source_line FROM posts ORDER BY source_line "
            "LIMIT 1"
        ).fetchall()
        assert first == [
            (
                "1D_Nicole_",
                datetime(2015, 5, 25, 12, 38),
                "Kim and kanye wedding http://t.co/6YdR6QlR6p",
                2,
            )
        ]
        tco = ws.sql("SELECT urls, domains FROM posts WHERE source_line = 2").fetchall()
        assert tco == [(["http://t.co/6YdR6QlR6p"], ["t.co"])]
        account = ws.sql(
            "SELECT followers, following, posts_count, location FROM accounts "
            "WHERE account_id = '1D_Nicole_'"
        ).fetchall()
        assert account == [(40, 48, 395, "United States")]


def test_real_ira_post_ids_are_stable(ira_head, tmp_path):
    ids = []
    for name in ("one.duckdb", "two.duckdb"):
        with Workspace(tmp_path / name) as ws:
            ingest_one(ws, ira_head)
            ids.append(ws.sql("SELECT source_line, post_id FROM posts ORDER BY 1").fetchall())
    assert ids[0] == ids[1]
    post_ids = [post_id for _, post_id in ids[0]]
    assert len(set(post_ids)) == 4_999
    assert all(pid.startswith("h") and len(pid.split(":")[0]) == 25 for pid in post_ids)
