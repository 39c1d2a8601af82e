"""Readers for the JSON that social-media platforms and their collectors write.

Five formats, each recognised by content and streamed into the posts staging
schema:

* ``twitter-v2``: Twitter API v2 response pages as written by ``twarc2`` (one
  page per line; authors and referenced tweets are joined from ``includes``).
  A line holding one bare v2 tweet (``twarc2 flatten``) also reads.
* ``twitter-v1``: Twitter API v1.1 tweets, one per line (or a JSON array).
* ``telegram``: a Telegram Desktop JSON export, of one chat or of a whole
  account (``chats.list[].messages``), streamed message by message.
* ``bluesky``: post views (``app.bsky.feed.defs#postView``) as JSON Lines or an
  array, or ``getAuthorFeed`` / ``searchPosts`` responses; a ``reasonRepost``
  feed item is a reshare by the reposting account.
* ``mastodon``: REST API ``Status`` entities as a JSON array or JSON Lines.

Ids are made unique across a workspace: Telegram posts are ``<chat>/<message
id>`` with chats and senders in the export's own ``channel123`` / ``user456``
style; Mastodon posts are status URIs and accounts ``user@instance``; Bluesky
posts are ``at://`` URIs and accounts DIDs. A reshare row carries the reshared
content (for Twitter the original's full text, as ``RT @name: ...``).

A record that is valid JSON but not the expected shape becomes a ``Problem``
that names the field at fault; it never stops the file.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import ijson
import orjson

from ._base import Format, ReadOptions, Sniff
from ._json import iter_json_items, iter_json_lines, looks_like_json_lines, peek_json
from ._records import POST_SCHEMA, Chunk, Problem, RowBuilder, excerpt, utc_naive
from ._sources import Source

Row = dict[str, Any]
# (line, location, value, context): one JSON value to convert, and where it came from.
Entry = tuple[int | None, str, Any, Any]
Converter = Callable[[Any, Any, int | None, str], Iterator["Row | Problem"]]

_INT64 = 1 << 63
_EXPECTED = (TypeError, KeyError, ValueError, AttributeError, IndexError)


class RecordError(ValueError):
    """A record is JSON but not the shape its format documents; the message names the field."""


# --------------------------------------------------------------------------- field helpers


def _kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _obj(record: dict, key: str, path: str = "", required: bool = False) -> dict | None:
    """``record[key]`` as an object; missing/null is ``None`` (or an error when required)."""
    value = record.get(key)
    if value is None:
        if required:
            raise RecordError(f"missing {path}{key}")
        return None
    if not isinstance(value, dict):
        raise RecordError(f"{path}{key}: expected an object, got {_kind(value)}")
    return value


def _objects(record: dict | None, key: str, path: str = "") -> list[dict]:
    """``record[key]`` as a list of objects; missing/null is an empty list."""
    if record is None:
        return []
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{path}{key}: expected a list, got {_kind(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise RecordError(f"{path}{key}[{index}]: expected an object, got {_kind(item)}")
    return value


def _str(record: dict | None, key: str, path: str = "", required: bool = False) -> str | None:
    """``record[key]`` as text; numbers are accepted (ids), other types are an error."""
    value = None if record is None else record.get(key)
    if isinstance(value, bool):
        raise RecordError(f"{path}{key}: expected a string, got boolean")
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    if value is not None and not isinstance(value, str):
        raise RecordError(f"{path}{key}: expected a string, got {_kind(value)}")
    if required and (value is None or not value.strip()):
        raise RecordError(f"missing {path}{key}")
    return value


def _int(value: Any) -> int | None:
    """A count; not a whole number in int64 range is unknown (counts never reject a post)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, int) and -_INT64 <= value < _INT64:
        return value
    return None


def _handles(values: Iterable[Any]) -> list[str]:
    """Hashtags or handles: lower-cased, without ``#``/``@``, de-duplicated in order."""
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str):
            cleaned = value.strip().lstrip("#@\uff03\uff20").lower()
            if cleaned:
                seen.setdefault(cleaned, None)
    return list(seen)


