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
    _guarded,
    _handles,
    _int,
    _iter_records,
    _kind,
    _links,
    _maybe_time,
    _merge,
    _obj,
    _objects,
    _post_type,
    _read,
    _row,
    _str,
    _time,
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
    metrics = _obj(user, "public_metrics", "user.") or {}
    return {
        "account_name": _str(user, "username", "user."),
        "account_display_name": _str(user, "name", "user."),
        "account_created_at": _maybe_time(user.get("created_at"), parse_iso),
        "followers": _int(metrics.get("followers_count")),
        "following": _int(metrics.get("following_count")),
        "posts_count": _int(metrics.get("tweet_count")),
        "account_description": _str(user, "description", "user."),
        "account_location": _str(user, "location", "user."),
    }


def _v2_entities(tweet: dict) -> tuple[list[str] | None, list[str] | None, list[str] | None]:
    """URLs (unwound or expanded), hashtags and mention usernames; long tweets use note_tweet."""
    note = _obj(tweet, "note_tweet")
    entities = _obj(note, "entities", "note_tweet.") if note else None
    path = "note_tweet.entities."
    if entities is None:
        entities, path = _obj(tweet, "entities"), "entities."
    if entities is None:
        return None, None, None
    urls = _links(
        item.get("unwound_url") or item.get("expanded_url") or item.get("url")
        for item in _objects(entities, "urls", path)
        if not item.get("media_key")  # attached photos/videos, not shared links
    )
    hashtags = _handles(item.get("tag") for item in _objects(entities, "hashtags", path))
    mentions = _handles(item.get("username") for item in _objects(entities, "mentions", path))
    return urls, hashtags, mentions


def _v2_text(tweet: dict) -> str | None:
    note = _obj(tweet, "note_tweet")
    return (_str(note, "text", "note_tweet.") if note else None) or _str(tweet, "text")


