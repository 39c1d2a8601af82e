"""Readers for social-media JSON: Twitter v2 (twarc2), Twitter v1.1, Telegram, Bluesky, Mastodon."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from infoops.ingest._base import ReadOptions, Sniff
from infoops.ingest._formats import SOCIAL_FORMATS as FORMATS
from infoops.ingest._mastodon import html_to_text
from infoops.ingest._prepare import prepare_posts
from infoops.ingest._records import POST_SCHEMA, Chunk, Problem
from infoops.ingest._sources import iter_sources

FIXTURES = Path(__file__).parent / "fixtures"
CASES = {
    "twitter-v2": "twarc2.jsonl",
    "twitter-v1": "twitter_v1.jsonl",
    "telegram": "telegram_export.json",
    "bluesky": "bluesky_posts.json",
    "mastodon": "mastodon_statuses.json",
}
ALICE_BSKY = "did:plc:u5cwb2mwiv2bfq53cjufe6yn"
CAROL_BSKY = "did:plc:7xk4n2rq3jzt6m5pvyw2adhe"


def _format(name: str):
    return next(f for f in FORMATS if f.name == name)


def _claims(path: Path) -> list[str]:
    source = next(iter_sources([path]))
    sniff = Sniff(source.name, source.peek())
    return [f.name for f in FORMATS if f.sniff(sniff)]


def _read(path: Path, format_name: str, options: ReadOptions | None = None):
    source = next(iter_sources([path]))
    items = list(_format(format_name).read(source, options or ReadOptions()))
    chunks = [item for item in items if isinstance(item, Chunk)]
    problems = [item for item in items if isinstance(item, Problem)]
    assert len(chunks) + len(problems) == len(items)
    for chunk in chunks:
        assert chunk.table == "posts"
        assert chunk.data.schema == POST_SCHEMA
    rows = [row for chunk in chunks for row in chunk.data.to_pylist()]
    return rows, problems


def _by_id(rows: list[dict]) -> dict[str, dict]:
    by_id = {row["post_id"]: row for row in rows}
    assert len(by_id) == len(rows), "post ids are unique"
    return by_id


def _write_jsonl(path: Path, values: list) -> Path:
    path.write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values), "utf-8")
    return path


# ----------------------------------------------------------------------------- registry, sniffing


def test_formats_are_registered_in_order():
    assert [f.name for f in FORMATS] == [
        "twitter-v2",
        "twitter-v1",
        "telegram",
        "bluesky",
        "mastodon",
    ]
    assert all(f.table == "posts" and not f.needs_mapping for f in FORMATS)


@pytest.mark.parametrize(("format_name", "fixture"), CASES.items())
def test_each_sniff_claims_only_its_own_fixture(format_name, fixture):
    assert _claims(FIXTURES / fixture) == [format_name]


@pytest.mark.parametrize(("format_name", "fixture"), CASES.items())
def test_sniffing_is_by_content_not_name(tmp_path, format_name, fixture):
    renamed = tmp_path / "export.txt"
    shutil.copy(FIXTURES / fixture, renamed)
    assert _claims(renamed) == [format_name]


@pytest.mark.parametrize(("format_name", "fixture"), CASES.items())
def test_sniff_reads_a_peek_cut_off_mid_document(format_name, fixture):
    head = (FIXTURES / fixture).read_bytes()[:1500]
    sniff = Sniff(fixture, head)
    assert [f.name for f in FORMATS if f.sniff(sniff)] == [format_name]


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"\x00\x01\xff",
        b"42",
        b"[1, 2]",
        b"{}",
        b'{"messages": 5}',
        b'{"data": [1], "meta": {}}',
        b'{"data": [{"start": "2023-01-01T00:00:00.000Z", "tweet_count": 5}], "meta": {}}',
        b"tweetid,userid,user_screen_name,tweet_text\n1,2,a,b\n",
        b'{"uri": "at://did:plc:x/app.bsky.feed.post/1"}',
        b'{"feed": [], "cursor": "x"}',
        b'{"id": 1, "name": "x", "type": "y"}',
        b'[{"uri": "https://m.example/1", "content": "<p>x</p>", "account": "a"}]',
    ],
)
def test_no_format_claims_other_content(head):
    sniff = Sniff("file", head)
    assert [f.name for f in FORMATS if f.sniff(sniff)] == []


def test_jsonl_with_a_broken_first_line_still_reads_the_rest(tmp_path):
    path = tmp_path / "tweets.jsonl"
    lines = (FIXTURES / "twitter_v1.jsonl").read_text("utf-8")
    path.write_text('{"id_str": "1", "user": {\n' + lines, "utf-8")
    rows, problems = _read(path, "twitter-v1")
    assert len(rows) == 5
    assert rows[0]["source_line"] == 2
    assert problems[0].line == 1
    assert problems[0].reason.startswith("invalid JSON")


@pytest.mark.parametrize(("format_name", "fixture"), CASES.items())
def test_gzip_copy_reads_the_same(tmp_path, format_name, fixture):
    packed = tmp_path / "packed.bin"  # no .gz: compression is found by magic bytes
    packed.write_bytes(gzip.compress((FIXTURES / fixture).read_bytes()))
    assert _claims(packed) == [format_name]
    plain_rows, plain_problems = _read(FIXTURES / fixture, format_name)
    rows, problems = _read(packed, format_name)
    assert rows == plain_rows
    assert [(p.line, p.location, p.reason) for p in problems] == [
        (p.line, p.location, p.reason) for p in plain_problems
    ]


@pytest.mark.parametrize(("format_name", "fixture"), CASES.items())
def test_rows_pass_the_shared_row_checks(format_name, fixture):
    source = next(iter_sources([FIXTURES / fixture]))
    for item in _format(format_name).read(source, ReadOptions()):
        if isinstance(item, Chunk):
            good, problems = prepare_posts(item.data)
            assert problems == []
            assert good.num_rows == item.data.num_rows


def test_platform_option_overrides_the_default():
    rows, _ = _read(FIXTURES / CASES["mastodon"], "mastodon", ReadOptions(platform="hometown"))
    assert {row["platform"] for row in rows} == {"hometown"}


# ----------------------------------------------------------------------------- Twitter API v2


def test_twarc2_pages():
    rows, problems = _read(FIXTURES / "twarc2.jsonl", "twitter-v2")
    posts = _by_id(rows)
    # includes.tweets (the retweeted and quoted originals) are not posts of their own.
    assert list(posts) == [
        "1631282740139319296",
        "1631291847562838017",
        "1631302298764251136",
        "1631315549803462656",
        "1631402215877562368",
    ]
    assert {row["platform"] for row in rows} == {"twitter"}

    original = posts["1631282740139319296"]
    assert original["post_type"] == "post"
    assert original["account_id"] == "1260614382957027328"
    assert original["account_name"] == "alice_osint"
    assert original["account_display_name"] == "Alice Ö."
    assert original["account_created_at"] == datetime(2020, 5, 13, 17, 2, 11)
    assert (original["followers"], original["following"], original["posts_count"]) == (
        1520,
        310,
        8842,
    )
    assert original["account_location"] == "Berlin"
    assert original["created_at"] == datetime(2023, 3, 2, 13, 45)
    assert original["created_at_raw"] == "2023-03-02T13:45:00.000Z"
    assert original["urls"] == ["https://example.org/reports/2023/networks"]  # unwound_url
    assert original["hashtags"] == ["disinfo"]
    assert original["mentions"] == ["carol_news"]
    assert original["lang"] == "en"
    assert original["source_line"] == 1

    retweet = posts["1631291847562838017"]
    assert retweet["post_type"] == "reshare"
    assert retweet["reshare_of_post"] == "1631280011122233344"
    assert retweet["reshare_of_account"] == "2244994945"  # from includes.tweets author_id
    assert retweet["text"].startswith("RT @carol_news: Срочно")
    assert retweet["text"].endswith("#Дезинформация")  # the original's untruncated text
    assert retweet["hashtags"] == ["дезинформация"]
    assert retweet["urls"] == ["https://news.example.ru/2023/03/02/seti"]

    reply = posts["1631302298764251136"]
    assert reply["post_type"] == "reply"
    assert reply["reply_to"] == "1631282740139319296"
    assert reply["reply_to_account"] == "1260614382957027328"
    assert reply["account_name"] == "bob_replies"
    assert reply["mentions"] == ["alice_osint"]

    quote = posts["1631315549803462656"]
    assert quote["post_type"] == "quote"
    assert quote["quote_of"] == "1631100022233344000"
    assert quote["urls"] == ["https://twitter.com/carol_news/status/1631100022233344000"]

    photo = posts["1631402215877562368"]
    assert photo["text"].startswith("東京で")
    assert photo["lang"] == "ja"
    assert photo["urls"] == []  # the attached photo's link is media, not a shared URL
    assert photo["account_name"] == "tanaka_k"
    assert photo["source_line"] == 2

    assert len(problems) == 2
    missing_author, broken_line = problems
    assert missing_author.line == 2
    assert missing_author.location == "line 2 data[2]"
    assert missing_author.reason == "missing author_id"
    assert "1631403377001234432" in missing_author.raw
    assert broken_line.line == 3
    assert broken_line.reason.startswith("invalid JSON")


def test_twarc2_flattened_tweet_line(tmp_path):
    flat = {
        "id": "1700000000000000001",
        "author_id": "42",
        "created_at": "2023-09-08T07:06:05.000Z",
        "text": "RT @origin: The original text",
        "lang": "en",
        "edit_history_tweet_ids": ["1700000000000000001"],
        "entities": {"mentions": [{"start": 3, "end": 10, "username": "origin", "id": "7"}]},
        "author": {"id": "42", "username": "flat_user", "name": "Flat", "public_metrics": {}},
        "referenced_tweets": [
            {
                "type": "retweeted",
                "id": "1699999999999999999",
                "author_id": "7",
                "text": "The original text, in full",
                "author": {"id": "7", "username": "origin"},
            }
        ],
        "__twarc": {"url": "https://api.twitter.com/2/tweets/search/recent", "version": "2.14.0"},
    }
    path = _write_jsonl(tmp_path / "flat.jsonl", [flat])
    assert _claims(path) == ["twitter-v2"]
    rows, problems = _read(path, "twitter-v2")
    assert problems == []
    (row,) = rows
    assert row["account_name"] == "flat_user"
    assert row["post_type"] == "reshare"
    assert row["reshare_of_account"] == "7"
    assert row["text"] == "RT @origin: The original text, in full"


def test_twarc2_wrong_types_become_problems(tmp_path):
    page = {
        "data": [
            {"id": "1", "author_id": "2", "created_at": "not a time", "text": "x"},
            {"id": "3", "author_id": "4", "created_at": "2023-01-01T00:00:00Z", "entities": []},
            {"id": "5", "author_id": "6", "created_at": "2023-01-01T00:00:00Z", "text": "ok"},
        ],
        "meta": {"result_count": 3},
    }
    bad_page = {"data": "oops", "meta": {}}
    path = _write_jsonl(tmp_path / "p.jsonl", [page, bad_page])
    rows, problems = _read(path, "twitter-v2")
    assert [row["post_id"] for row in rows] == ["5"]
    assert [(p.location, p.reason) for p in problems] == [
        ("line 1 data[1]", "created_at: cannot parse 'not a time'"),
        ("line 1 data[2]", "entities: expected an object, got list"),
        ("line 2", "data: expected a list of tweets, got string"),
    ]


# ----------------------------------------------------------------------------- Twitter API v1.1


def test_twitter_v1_lines():
    rows, problems = _read(FIXTURES / "twitter_v1.jsonl", "twitter-v1")
    posts = _by_id(rows)
    assert list(posts) == [
        "1050118621198921728",
        "1050129389537554432",
        "1050132616345612288",
        "1050151678901223424",
        "1050264733802569728",
    ]  # the stream's delete notice on line 6 is not a post and not a problem

    original = posts["1050118621198921728"]
    assert original["post_type"] == "post"
    assert original["account_id"] == "987654321"
    assert original["account_name"] == "dana_analyst"
    assert original["created_at"] == datetime(2018, 10, 10, 20, 19, 24)
    assert original["created_at_raw"] == "Wed Oct 10 20:19:24 +0000 2018"
    assert original["account_created_at"] == datetime(2015, 3, 2, 14, 5, 10)
    assert (original["followers"], original["following"], original["posts_count"]) == (
        4210,
        377,
        15874,
    )
    assert original["urls"] == ["https://example.com/analysis/network?ref=tw"]
    assert original["hashtags"] == ["electionwatch"]
    assert original["mentions"] == ["dfrlab"]
    assert original["source_line"] == 1

    retweet = posts["1050129389537554432"]
    assert retweet["post_type"] == "reshare"
    assert retweet["reshare_of_post"] == "1049876543210987520"
    assert retweet["reshare_of_account"] == "1049876000111222333"
    assert retweet["text"].endswith("одинаковые хэштеги. #OSINT")  # not the cut "…" text
    assert retweet["hashtags"] == ["osint"]
    assert retweet["mentions"] == ["frank_facts"]
    assert retweet["account_display_name"] == "Eve 🇺🇸"

    reply = posts["1050132616345612288"]
    assert reply["post_type"] == "reply"
    assert reply["reply_to"] == "1050118621198921728"
    assert reply["reply_to_account"] == "987654321"
    assert reply["lang"] == "ar"
    assert reply["text"] == "@dana_analyst شكراً على هذا التحليل المفيد"
    assert reply["account_location"] == "الرياض"

    quote = posts["1050151678901223424"]
    assert quote["post_type"] == "quote"
    assert quote["quote_of"] == "1049876543210987520"

    extended = posts["1050264733802569728"]  # streaming compat mode: extended_tweet wins
    assert extended["text"].endswith("#Desinformation #Wahlen2018")
    assert extended["urls"] == ["https://beispiel.de/artikel/kampagne"]
    assert extended["hashtags"] == ["desinformation", "wahlen2018"]
    assert extended["account_name"] == "JoergMueller"

    assert [(p.line, p.location, p.reason) for p in problems] == [
        (7, "line 7", "created_at: cannot parse 'yesterday at noon'"),
        (8, "line 8", "user: expected an object, got list"),
    ]
    assert '"id_str":"1050300000000000000"' in problems[0].raw


def test_twitter_v1_json_array_and_missing_fields(tmp_path):
    tweets = [json.loads(line) for line in (FIXTURES / "twitter_v1.jsonl").open(encoding="utf-8")]
    no_user = {"id_str": "9", "created_at": "Wed Oct 10 20:19:24 +0000 2018", "text": "x"}
    path = tmp_path / "tweets.json"
    path.write_text(json.dumps([tweets[0], no_user], indent=1), "utf-8")
    assert _claims(path) == ["twitter-v1"]
    rows, problems = _read(path, "twitter-v1")
    assert [row["post_id"] for row in rows] == ["1050118621198921728"]
    assert rows[0]["source_line"] is None  # an item of one document has no line
    assert [(p.location, p.reason) for p in problems] == [("item[2]", "missing user")]


# ----------------------------------------------------------------------------- Telegram


def test_telegram_single_chat_export():
    rows, problems = _read(FIXTURES / "telegram_export.json", "telegram")
    posts = _by_id(rows)
    # Service messages 1 (channel created) and 4 (pin) are skipped without a problem.
    assert list(posts) == [
        "channel1712345678/2",
        "channel1712345678/3",
        "channel1712345678/5",
        "channel1712345678/6",
    ]
    assert {row["platform"] for row in rows} == {"telegram"}
    assert {row["account_id"] for row in rows} == {"channel1712345678"}
    assert {row["account_name"] for row in rows} == {"Новости Мира"}
    assert {row["source_line"] for row in rows} == {None}

    first = posts["channel1712345678/2"]
    assert first["post_type"] == "post"
    assert first["created_at"] == datetime(2021, 1, 1, 12, 0)  # date_unixtime, in UTC
    assert first["created_at_raw"] == "2021-01-01T15:00:00"  # the exporter's local time
    assert first["text"] == (
        "Главное за день: https://example.org/news/1 и подробный разбор #Выборы @World_News 🇺🇦"
    )
    assert first["urls"] == ["https://example.org/news/1", "https://example.org/analysis?id=7"]
    assert first["hashtags"] == ["выборы"]
    assert first["mentions"] == ["world_news"]

    forward = posts["channel1712345678/3"]
    assert forward["post_type"] == "reshare"
    assert forward["reshare_of_account"] == "Другой канал"
    assert forward["created_at"] == datetime(2021, 1, 2, 8, 30, 15)

    reply = posts["channel1712345678/5"]
    assert reply["post_type"] == "reply"
    assert reply["reply_to"] == "channel1712345678/2"
    assert reply["reply_to_account"] == "channel1712345678"
    assert reply["urls"] == ["http://example.com/update"]  # a schemeless link entity
    assert reply["created_at"] == datetime(2021, 1, 3, 21, 45)

    plain = posts["channel1712345678/6"]  # old export: no from_id, no date_unixtime, no entities
    assert plain["account_id"] == "channel1712345678"
    assert plain["account_name"] == "Новости Мира"
    assert plain["created_at"] == datetime(2021, 1, 4, 9, 5)
    assert plain["urls"] is None and plain["hashtags"] is None and plain["mentions"] is None

    assert [(p.line, p.location, p.reason) for p in problems] == [
        (None, "messages[7]", "date_unixtime: cannot parse 'yesterday'"),
        (None, "messages[8]", "text: expected a string or list, got int"),
    ]
    assert '"id":7' in problems[0].raw


def test_telegram_full_account_export(tmp_path):
    chat = json.loads((FIXTURES / "telegram_export.json").read_text("utf-8"))
    personal = {
        "name": "Мария",
        "type": "personal_chat",
        "id": 555001,
        "messages": [
            {
                "id": 10,
                "type": "message",
                "date": "2022-02-02T10:00:00",
                "date_unixtime": "1643796000",
                "from": "Мария",
                "from_id": "user555001",
                "text": "Привет",
                "text_entities": [{"type": "plain", "text": "Привет"}],
            },
            {"id": 11, "type": "service", "date": "2022-02-02T10:01:00", "action": "phone_call"},
        ],
    }
    export = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 1, "first_name": "Me"},
        "contacts": {"about": "", "list": [{"first_name": "A", "date": "2020-01-01T00:00:00"}]},
        "chats": {"about": "", "list": [chat, personal]},
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False, indent=1), "utf-8")
    assert _claims(path) == ["telegram"]
    rows, problems = _read(path, "telegram")
    assert [row["post_id"] for row in rows] == [
        "channel1712345678/2",
        "channel1712345678/3",
        "channel1712345678/5",
        "channel1712345678/6",
        "user555001/10",
    ]
    assert rows[-1]["account_id"] == "user555001"
    assert rows[-1]["created_at"] == datetime(2022, 2, 2, 10, 0)
    assert [p.location for p in problems] == [
        "chats.list[1].messages[7]",
        "chats.list[1].messages[8]",
    ]


def test_telegram_truncated_export_keeps_what_was_read(tmp_path):
    data = (FIXTURES / "telegram_export.json").read_bytes()
    cut = data.index(b'"id": 5')
    path = tmp_path / "cut.json"
    path.write_bytes(data[:cut])
    rows, problems = _read(path, "telegram")
    assert [row["post_id"] for row in rows] == ["channel1712345678/2", "channel1712345678/3"]
    (problem,) = problems
    assert problem.location == "after messages[4]"
    assert problem.reason.startswith("invalid JSON")


# ----------------------------------------------------------------------------- Bluesky


def test_bluesky_author_feed():
    rows, problems = _read(FIXTURES / "bluesky_posts.json", "bluesky")
    posts = _by_id(rows)
    assert len(rows) == 5
    assert {row["platform"] for row in rows} == {"bluesky"}
    assert {row["account_id"] for row in rows} == {ALICE_BSKY}
    assert {row["account_name"] for row in rows} == {"alice.bsky.social"}

    first = posts[f"at://{ALICE_BSKY}/app.bsky.feed.post/3kskvz4ruyc2e"]
    assert first["post_type"] == "post"
    assert first["created_at"] == datetime(2024, 5, 1, 9, 15, 0, 123000)
    assert first["created_at_raw"] == "2024-05-01T09:15:00.123Z"
    assert first["lang"] == "uk"
    assert first["urls"] == ["https://example.org/report/2024/bots?lang=uk"]  # not the "…" text
    assert first["hashtags"] == ["disinfo"]
    assert first["mentions"] == ["bob.bsky.social"]  # the handle shown, not the DID
    assert first["account_display_name"] == "Alice 🦋"
    assert first["account_created_at"] == datetime(2023, 4, 20, 12, 0)

    repost = posts[f"at://{ALICE_BSKY}/app.bsky.feed.repost/3ksk2ab7jxs2f"]
    assert repost["post_type"] == "reshare"
    assert repost["reshare_of_post"] == f"at://{CAROL_BSKY}/app.bsky.feed.post/3ksjq2mtbvk2a"
    assert repost["reshare_of_account"] == CAROL_BSKY
    assert repost["created_at"] == datetime(2024, 4, 30, 20, 10)  # when alice reposted
    assert repost["text"].startswith("Breaking: the same text")

    reply = posts[f"at://{ALICE_BSKY}/app.bsky.feed.post/3ksjz7wyhnc2b"]
    assert reply["post_type"] == "reply"
    assert reply["reply_to"] == f"at://{CAROL_BSKY}/app.bsky.feed.post/3ksjq2mtbvk2a"
    assert reply["reply_to_account"] == CAROL_BSKY
    assert reply["created_at"] == datetime(2024, 4, 30, 17, 30)  # +02:00 converted to UTC
    assert reply["mentions"] == ["carol.bsky.social"]

    quote = posts[f"at://{ALICE_BSKY}/app.bsky.feed.post/3ksj5ewqzfk2x"]
    assert quote["post_type"] == "quote"
    assert (
        quote["quote_of"]
        == "at://did:plc:m2ogq4cvy7e3kbl5wnzr6fsu/app.bsky.feed.post/3ksh6yplqpc2l"
    )
    assert quote["text"] == "Très intéressant — 日本語のテキストも"
    assert quote["lang"] == "fr"

    card = posts[f"at://{ALICE_BSKY}/app.bsky.feed.post/3ksi2ppxgla2d"]
    assert card["urls"] == ["https://news.example.com/story?id=42"]  # the link card

    (problem,) = problems
    assert problem.line is None
    assert problem.location == "feed[6]"
    assert problem.reason == "author: expected an object, got list"
    assert "3kshzzzzzzz2z" in problem.raw


def test_bluesky_post_views_as_jsonl_and_array(tmp_path):
    feed = json.loads((FIXTURES / "bluesky_posts.json").read_text("utf-8"))["feed"]
    views = [item["post"] for item in feed[:5]]
    jsonl = _write_jsonl(tmp_path / "posts.jsonl", views)
    array = tmp_path / "posts.json"
    array.write_text(json.dumps(views, indent=2, ensure_ascii=False), "utf-8")
    search = tmp_path / "search.json"
    search.write_text(json.dumps({"cursor": "25", "hitsTotal": 5, "posts": views}, indent=2))
    for path in (jsonl, array, search):
        assert _claims(path) == ["bluesky"], path.name
        rows, problems = _read(path, "bluesky")
        assert problems == []
        # Without the feed's repost reason, carol's post is simply carol's post.
        assert [row["account_id"] for row in rows] == [ALICE_BSKY, CAROL_BSKY] + [ALICE_BSKY] * 3
        assert [row["post_type"] for row in rows] == ["post", "post", "reply", "quote", "post"]
    rows, _ = _read(jsonl, "bluesky")
    assert [row["source_line"] for row in rows] == [1, 2, 3, 4, 5]


def test_bluesky_repost_without_reason_uri(tmp_path):
    item = json.loads((FIXTURES / "bluesky_posts.json").read_text("utf-8"))["feed"][1]
    del item["reason"]["uri"], item["reason"]["cid"]
    rows, problems = _read(_write_jsonl(tmp_path / "feed.jsonl", [item]), "bluesky")
    assert problems == []
    post_uri = f"at://{CAROL_BSKY}/app.bsky.feed.post/3ksjq2mtbvk2a"
    assert rows[0]["post_id"] == f"{post_uri}#reposted-by:{ALICE_BSKY}"
    assert rows[0]["account_id"] == ALICE_BSKY


def test_bluesky_bad_dates_and_uris(tmp_path):
    good = json.loads((FIXTURES / "bluesky_posts.json").read_text("utf-8"))["feed"][0]["post"]
    bad_date = json.loads(json.dumps(good))
    bad_date["record"]["createdAt"] = "sometime in May"
    bad_uri = dict(good, uri="https://bsky.app/profile/alice.bsky.social/post/3kskvz4ruyc2e")
    path = _write_jsonl(tmp_path / "bad.jsonl", [good, bad_date, bad_uri])
    rows, problems = _read(path, "bluesky")
    assert len(rows) == 1
    assert [(p.line, p.reason) for p in problems] == [
        (2, "record.createdAt: cannot parse 'sometime in May'"),
        (
            3,
            "uri: expected an at:// URI, got 'https://bsky.app/profile/alice.bsky.social/post/3kskvz4ruyc2e'",
        ),
    ]


# ----------------------------------------------------------------------------- Mastodon


def test_mastodon_statuses():
    rows, problems = _read(FIXTURES / "mastodon_statuses.json", "mastodon")
    posts = _by_id(rows)
    assert len(rows) == 4
    assert {row["platform"] for row in rows} == {"mastodon"}

    reply = posts["https://fosstodon.org/users/bob/statuses/112345678901234567"]
    assert reply["account_id"] == "bob@fosstodon.org"
    assert reply["post_type"] == "reply"
    assert reply["reply_to_account"] == "alice@mastodon.social"  # resolved through mentions
    assert reply["reply_to"] == "112345600000000001"  # the parent comes later: its local id
    assert reply["text"] == "@alice Danke für die Übersicht! Größere Netzwerke folgen?"
    assert reply["mentions"] == ["alice@mastodon.social"]
    assert reply["lang"] == "de"
    assert reply["account_description"] == "Fediverse researcher"

    quote = posts["https://mastodon.social/users/alice/statuses/112345670000000001"]
    assert quote["post_type"] == "quote"
    assert quote["quote_of"] == "https://mstdn.example/users/carol/statuses/112340000000000000"
    assert quote["text"] == "This matches what we found."  # the "RE: link" fallback is dropped
    assert quote["urls"] == []

    reblog = posts["https://mastodon.social/users/alice/statuses/112345650000000001/activity"]
    assert reblog["post_type"] == "reshare"
    assert reblog["account_id"] == "alice@mastodon.social"
    assert (
        reblog["reshare_of_post"]
        == "https://mastodon.online/users/dmitri/statuses/112345640000000000"
    )
    assert reblog["reshare_of_account"] == "dmitri@mastodon.online"
    assert reblog["text"] == "Разбор кампании: https://novosti.example/razbor #Пропаганда"
    assert reblog["urls"] == ["https://novosti.example/razbor"]
    assert reblog["hashtags"] == ["пропаганда"]
    assert reblog["lang"] == "ru"

    original = posts["https://mastodon.social/users/alice/statuses/112345600000000001"]
    assert original["post_type"] == "post"
    assert original["account_id"] == "alice@mastodon.social"
    assert original["account_name"] == "alice@mastodon.social"
    assert original["account_display_name"] == "Alice Ümlaut"
    assert original["account_created_at"] == datetime(2022, 11, 6)
    assert original["account_description"] == "Researcher & writer. Views mine."
    assert (original["followers"], original["following"], original["posts_count"]) == (
        1200,
        300,
        560,
    )
    assert original["created_at"] == datetime(2024, 4, 30, 12, 34, 56, 789000)
    assert original["text"] == (
        "New writeup on coordinated inauthentic behaviour & how we found it: "
        "https://example.org/writeup/cib?utm_source=mastodon\n\n#OSINT cc @bob"
    )
    assert original["urls"] == ["https://example.org/writeup/cib?utm_source=mastodon"]
    assert original["hashtags"] == ["osint"]
    assert original["mentions"] == ["bob@fosstodon.org"]
    assert original["media_hashes"] is None

    assert [(p.line, p.location, p.reason) for p in problems] == [
        (None, "item[5]", "account: expected an object, got string"),
        (None, "item[6]", "created_at: cannot parse '31/12/2023 10:00'"),
    ]


def test_mastodon_jsonl_resolves_replies_to_earlier_statuses(tmp_path):
    statuses = json.loads((FIXTURES / "mastodon_statuses.json").read_text("utf-8"))
    oldest_first = list(reversed(statuses[:4]))
    path = _write_jsonl(tmp_path / "statuses.jsonl", oldest_first)
    assert _claims(path) == ["mastodon"]
    rows, problems = _read(path, "mastodon")
    assert problems == []
    reply = rows[-1]
    assert reply["reply_to"] == "https://mastodon.social/users/alice/statuses/112345600000000001"
    assert reply["source_line"] == 4


def test_html_to_text():
    text, links = html_to_text(
        '<p>One &amp; two<br>three <a href="https://x.example/a">x.example/a</a></p>'
        '<p><a href="https://m.example/tags/t" class="mention hashtag" rel="tag">#t</a></p>'
    )
    assert text == "One & two\nthree x.example/a\n\n#t"
    assert links == ["https://x.example/a"]