def _links(values: Iterable[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str) and value.strip():
            seen.setdefault(value.strip(), None)
    return list(seen)


def _merge(first: list[str] | None, second: list[str] | None) -> list[str] | None:
    if first is None and second is None:
        return None
    return list(dict.fromkeys([*(first or []), *(second or [])]))


def _post_type(reshare: Any, quote: Any, reply: Any) -> str:
    if reshare:
        return "reshare"
    if quote:
        return "quote"
    if reply:
        return "reply"
    return "post"


def _row(**values: Any) -> Row:
    row: Row = dict.fromkeys(POST_SCHEMA.names)
    row.update(values)
    return row


# --------------------------------------------------------------------------- times


def _parse_iso(text: str) -> datetime:
    return utc_naive(datetime.fromisoformat(text.strip()))


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}
_TWITTER_TIME = re.compile(
    r"[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})"
)


def _parse_twitter(text: str) -> datetime:
    """v1.1 ``Wed Oct 10 20:19:24 +0000 2018`` (locale-independent); ISO 8601 also accepted."""
    match = _TWITTER_TIME.fullmatch(text.strip())
    if match is None:
        return _parse_iso(text)
    month, day, hour, minute, second, sign, off_h, off_m, year = match.groups()
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == "-" else 1)
    clock = (int(hour), int(minute), int(second))
    moment = datetime(int(year), _MONTHS[month], int(day), *clock, tzinfo=timezone(offset))
    return utc_naive(moment)


def _parse_epoch(text: str) -> datetime:
    return datetime.fromtimestamp(float(text), UTC).replace(tzinfo=None)


def _time(value: Any, field: str, parse: Callable[[str], datetime]) -> tuple[datetime, str]:
    """``(naive UTC time, original text)`` of a required timestamp field."""
    if isinstance(value, int | float) and not isinstance(value, bool) and parse is _parse_epoch:
        value = str(int(value)) if float(value).is_integer() else str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RecordError(f"missing {field}")
    if not isinstance(value, str):
        raise RecordError(f"{field}: expected a string, got {_kind(value)}")
    try:
        return parse(value), value
    except (ValueError, KeyError, OverflowError, OSError):
        raise RecordError(f"{field}: cannot parse {value[:80]!r}") from None