def _v2_tweet(
    tweet: Any, users: dict[str, dict], tweets: dict[str, dict], line: int | None, platform: str
) -> Row:
    if not isinstance(tweet, dict):
        raise RecordError(f"tweet: expected an object, got {_kind(tweet)}")
    post_id = _str(tweet, "id", required=True)
    author = _str(tweet, "author_id", required=True)
    created_at, created_raw = _time(tweet.get("created_at"), "created_at", parse_iso)
    refs: dict[str, str] = {}
    for index, ref in enumerate(_objects(tweet, "referenced_tweets")):
        kind = _str(ref, "type", f"referenced_tweets[{index}].", required=True)
        refs.setdefault(kind, _str(ref, "id", f"referenced_tweets[{index}].", required=True))
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
        reshare_account = (original and _str(original, "author_id")) or _str(rt_mention, "id")
        if original is not None:
            source_user = users.get(reshare_account or "") or {}
            name = source_user.get("username") or rt_mention.get("username")
            original_text = _v2_text(original)
            if name and original_text:  # the tweet's own text is cut at 140 characters
                text = f"RT @{name}: {original_text}"
            o_urls, o_hashtags, o_mentions = _v2_entities(original)
            urls, hashtags = _merge(urls, o_urls), _merge(hashtags, o_hashtags)
            mentions = _merge(mentions, o_mentions)
    quote_of = None if reshare_of else refs.get("quoted")
    reply_to = refs.get("replied_to")
    reply_account = _str(tweet, "in_reply_to_user_id")
    if reply_to and not reply_account:
        reply_account = _str(tweets.get(reply_to), "author_id")
    return _row(
        platform=platform,
        post_id=post_id,
        account_id=author,
        created_at=created_at,
        created_at_raw=created_raw,
        text=text,
        lang=_str(tweet, "lang"),
        post_type=_post_type(reshare_of, quote_of, reply_to),
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
            raise RecordError(f"expected a v2 response page or tweet object, got {_kind(value)}")
        if "data" in value:
            data = value["data"]
            if isinstance(data, dict):
                data = [data]
            if not isinstance(data, list):
                raise RecordError(f"data: expected a list of tweets, got {_kind(data)}")
            includes = _obj(value, "includes") or {}
            users = _by_id(_objects(includes, "users", "includes."))
            tweets = _by_id(_objects(includes, "tweets", "includes."))

            def one(tweet: Any, _c: Any, number: int | None, _where: str) -> Iterator[Row]:
                yield _v2_tweet(tweet, users, tweets, number, platform)

            for index, tweet in enumerate(data, start=1):
                yield from _guarded(one, tweet, None, line, f"{location} data[{index}]")
        elif "id" in value and ("author_id" in value or "text" in value):
            # One flattened tweet (``twarc2 flatten``): author and references are inline.
            author = _obj(value, "author")
            users = {str(author.get("id")): author} if author else {}
            refs = [ref for ref in _objects(value, "referenced_tweets") if "author_id" in ref]
            for ref in refs:
                ref_author = _obj(ref, "author", "referenced_tweets[].")
                if ref_author and ref_author.get("id") is not None:
                    users.setdefault(str(ref_author["id"]), ref_author)
            yield _v2_tweet(value, users, _by_id(refs), line, platform)
        elif not value.keys() & {"meta", "errors", "__twarc"}:  # a page with no results is fine
            raise RecordError("not a Twitter API v2 page (no 'data') or tweet (no 'id')")

    return convert


def read_twitter_v2(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    """Tweets of twarc2 JSON Lines; ``includes`` supply authors and referenced originals."""
    return _read(_iter_records(source), _v2_record(options.platform or "twitter"))


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
    return _str(record, "id_str", path) or _str(record, "id", path)


def _v1_text(tweet: dict, path: str = "") -> str | None:
    extended = _obj(tweet, "extended_tweet", path)
    if extended is not None:
        full = _str(extended, "full_text", f"{path}extended_tweet.")
        if full is not None:
            return full
    return _str(tweet, "full_text", path) or _str(tweet, "text", path)


def _v1_entities(tweet: dict, path: str = "") -> tuple[list[str], list[str], list[str]]:
    extended = _obj(tweet, "extended_tweet", path)
    entities = _obj(extended, "entities", f"{path}extended_tweet.") if extended else None
    where = f"{path}extended_tweet.entities."
    if entities is None:
        entities, where = _obj(tweet, "entities", path) or {}, f"{path}entities."
    urls = []
    for item in _objects(entities, "urls", where):
        unwound = item.get("unwound")
        unwound_url = unwound.get("url") if isinstance(unwound, dict) else None
        urls.append(unwound_url or item.get("expanded_url") or item.get("url"))
    hashtags = _handles(item.get("text") for item in _objects(entities, "hashtags", where))
    mentions = _handles(
        item.get("screen_name") for item in _objects(entities, "user_mentions", where)
    )
    return _links(urls), hashtags, mentions


def _v1_tweet(value: Any, line: int | None, platform: str) -> Iterator[Row]:
    if not isinstance(value, dict):
        raise RecordError(f"expected a tweet object, got {_kind(value)}")
    if "id_str" not in value and "id" not in value and value.keys() & _V1_NOTICES:
        return  # a stream notice (deletion, rate limit ...): not a post
    post_id = _v1_id(value)
    if not post_id:
        raise RecordError("missing id_str")
    user = _obj(value, "user", required=True)
    account = _v1_id(user, "user.")
    if not account:
        raise RecordError("missing user.id_str")
    created_at, created_raw = _time(value.get("created_at"), "created_at", parse_twitter)
    text = _v1_text(value)
    urls, hashtags, mentions = _v1_entities(value)

    original = _obj(value, "retweeted_status")
    reshare_of = reshare_account = None
    if original is not None:
        reshare_of = _v1_id(original, "retweeted_status.")
        source_user = _obj(original, "user", "retweeted_status.") or {}
        reshare_account = _v1_id(source_user, "retweeted_status.user.")
        name = _str(source_user, "screen_name", "retweeted_status.user.")
        original_text = _v1_text(original, "retweeted_status.")
        if name and original_text:  # the retweet's own text is cut at 140 characters
            text = f"RT @{name}: {original_text}"
        o_urls, o_hashtags, o_mentions = _v1_entities(original, "retweeted_status.")
        urls, hashtags = _merge(urls, o_urls), _merge(hashtags, o_hashtags)
        mentions = _merge(mentions, o_mentions)
    quote_of = None
    if not reshare_of:
        quoted = _obj(value, "quoted_status")
        quote_of = _str(value, "quoted_status_id_str") or (
            _v1_id(quoted, "quoted_status.") if quoted else None
        )
    reply_to = _str(value, "in_reply_to_status_id_str") or _str(value, "in_reply_to_status_id")
    yield _row(
        platform=platform,
        post_id=post_id,
        account_id=account,
        account_name=_str(user, "screen_name", "user."),
        created_at=created_at,
        created_at_raw=created_raw,
        text=text,
        lang=_str(value, "lang"),
        post_type=_post_type(reshare_of, quote_of, reply_to),
        reshare_of_post=reshare_of,
        reshare_of_account=reshare_account,
        reply_to=reply_to,
        reply_to_account=_str(value, "in_reply_to_user_id_str")
        or _str(value, "in_reply_to_user_id"),
        quote_of=quote_of,
        urls=urls,
        hashtags=hashtags,
        mentions=mentions,
        account_display_name=_str(user, "name", "user."),
        account_created_at=_maybe_time(user.get("created_at"), parse_twitter),
        followers=_int(user.get("followers_count")),
        following=_int(user.get("friends_count")),
        posts_count=_int(user.get("statuses_count")),
        account_description=_str(user, "description", "user."),
        account_location=_str(user, "location", "user."),
        source_line=line,
    )


def read_twitter_v1(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    """Twitter v1.1 tweets, one per line; retweets carry the original's full text."""
    platform = options.platform or "twitter"

    def convert(value: Any, _context: Any, line: int | None, _location: str) -> Iterator[Row]:
        return _v1_tweet(value, line, platform)

    return _read(_iter_records(source), convert)


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
