"""Twitter readers: API v2 pages as written by ``twarc2`` and API v1.1 tweets.

* ``twitter-v2``: Twitter API v2 response pages as written by ``twarc2`` (one
  page per line; authors and referenced tweets are joined from ``includes``).
  A line holding one bare v2 tweet (``twarc2 flatten``) also reads.
* ``twitter-v1``: Twitter API v1.1 tweets, one per line (or a JSON array).

A retweet row carries the original's full text, as ``RT @name: ...``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ._base import Format, ReadOptions, Sniff
from ._json_records import (
    Converter,
    RecordError,
    Row,
    guarded,
    iter_records,
    json_handles,
    json_int,
    json_kind,
    json_links,
    json_maybe_time,
    json_obj,
    json_objects,
    json_str,
    json_time,
    make_row,
    merge_lists,
    post_type_of,
    read_records,
)
from ._records import Chunk, Problem
from ._sources import Source
from ._times import parse_iso, parse_twitter

# =========================================================================== Twitter API v2


def _is_v2_tweet(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and "id" in value
        and ("author_id" in value or "edit_history_tweet_ids" in value)
        and "id_str" not in value
        and "user" not in value
    )


def sniff_twitter_v2(sniff: Sniff) -> bool:
    value = sniff.first_json
    if isinstance(value, dict):
        if "data" in value and value.keys() & {"includes", "meta", "__twarc"}:
            data = value["data"]
            first = data[0] if isinstance(data, list) and data else data
            if isinstance(first, dict):
                return "id" in first and ("text" in first or "author_id" in first)
            return "__twarc" in value or "includes" in value
        return _is_v2_tweet(value)
    if value is None:  # one page is often longer than the peek: look at its opening
        return bool(re.match(r'\{\s*"data"\s*:\s*\[\s*\{', sniff.stripped)) and (
            '"author_id"' in sniff.text
        )
    return False


def _v2_user_fields(user: dict | None) -> Row:
    if user is None:
        return {}
    metrics = json_obj(user, "public_metrics", "user.") or {}
    return {
        "account_name": json_str(user, "username", "user."),
        "account_display_name": json_str(user, "name", "user."),
        "account_created_at": json_maybe_time(user.get("created_at"), parse_iso),
        "followers": json_int(metrics.get("followers_count")),
        "following": json_int(metrics.get("following_count")),
        "posts_count": json_int(metrics.get("tweet_count")),
        "account_description": json_str(user, "description", "user."),
        "account_location": json_str(user, "location", "user."),
    }


def _v2_entities(tweet: dict) -> tuple[list[str] | None, list[str] | None, list[str] | None]:
    """URLs (unwound or expanded), hashtags and mention usernames; long tweets use note_tweet."""
    note = json_obj(tweet, "note_tweet")
    entities = json_obj(note, "entities", "note_tweet.") if note else None
    path = "note_tweet.entities."
    if entities is None:
        entities, path = json_obj(tweet, "entities"), "entities."
    if entities is None:
        return None, None, None
    urls = json_links(
        item.get("unwound_url") or item.get("expanded_url") or item.get("url")
        for item in json_objects(entities, "urls", path)
        if not item.get("media_key")  # attached photos/videos, not shared links
    )
    hashtags = json_handles(item.get("tag") for item in json_objects(entities, "hashtags", path))
    mentions = json_handles(
        item.get("username") for item in json_objects(entities, "mentions", path)
    )
    return urls, hashtags, mentions


def _v2_text(tweet: dict) -> str | None:
    note = json_obj(tweet, "note_tweet")
    return (json_str(note, "text", "note_tweet.") if note else None) or json_str(tweet, "text")


def _v2_tweet(
    tweet: Any, users: dict[str, dict], tweets: dict[str, dict], line: int | None, platform: str
) -> Row:
    if not isinstance(tweet, dict):
        raise RecordError(f"tweet: expected an object, got {json_kind(tweet)}")
    post_id = json_str(tweet, "id", required=True)
    author = json_str(tweet, "author_id", required=True)
    created_at, created_raw = json_time(tweet.get("created_at"), "created_at", parse_iso)
    refs: dict[str, str] = {}
    for index, ref in enumerate(json_objects(tweet, "referenced_tweets")):
        kind = json_str(ref, "type", f"referenced_tweets[{index}].", required=True)
        refs.setdefault(kind, json_str(ref, "id", f"referenced_tweets[{index}].", required=True))
    text = _v2_text(tweet)
    urls, hashtags, mentions = _v2_entities(tweet)

    reshare_of = refs.get("retweeted")
    reshare_account = None
    if reshare_of:
        original = tweets.get(reshare_of)
        entities = tweet.get("entities")
        rt_mentions = entities.get("mentions") if isinstance(entities, dict) else None
        # "RT @name: ..." mentions the original author first (characters 3 onwards).
        rt_mention = next(
            (m for m in rt_mentions or [] if isinstance(m, dict) and m.get("start") == 3), {}
        )
        reshare_account = (original and json_str(original, "author_id")) or json_str(
            rt_mention, "id"
        )
        if original is not None:
            source_user = users.get(reshare_account or "") or {}
            name = source_user.get("username") or rt_mention.get("username")
            original_text = _v2_text(original)
            if name and original_text:  # the tweet's own text is cut at 140 characters
                text = f"RT @{name}: {original_text}"
            o_urls, o_hashtags, o_mentions = _v2_entities(original)
            urls, hashtags = merge_lists(urls, o_urls), merge_lists(hashtags, o_hashtags)
            mentions = merge_lists(mentions, o_mentions)
    quote_of = None if reshare_of else refs.get("quoted")
    reply_to = refs.get("replied_to")
    reply_account = json_str(tweet, "in_reply_to_user_id")
    if reply_to and not reply_account:
        reply_account = json_str(tweets.get(reply_to), "author_id")
    return make_row(
        platform=platform,
        post_id=post_id,
        account_id=author,
        created_at=created_at,
        created_at_raw=created_raw,
        text=text,
        lang=json_str(tweet, "lang"),
        post_type=post_type_of(reshare_of, quote_of, reply_to),
        reshare_of_post=reshare_of,
        reshare_of_account=reshare_account,
        reply_to=reply_to,
        reply_to_account=reply_account,
        quote_of=quote_of,
        urls=urls,
        hashtags=hashtags,
        mentions=mentions,
        source_line=line,
        **_v2_user_fields(users.get(author)),
    )


def _by_id(items: list[dict]) -> dict[str, dict]:
    return {str(item["id"]): item for item in items if item.get("id") is not None}


def _v2_record(platform: str) -> Converter:
    def convert(
        value: Any, _context: Any, line: int | None, location: str
    ) -> Iterator[Row | Problem]:
        if not isinstance(value, dict):
            raise RecordError(
                f"expected a v2 response page or tweet object, got {json_kind(value)}"
            )
        if "data" in value:
            data = value["data"]
            if isinstance(data, dict):
                data = [data]
            if not isinstance(data, list):
                raise RecordError(f"data: expected a list of tweets, got {json_kind(data)}")
            includes = json_obj(value, "includes") or {}
            users = _by_id(json_objects(includes, "users", "includes."))
            tweets = _by_id(json_objects(includes, "tweets", "includes."))

            def one(tweet: Any, _c: Any, number: int | None, _where: str) -> Iterator[Row]:
                yield _v2_tweet(tweet, users, tweets, number, platform)

            for index, tweet in enumerate(data, start=1):
                yield from guarded(one, tweet, None, line, f"{location} data[{index}]")
        elif "id" in value and ("author_id" in value or "text" in value):
            # One flattened tweet (``twarc2 flatten``): author and references are inline.
            author = json_obj(value, "author")
            users = {str(author.get("id")): author} if author else {}
            refs = [ref for ref in json_objects(value, "referenced_tweets") if "author_id" in ref]
            for ref in refs:
                ref_author = json_obj(ref, "author", "referenced_tweets[].")
                if ref_author and ref_author.get("id") is not None:
                    users.setdefault(str(ref_author["id"]), ref_author)
            yield _v2_tweet(value, users, _by_id(refs), line, platform)
        elif not value.keys() & {"meta", "errors", "__twarc"}:  # a page with no results is fine
            raise RecordError("not a Twitter API v2 page (no 'data') or tweet (no 'id')")

    return convert


def read_twitter_v2(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    """Tweets of twarc2 JSON Lines; ``includes`` supply authors and referenced originals."""
    return read_records(iter_records(source), _v2_record(options.platform or "twitter"))


# =========================================================================== Twitter API v1.1

# Streaming API notices that share a file with tweets but are not posts.
_V1_NOTICES = frozenset(
    {"delete", "limit", "scrub_geo", "status_withheld", "user_withheld", "disconnect", "warning"}
)


def sniff_twitter_v1(sniff: Sniff) -> bool:
    value = sniff.first_json
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return "id_str" in value and isinstance(value.get("user"), dict)
    keys = sniff.json_keys
    return {"id_str", "user", "screen_name"} <= keys and "author_id" not in keys


def _v1_id(record: dict, path: str = "") -> str | None:
    return json_str(record, "id_str", path) or json_str(record, "id", path)


def _v1_text(tweet: dict, path: str = "") -> str | None:
    extended = json_obj(tweet, "extended_tweet", path)
    if extended is not None:
        full = json_str(extended, "full_text", f"{path}extended_tweet.")
        if full is not None:
            return full
    return json_str(tweet, "full_text", path) or json_str(tweet, "text", path)


def _v1_entities(tweet: dict, path: str = "") -> tuple[list[str], list[str], list[str]]:
    extended = json_obj(tweet, "extended_tweet", path)
    entities = json_obj(extended, "entities", f"{path}extended_tweet.") if extended else None
    where = f"{path}extended_tweet.entities."
    if entities is None:
        entities, where = json_obj(tweet, "entities", path) or {}, f"{path}entities."
    urls = []
    for item in json_objects(entities, "urls", where):
        unwound = item.get("unwound")
        unwound_url = unwound.get("url") if isinstance(unwound, dict) else None
        urls.append(unwound_url or item.get("expanded_url") or item.get("url"))
    hashtags = json_handles(item.get("text") for item in json_objects(entities, "hashtags", where))
    mentions = json_handles(
        item.get("screen_name") for item in json_objects(entities, "user_mentions", where)
    )
    return json_links(urls), hashtags, mentions


def _v1_tweet(value: Any, line: int | None, platform: str) -> Iterator[Row]:
    if not isinstance(value, dict):
        raise RecordError(f"expected a tweet object, got {json_kind(value)}")
    if "id_str" not in value and "id" not in value and value.keys() & _V1_NOTICES:
        return  # a stream notice (deletion, rate limit ...): not a post
    post_id = _v1_id(value)
    if not post_id:
        raise RecordError("missing id_str")
    user = json_obj(value, "user", required=True)
    account = _v1_id(user, "user.")
    if not account:
        raise RecordError("missing user.id_str")
    created_at, created_raw = json_time(value.get("created_at"), "created_at", parse_twitter)
    text = _v1_text(value)
    urls, hashtags, mentions = _v1_entities(value)

    original = json_obj(value, "retweeted_status")
    reshare_of = reshare_account = None
    if original is not None:
        reshare_of = _v1_id(original, "retweeted_status.")
        source_user = json_obj(original, "user", "retweeted_status.") or {}
        reshare_account = _v1_id(source_user, "retweeted_status.user.")
        name = json_str(source_user, "screen_name", "retweeted_status.user.")
        original_text = _v1_text(original, "retweeted_status.")
        if name and original_text:  # the retweet's own text is cut at 140 characters
            text = f"RT @{name}: {original_text}"
        o_urls, o_hashtags, o_mentions = _v1_entities(original, "retweeted_status.")
        urls, hashtags = merge_lists(urls, o_urls), merge_lists(hashtags, o_hashtags)
        mentions = merge_lists(mentions, o_mentions)
    quote_of = None
    if not reshare_of:
        quoted = json_obj(value, "quoted_status")
        quote_of = json_str(value, "quoted_status_id_str") or (
            _v1_id(quoted, "quoted_status.") if quoted else None
        )
    reply_to = json_str(value, "in_reply_to_status_id_str") or json_str(
        value, "in_reply_to_status_id"
    )
    yield make_row(
        platform=platform,
        post_id=post_id,
        account_id=account,
        account_name=json_str(user, "screen_name", "user."),
        created_at=created_at,
        created_at_raw=created_raw,
        text=text,
        lang=json_str(value, "lang"),
        post_type=post_type_of(reshare_of, quote_of, reply_to),
        reshare_of_post=reshare_of,
        reshare_of_account=reshare_account,
        reply_to=reply_to,
        reply_to_account=json_str(value, "in_reply_to_user_id_str")
        or json_str(value, "in_reply_to_user_id"),
        quote_of=quote_of,
        urls=urls,
        hashtags=hashtags,
        mentions=mentions,
        account_display_name=json_str(user, "name", "user."),
        account_created_at=json_maybe_time(user.get("created_at"), parse_twitter),
        followers=json_int(user.get("followers_count")),
        following=json_int(user.get("friends_count")),
        posts_count=json_int(user.get("statuses_count")),
        account_description=json_str(user, "description", "user."),
        account_location=json_str(user, "location", "user."),
        source_line=line,
    )


def read_twitter_v1(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    """Twitter v1.1 tweets, one per line; retweets carry the original's full text."""
    platform = options.platform or "twitter"

    def convert(value: Any, _context: Any, line: int | None, _location: str) -> Iterator[Row]:
        return _v1_tweet(value, line, platform)

    return read_records(iter_records(source), convert)


TWITTER_V2 = Format(
    name="twitter-v2",
    title="Twitter API v2 (twarc2 JSONL)",
    table="posts",
    sniff=sniff_twitter_v2,
    read=read_twitter_v2,
)

TWITTER_V1 = Format(
    name="twitter-v1",
    title="Twitter API v1.1 (JSONL)",
    table="posts",
    sniff=sniff_twitter_v1,
    read=read_twitter_v1,
)