def _maybe_time(value: Any, parse: Callable[[str], datetime]) -> datetime | None:
    """An optional timestamp (an account's creation): unparseable is unknown, not an error."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse(value)
    except (ValueError, KeyError, OverflowError, OSError):
        return None


# --------------------------------------------------------------------------- record streams


def _raw(value: Any) -> str:
    try:
        return excerpt(orjson.dumps(value))
    except TypeError:
        return excerpt(value)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RecordError):
        return str(exc)
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}" if exc.args else "missing field"
    return f"unexpected value ({type(exc).__name__}: {exc})"


def _guarded(
    convert: Converter, value: Any, context: Any, line: int | None, location: str
) -> Iterator[Row | Problem]:
    """Rows of one record; a structural fault becomes one ``Problem`` naming the field."""
    try:
        yield from convert(value, context, line, location)
    except _EXPECTED as exc:
        yield Problem(line=line, location=location, reason=_reason(exc), raw=_raw(value))


def _convert(
    convert: Converter, value: Any, context: Any, line: int | None, location: str
) -> Iterator[Row | Problem]:
    """Like ``_guarded``, but a list (a page of records on one line) is read item by item."""
    if isinstance(value, list):
        for index, item in enumerate(value, start=1):
            yield from _guarded(convert, item, context, line, f"{location}[{index}]")
    else:
        yield from _guarded(convert, value, context, line, location)


def _read(entries: Iterable[Entry | Problem], convert: Converter) -> Iterator[Chunk | Problem]:
    builder = RowBuilder("posts", POST_SCHEMA)
    for entry in entries:
        if isinstance(entry, Problem):
            yield entry
            continue
        line, location, value, context = entry
        for item in _convert(convert, value, context, line, location):
            if isinstance(item, Problem):
                yield item
            else:
                chunk = builder.add(item)
                if chunk is not None:
                    yield chunk
    yield from builder.drain()


def _iter_records(source: Source, document_keys: tuple[str, ...] = ()) -> Iterator[Entry | Problem]:
    """Records of JSON Lines, a JSON array, or one JSON document.

    A file with whole JSON values on its lines is read as JSON Lines. Otherwise a
    file opening with ``[`` is streamed item by item; a file opening with ``{``
    is streamed by the first of ``document_keys`` it holds (``feed`` ->
    ``feed.item``), or read as one record.
    """
    head, cut = peek_json(source)
    if not head or looks_like_json_lines(head, cut):
        for entry in iter_json_lines(source):
            if isinstance(entry, Problem):
                yield entry
            else:
                yield entry[0], f"line {entry[0]}", entry[1], None
        return
    prefix = ""
    if head.startswith("["):
        prefix = "item"
    else:
        found = [
            (match.start(), key)
            for key in document_keys
            if (match := re.search(rf'"{re.escape(key)}"\s*:\s*\[', head))
        ]
        if found:
            prefix = f"{min(found)[1]}.item"
    for entry in iter_json_items(source, prefix):
        if isinstance(entry, Problem):
            yield entry
        else:
            yield None, entry[0] if prefix else "document", entry[1], None


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
        "account_created_at": _maybe_time(user.get("created_at"), _parse_iso),
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
    created_at, created_raw = _time(tweet.get("created_at"), "created_at", _parse_iso)
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
    created_at, created_raw = _time(value.get("created_at"), "created_at", _parse_twitter)
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
        account_created_at=_maybe_time(user.get("created_at"), _parse_twitter),
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


# =========================================================================== Telegram


def sniff_telegram(sniff: Sniff) -> bool:
    value = sniff.first_json
    if isinstance(value, dict):
        if isinstance(value.get("messages"), list) and ("type" in value or "name" in value):
            return True
        chats = value.get("chats")
        return isinstance(chats, dict) and isinstance(chats.get("list"), list)
    if value is not None or not sniff.stripped.startswith("{"):
        return False
    head = sniff.text
    if re.match(r'\{\s*"about"\s*:\s*"[^"]*"\s*,\s*"personal_information"\s*:', sniff.stripped):
        return True  # the result.json of a whole-account export
    return bool(
        re.search(r'"messages"\s*:\s*\[', head)
        and re.search(r'"(?:name|type)"\s*:', head)
        and re.search(r'"date_unixtime"|"from_id"|"type"\s*:\s*"(?:message|service)"', head)
    )


_CHAT_FIELDS = ("name", "type", "id")
_SCALARS = frozenset({"string", "number", "boolean", "null"})
_REPLY_MEMORY = 200_000


def _chat_account(chat: dict) -> str | None:
    """The chat as an account id, in the export's own ``from_id`` style (``channel123``)."""
    chat_id = chat.get("id")
    if isinstance(chat_id, float) and chat_id.is_integer():
        chat_id = int(chat_id)
    if chat_id is None or isinstance(chat_id, bool) or str(chat_id).strip() == "":
        return None
    kind = str(chat.get("type") or "")
    if "channel" in kind or "supergroup" in kind:
        return f"channel{chat_id}"
    if kind in ("personal_chat", "bot_chat", "saved_messages"):
        return f"user{chat_id}"
    return f"chat{chat_id}"


def _iter_telegram(source: Source) -> Iterator[Entry | Problem]:
    """Each message with its chat (name, type, id, and replies' authors seen so far).

    Streams parse events so that neither a whole export nor one chat is held in
    memory; a chat's ``name``/``type``/``id`` precede its ``messages`` in exports.
    """
    chats: dict[str, dict] = {"": {}}
    chat_numbers: dict[str, int] = {}
    counts: dict[str, int] = {}
    location = "messages[0]"
    with source.open() as stream:
        events = ijson.parse(stream, use_float=True)
        try:
            for prefix, event, value in events:
                if event == "start_map" and prefix.endswith("list.item"):
                    chats[prefix] = {}
                    chat_numbers[prefix] = chat_numbers.get(prefix, 0) + 1
                    continue
                parent, _, key = prefix.rpartition(".")
                if key in _CHAT_FIELDS and event in _SCALARS and parent in chats:
                    chats[parent][key] = value
                    continue
                if prefix != "messages.item" and not prefix.endswith(".messages.item"):
                    continue
                chat_prefix = prefix[: -len("messages.item")].rstrip(".")
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
                depth = 1 if event in ("start_map", "start_array") else 0
                while depth:
                    _, inner_event, inner_value = next(events)
                    builder.event(inner_event, inner_value)
                    if inner_event in ("start_map", "start_array"):
                        depth += 1
                    elif inner_event in ("end_map", "end_array"):
                        depth -= 1
                counts[chat_prefix] = counts.get(chat_prefix, 0) + 1
                where = ""
                if chat_prefix:
                    where = f"{chat_prefix.removesuffix('.item')}[{chat_numbers[chat_prefix]}]."
                location = f"{where}messages[{counts[chat_prefix]}]"
                yield None, location, builder.value, chats.setdefault(chat_prefix, {})
        except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError) as exc:
            yield Problem(line=None, location=f"after {location}", reason=f"invalid JSON: {exc}")


def _telegram_entities(message: dict) -> tuple[str, list[dict] | None]:
    """Plain text and entity objects: ``text`` is a string or a list of strings and entities."""
    text = message.get("text")
    entities: list[dict] | None = None
    if text is None:
        plain = ""
    elif isinstance(text, str):
        plain = text
    elif isinstance(text, list):
        parts, entities = [], []
        for index, part in enumerate(text):
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict):
                parts.append(_str(part, "text", f"text[{index}].") or "")
                entities.append(part)
            else:
                raise RecordError(f"text[{index}]: expected a string or object, got {_kind(part)}")
        plain = "".join(parts)
    else:
        raise RecordError(f"text: expected a string or list, got {_kind(text)}")
    if "text_entities" in message:
        entities = _objects(message, "text_entities")
    return plain, entities


def _telegram_link(text: str) -> str:
    return text if "://" in text or text.startswith("mailto:") else f"http://{text}"


def _telegram_message(platform: str) -> Converter:
    def convert(message: Any, chat: dict, line: int | None, location: str) -> Iterator[Row]:
        if not isinstance(message, dict):
            raise RecordError(f"message: expected an object, got {_kind(message)}")
        kind = message.get("type", "message")
        if not isinstance(kind, str):
            raise RecordError(f"type: expected a string, got {_kind(kind)}")
        if kind != "message":
            return  # service messages (joins, pins, title changes) are not posts
        message_id = _str(message, "id", required=True)
        chat_account = _chat_account(chat)
        if "date_unixtime" in message:
            created_at, _ = _time(message["date_unixtime"], "date_unixtime", _parse_epoch)
        else:  # older exports: local time of the exporting computer, taken as UTC
            created_at, _ = _time(message.get("date"), "date", _parse_iso)
        created_raw = _str(message, "date") or _str(message, "date_unixtime")
        sender = message.get("from_id")
        if isinstance(sender, int | float) and not isinstance(sender, bool):
            sender = f"user{int(sender)}"  # very old exports: a bare user number
        elif sender is not None and not isinstance(sender, str):
            raise RecordError(f"from_id: expected a string, got {_kind(sender)}")
        account = sender or chat_account
        if not account:
            raise RecordError("missing from_id (and the chat has no id)")
        name = _str(message, "from") or (_str(chat, "name") if not sender else None)
        text, entities = _telegram_entities(message)
        urls = hashtags = mentions = None
        if entities is not None:
            found_urls, found_tags, found_mentions = [], [], []
            for entity in entities:
                entity_type, entity_text = entity.get("type"), entity.get("text")
                if not isinstance(entity_text, str):
                    continue
                if entity_type == "link":
                    found_urls.append(_telegram_link(entity_text.strip()))
                elif entity_type == "text_link":
                    found_urls.append(entity.get("href"))
                elif entity_type == "hashtag":
                    found_tags.append(entity_text)
                elif entity_type == "mention":
                    found_mentions.append(entity_text)
            urls = _links(found_urls)
            hashtags, mentions = _handles(found_tags), _handles(found_mentions)

        def in_chat(number: str) -> str:
            return f"{chat_account}/{number}" if chat_account else number

        forwarded = _str(message, "forwarded_from")
        reshare = "forwarded_from" in message
        reply_number = _str(message, "reply_to_message_id")
        authors = chat.setdefault("_authors", {})
        reply_account = authors.get(reply_number) if reply_number else None
        authors[message_id] = account
        if len(authors) > _REPLY_MEMORY:
            del authors[next(iter(authors))]
        yield _row(
            platform=platform,
            post_id=in_chat(message_id),
            account_id=account,
            account_name=name,
            created_at=created_at,
            created_at_raw=created_raw,
            text=text,
            post_type=_post_type(reshare, None, reply_number),
            reshare_of_account=forwarded,
            reply_to=in_chat(reply_number) if reply_number else None,
            reply_to_account=reply_account,
            urls=urls,
            hashtags=hashtags,
            mentions=mentions,
            account_display_name=name,
            source_line=line,
        )

    return convert


def read_telegram(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    """Messages of a Telegram Desktop JSON export (one chat, or ``chats.list`` of all)."""
    return _read(_iter_telegram(source), _telegram_message(options.platform or "telegram"))


# =========================================================================== Bluesky

_BSKY_POST = "app.bsky.feed.post"
_BSKY_REPOST = "app.bsky.feed.defs#reasonRepost"


def _is_post_view(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("uri"), str)
        and value["uri"].startswith("at://")
        and ("author" in value or "record" in value)
    )


def sniff_bluesky(sniff: Sniff) -> bool:
    value = sniff.first_json
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        if _is_post_view(value) or _is_post_view(value.get("post")):
            return True
        for key in ("feed", "posts"):
            items = value.get(key)
            if isinstance(items, list) and items:
                first = items[0]
                if _is_post_view(first) or (
                    isinstance(first, dict) and _is_post_view(first.get("post"))
                ):
                    return True
        return False
    return (
        value is None
        and sniff.stripped[:1] in ("{", "[")
        and bool(re.search(r'"uri"\s*:\s*"at://', sniff.text))
        and '"author"' in sniff.text
    )


def _at_authority(uri: str | None) -> str | None:
    """The repository (the author's DID) of an ``at://did/collection/rkey`` URI."""
    if not uri or not uri.startswith("at://"):
        return None
    return uri[5:].split("/", 1)[0] or None


def _bsky_embeds(record: dict) -> tuple[str | None, list[str]]:
    """The quoted post's URI and the link-card URL of a post record's embed."""
    path = "record.embed."
    embed = _obj(record, "embed", "record.")
    if embed is None:
        return None, []
    kind = embed.get("$type")
    target: dict | None = None
    media: dict | None = embed
    if kind == "app.bsky.embed.record":
        target, media = _obj(embed, "record", path), None
    elif kind == "app.bsky.embed.recordWithMedia":
        outer = _obj(embed, "record", path)
        target = _obj(outer, "record", f"{path}record.") if outer else None
        media, path = _obj(embed, "media", path), f"{path}media."
    uri = _str(target, "uri", "record.embed.record.") if target else None
    quote = uri if uri and f"/{_BSKY_POST}/" in uri else None  # feeds and lists embed too
    link = None
    if media is not None and media.get("$type") == "app.bsky.embed.external":
        external = _obj(media, "external", path)
        link = _str(external, "uri", f"{path}external.") if external else None
    return quote, [link] if link else []


def _bsky_post(view: Any, line: int | None, platform: str) -> Row:
    if not isinstance(view, dict):
        raise RecordError(f"post: expected an object, got {_kind(view)}")
    uri = _str(view, "uri", required=True)
    if not uri.startswith("at://"):
        raise RecordError(f"uri: expected an at:// URI, got {uri[:80]!r}")
    author = _obj(view, "author", required=True)
    did = _str(author, "did", "author.", required=True)
    record = _obj(view, "record", required=True)
    if "createdAt" in record or "indexedAt" not in view:
        created_at, created_raw = _time(record.get("createdAt"), "record.createdAt", _parse_iso)
    else:
        created_at, created_raw = _time(view.get("indexedAt"), "indexedAt", _parse_iso)
    text = _str(record, "text", "record.") or ""
    encoded = text.encode("utf-8")
    urls, tags, mentions = [], [], []
    for f_index, facet in enumerate(_objects(record, "facets", "record.")):
        path = f"record.facets[{f_index}]."
        index = _obj(facet, "index", path) or {}
        for feature in _objects(facet, "features", path):
            kind = feature.get("$type")
            kind = kind if isinstance(kind, str) else ""
            if kind.endswith("#link"):
                urls.append(_str(feature, "uri", f"{path}features[]."))
            elif kind.endswith("#tag"):
                tags.append(_str(feature, "tag", f"{path}features[]."))
            elif kind.endswith("#mention"):
                # The feature names a DID; the text shows the handle (byte offsets, UTF-8).
                start, end = _int(index.get("byteStart")), _int(index.get("byteEnd"))
                shown = encoded[start:end].decode("utf-8", "ignore") if start is not None else ""
                handle = shown.strip()
                mentions.append(
                    handle if handle.startswith("@") else _str(feature, "did", f"{path}features[].")
                )
    quote_of, card_links = _bsky_embeds(record)
    reply = _obj(record, "reply", "record.")
    parent = _obj(reply, "parent", "record.reply.") if reply else None
    reply_to = _str(parent, "uri", "record.reply.parent.") if parent else None
    langs = record.get("langs")
    lang = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None
    return _row(
        platform=platform,
        post_id=uri,
        account_id=did,
        account_name=_str(author, "handle", "author."),
        created_at=created_at,
        created_at_raw=created_raw,
        text=text,
        lang=lang,
        post_type=_post_type(None, quote_of, reply_to),
        reply_to=reply_to,
        reply_to_account=_at_authority(reply_to),
        quote_of=quote_of,
        urls=_links([*urls, *card_links]),
        hashtags=_handles(tags),
        mentions=_handles(mentions),
        account_display_name=_str(author, "displayName", "author."),
        account_created_at=_maybe_time(author.get("createdAt"), _parse_iso),
        followers=_int(author.get("followersCount")),
        following=_int(author.get("followsCount")),
        posts_count=_int(author.get("postsCount")),
        account_description=_str(author, "description", "author."),
        source_line=line,
    )


def _bsky_repost(item: dict, original: Row, line: int | None) -> Row:
    reason = _obj(item, "reason", required=True)
    by = _obj(reason, "by", "reason.", required=True)
    did = _str(by, "did", "reason.by.", required=True)
    created_at, created_raw = _time(reason.get("indexedAt"), "reason.indexedAt", _parse_iso)
    uri = _str(reason, "uri", "reason.") or f"{original['post_id']}#reposted-by:{did}"
    return _row(
        platform=original["platform"],
        post_id=uri,
        account_id=did,
        account_name=_str(by, "handle", "reason.by."),
        created_at=created_at,
        created_at_raw=created_raw,
        text=original["text"],
        lang=original["lang"],
        post_type="reshare",
        reshare_of_post=original["post_id"],
        reshare_of_account=original["account_id"],
        urls=original["urls"],
        hashtags=original["hashtags"],
        mentions=original["mentions"],
        account_display_name=_str(by, "displayName", "reason.by."),
        account_created_at=_maybe_time(by.get("createdAt"), _parse_iso),
        followers=_int(by.get("followersCount")),
        following=_int(by.get("followsCount")),
        posts_count=_int(by.get("postsCount")),
        account_description=_str(by, "description", "reason.by."),
        source_line=line,
    )


def _bsky_record(platform: str) -> Converter:
    def convert(
        value: Any, context: Any, line: int | None, location: str
    ) -> Iterator[Row | Problem]:
        if not isinstance(value, dict):
            raise RecordError(f"expected a post view or feed item object, got {_kind(value)}")
        for key in ("feed", "posts"):  # a whole response page on one line
            if key in value and "uri" not in value:
                items = value[key]
                if not isinstance(items, list):
                    raise RecordError(f"{key}: expected a list, got {_kind(items)}")
                for index, item in enumerate(items, start=1):
                    yield from _guarded(convert, item, context, line, f"{location} {key}[{index}]")
                return
        if "post" in value and "uri" not in value:  # a feed item
            post = value["post"]
            if not isinstance(post, dict):
                raise RecordError(f"post: expected an object, got {_kind(post)}")
            row = _bsky_post(post, line, platform)
            reason = _obj(value, "reason")
            if reason is not None and reason.get("$type") == _BSKY_REPOST:
                yield _bsky_repost(value, row, line)
            else:
                yield row
        elif "uri" in value:
            yield _bsky_post(value, line, platform)
        else:
            raise RecordError("not a Bluesky post view (no 'uri') or feed item (no 'post')")

    return convert


def read_bluesky(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    """Bluesky post views, feed items (reposts become reshares) or whole feed responses."""
    entries = _iter_records(source, document_keys=("feed", "posts"))
    return _read(entries, _bsky_record(options.platform or "bluesky"))


# =========================================================================== Mastodon


def _is_status(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("account"), dict)
        and "content" in value
        and isinstance(value.get("uri"), str)
        and not value["uri"].startswith("at://")
    )


def sniff_mastodon(sniff: Sniff) -> bool:
    value = sniff.first_json
    if isinstance(value, list):
        value = value[0] if value else None
    if value is not None:
        return _is_status(value)
    return {"account", "content", "uri", "acct"} <= sniff.json_keys and not re.search(
        r'"uri"\s*:\s*"at://', sniff.text
    )


# Mastodon serves sanitised HTML (p, br, a, span and a few block tags), so a tokenizer
# suffices: a tag, a comment, or a run of text (a stray "<" is text).
_HTML_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>|<!--.*?-->|([^<]+|<)", re.S)
_HTML_ATTR = re.compile(r"""([a-zA-Z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_HTML_BLOCKS = frozenset({"p", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"})


def _html_attrs(text: str) -> dict[str, str]:
    return {
        m[1].lower(): html.unescape(next(v for v in m.groups()[1:] if v is not None))
        for m in _HTML_ATTR.finditer(text)
    }


@lru_cache(maxsize=4096)  # account notes and reblogged statuses repeat
def _html_text(fragment: str) -> tuple[str, tuple[str, ...]]:
    parts: list[str] = []
    links: list[str] = []
    skipping = False  # inside Mastodon 4.4's "RE: <link>" paragraph for quote-unaware clients
    for closing, tag, attributes, text in _HTML_TOKEN.findall(fragment):
        if text:
            if not skipping:
                parts.append(text)
            continue
        tag = tag.lower()
        if not tag:  # a comment
            continue
        if closing:
            skipping = skipping and tag != "p"
            continue
        if tag in ("br", "li"):
            parts.append("\n")
        elif tag in _HTML_BLOCKS:
            parts.append("\n\n")
            skipping = tag == "p" and "quote-inline" in _html_attrs(attributes).get("class", "")
        elif tag == "a" and not skipping:
            attrs = _html_attrs(attributes)
            classes = set(attrs.get("class", "").split())
            rel = set(attrs.get("rel", "").split())
            href = attrs.get("href")
            # Mentions and hashtags link to profiles and tag pages: not shared links.
            if href and not classes & {"mention", "hashtag", "u-url"} and "tag" not in rel:
                links.append(href)
    text = re.sub(r"\n{3,}", "\n\n", html.unescape("".join(parts))).strip()
    return text, tuple(_links(links))


def html_to_text(fragment: str) -> tuple[str, list[str]]:
    """``(plain text, shared link URLs)`` of a Mastodon HTML fragment."""
    text, links = _html_text(fragment)
    return text, list(links)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _qualified(acct: str, *urls: str | None) -> str:
    """``user@instance``: a local account's ``acct`` has no instance, take it from its URLs."""
    if "@" in acct.lstrip("@"):
        return acct.lstrip("@")
    host = next((h for h in map(_host, urls) if h), None)
    return f"{acct}@{host}" if host else acct


class _MastodonMemory:
    """Status URIs and account handles by the instance's local ids, for replies."""

    def __init__(self) -> None:
        self.statuses: dict[str, str] = {}
        self.accounts: dict[str, str] = {}

    def remember(self, store: dict[str, str], key: str | None, value: str) -> None:
        if key:
            store[key] = value
            if len(store) > _REPLY_MEMORY:
                del store[next(iter(store))]


def _mastodon_account(status: dict, path: str) -> tuple[dict, str, str]:
    account = _obj(status, "account", path, required=True)
    acct = _str(account, "acct", f"{path}account.") or _str(account, "username", f"{path}account.")
    if not acct:
        raise RecordError(f"missing {path}account.acct")
    qualified = _qualified(acct, _str(status, "uri", path), _str(account, "url", f"{path}account."))
    return account, qualified, qualified.lower()


def _mastodon_content(status: dict, path: str) -> tuple[str, list[str], list[str], list[str]]:
    content = _str(status, "content", path) or ""
    text, urls = html_to_text(content)
    warning = (_str(status, "spoiler_text", path) or "").strip()
    if warning:
        text = f"{warning}\n\n{text}" if text else warning
    hashtags = _handles(tag.get("name") for tag in _objects(status, "tags", path))
    mentions = _handles(
        _qualified(str(m.get("acct") or m.get("username") or ""), _str(m, "url"))
        for m in _objects(status, "mentions", path)
    )
    return text, urls, hashtags, mentions


def _mastodon_status(platform: str) -> Converter:
    memory = _MastodonMemory()

    def learn(status: dict, path: str) -> tuple[str, str, str]:
        uri = _str(status, "uri", path, required=True)
        account, name, account_id = _mastodon_account(status, path)
        memory.remember(memory.statuses, _str(status, "id", path), uri)
        memory.remember(memory.accounts, _str(account, "id", f"{path}account."), account_id)
        for mention in _objects(status, "mentions", path):
            acct = _str(mention, "acct", f"{path}mentions[].")
            if acct:
                qualified = _qualified(acct, _str(mention, "url")).lower()
                memory.remember(memory.accounts, _str(mention, "id"), qualified)
        return uri, name, account_id

    def convert(status: Any, _context: Any, line: int | None, location: str) -> Iterator[Row]:
        if not isinstance(status, dict):
            raise RecordError(f"expected a status object, got {_kind(status)}")
        uri, name, account_id = learn(status, "")
        account = status["account"]
        created_at, created_raw = _time(status.get("created_at"), "created_at", _parse_iso)
        reblog = _obj(status, "reblog")
        reshare_of = reshare_account = None
        shown, path = status, ""
        if reblog is not None:
            reshare_of, _, reshare_account = learn(reblog, "reblog.")
            shown, path = reblog, "reblog."
        text, urls, hashtags, mentions = _mastodon_content(shown, path)

        quote_of = None
        quote = _obj(status, "quote") if reblog is None else None
        if quote is not None and quote.get("state", "accepted") == "accepted":
            quoted = _obj(quote, "quoted_status", "quote.")
            if quoted is not None:
                quote_of, _, _ = learn(quoted, "quote.quoted_status.")
            else:
                quoted_id = _str(quote, "quoted_status_id", "quote.")
                quote_of = memory.statuses.get(quoted_id or "", quoted_id)
        reply_id = _str(status, "in_reply_to_id")
        reply_to = memory.statuses.get(reply_id, reply_id) if reply_id else None
        reply_account_id = _str(status, "in_reply_to_account_id")
        reply_account = memory.accounts.get(reply_account_id) if reply_account_id else None
        yield _row(
            platform=platform,
            post_id=uri,
            account_id=account_id,
            account_name=name,
            created_at=created_at,
            created_at_raw=created_raw,
            text=text,
            lang=_str(shown, "language", path),
            post_type=_post_type(reshare_of, quote_of, reply_to),
            reshare_of_post=reshare_of,
            reshare_of_account=reshare_account,
            reply_to=reply_to,
            reply_to_account=reply_account,
            quote_of=quote_of,
            urls=urls,
            hashtags=hashtags,
            mentions=mentions,
            account_display_name=_str(account, "display_name", "account."),
            account_created_at=_maybe_time(account.get("created_at"), _parse_iso),
            followers=_int(account.get("followers_count")),
            following=_int(account.get("following_count")),
            posts_count=_int(account.get("statuses_count")),
            account_description=html_to_text(_str(account, "note", "account.") or "")[0] or None,
            source_line=line,
        )

    return convert


def read_mastodon(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    """Mastodon statuses; ids are made global: ``post_id`` is the URI, accounts ``user@host``."""
    return _read(_iter_records(source), _mastodon_status(options.platform or "mastodon"))


# =========================================================================== registry

FORMATS = (
    Format(
        name="twitter-v2",
        title="Twitter API v2 (twarc2 JSONL)",
        table="posts",
        sniff=sniff_twitter_v2,
        read=read_twitter_v2,
    ),
    Format(
        name="twitter-v1",
        title="Twitter API v1.1 (JSONL)",
        table="posts",
        sniff=sniff_twitter_v1,
        read=read_twitter_v1,
    ),
    Format(
        name="telegram",
        title="Telegram Desktop export (JSON)",
        table="posts",
        sniff=sniff_telegram,
        read=read_telegram,
    ),
    Format(
        name="bluesky",
        title="Bluesky post views / feeds (JSON, JSONL)",
        table="posts",
        sniff=sniff_bluesky,
        read=read_bluesky,
    ),
    Format(
        name="mastodon",
        title="Mastodon statuses (JSON, JSONL)",
        table="posts",
        sniff=sniff_mastodon,
        read=read_mastodon,
    ),
)
