"""Bluesky post views and feeds.

``bluesky``: post views (``app.bsky.feed.defs#postView``) as JSON Lines or an
array, or ``getAuthorFeed`` / ``searchPosts`` responses; a ``reasonRepost`` feed
item is a reshare by the reposting account. Posts are ``at://`` URIs and accounts
DIDs.
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
    post_type_of,
    read_records,
)
from ._records import Chunk, Problem
from ._sources import Source
from ._times import parse_iso

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
    embed = json_obj(record, "embed", "record.")
    if embed is None:
        return None, []
    kind = embed.get("$type")
    target: dict | None = None
    media: dict | None = embed
    if kind == "app.bsky.embed.record":
        target, media = json_obj(embed, "record", path), None
    elif kind == "app.bsky.embed.recordWithMedia":
        outer = json_obj(embed, "record", path)
        target = json_obj(outer, "record", f"{path}record.") if outer else None
        media, path = json_obj(embed, "media", path), f"{path}media."
    uri = json_str(target, "uri", "record.embed.record.") if target else None
    quote = uri if uri and f"/{_BSKY_POST}/" in uri else None  # feeds and lists embed too
    link = None
    if media is not None and media.get("$type") == "app.bsky.embed.external":
        external = json_obj(media, "external", path)
        link = json_str(external, "uri", f"{path}external.") if external else None
    return quote, [link] if link else []


def _bsky_post(view: Any, line: int | None, platform: str) -> Row:
    if not isinstance(view, dict):
        raise RecordError(f"post: expected an object, got {json_kind(view)}")
    uri = json_str(view, "uri", required=True)
    if not uri.startswith("at://"):
        raise RecordError(f"uri: expected an at:// URI, got {uri[:80]!r}")
    author = json_obj(view, "author", required=True)
    did = json_str(author, "did", "author.", required=True)
    record = json_obj(view, "record", required=True)
    if "createdAt" in record or "indexedAt" not in view:
        created_at, created_raw = json_time(record.get("createdAt"), "record.createdAt", parse_iso)
    else:
        created_at, created_raw = json_time(view.get("indexedAt"), "indexedAt", parse_iso)
    text = json_str(record, "text", "record.") or ""
    encoded = text.encode("utf-8")
    urls, tags, mentions = [], [], []
    for f_index, facet in enumerate(json_objects(record, "facets", "record.")):
        path = f"record.facets[{f_index}]."
        index = json_obj(facet, "index", path) or {}
        for feature in json_objects(facet, "features", path):
            kind = feature.get("$type")
            kind = kind if isinstance(kind, str) else ""
            if kind.endswith("#link"):
                urls.append(json_str(feature, "uri", f"{path}features[]."))
            elif kind.endswith("#tag"):
                tags.append(json_str(feature, "tag", f"{path}features[]."))
            elif kind.endswith("#mention"):
                # The feature names a DID; the text shows the handle (byte offsets, UTF-8).
                start, end = json_int(index.get("byteStart")), json_int(index.get("byteEnd"))
                shown = encoded[start:end].decode("utf-8", "ignore") if start is not None else ""
                handle = shown.strip()
                mentions.append(
                    handle
                    if handle.startswith("@")
                    else json_str(feature, "did", f"{path}features[].")
                )
    quote_of, card_links = _bsky_embeds(record)
    reply = json_obj(record, "reply", "record.")
    parent = json_obj(reply, "parent", "record.reply.") if reply else None
    reply_to = json_str(parent, "uri", "record.reply.parent.") if parent else None
    langs = record.get("langs")
    lang = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None
    return make_row(
        platform=platform,
        post_id=uri,
        account_id=did,
        account_name=json_str(author, "handle", "author."),
        created_at=created_at,
        created_at_raw=created_raw,
        text=text,
        lang=lang,
        post_type=post_type_of(None, quote_of, reply_to),
        reply_to=reply_to,
        reply_to_account=_at_authority(reply_to),
        quote_of=quote_of,
        urls=json_links([*urls, *card_links]),
        hashtags=json_handles(tags),
        mentions=json_handles(mentions),
        account_display_name=json_str(author, "displayName", "author."),
        account_created_at=json_maybe_time(author.get("createdAt"), parse_iso),
        followers=json_int(author.get("followersCount")),
        following=json_int(author.get("followsCount")),
        posts_count=json_int(author.get("postsCount")),
        account_description=json_str(author, "description", "author."),
        source_line=line,
    )


def _bsky_repost(item: dict, original: Row, line: int | None) -> Row:
    reason = json_obj(item, "reason", required=True)
    by = json_obj(reason, "by", "reason.", required=True)
    did = json_str(by, "did", "reason.by.", required=True)
    created_at, created_raw = json_time(reason.get("indexedAt"), "reason.indexedAt", parse_iso)
    uri = json_str(reason, "uri", "reason.") or f"{original['post_id']}#reposted-by:{did}"
    return make_row(
        platform=original["platform"],
        post_id=uri,
        account_id=did,
        account_name=json_str(by, "handle", "reason.by."),
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
        account_display_name=json_str(by, "displayName", "reason.by."),
        account_created_at=json_maybe_time(by.get("createdAt"), parse_iso),
        followers=json_int(by.get("followersCount")),
        following=json_int(by.get("followsCount")),
        posts_count=json_int(by.get("postsCount")),
        account_description=json_str(by, "description", "reason.by."),
        source_line=line,
    )


def _bsky_record(platform: str) -> Converter:
    def convert(
        value: Any, context: Any, line: int | None, location: str
    ) -> Iterator[Row | Problem]:
        if not isinstance(value, dict):
            raise RecordError(f"expected a post view or feed item object, got {json_kind(value)}")
        for key in ("feed", "posts"):  # a whole response page on one line
            if key in value and "uri" not in value:
                items = value[key]
                if not isinstance(items, list):
                    raise RecordError(f"{key}: expected a list, got {json_kind(items)}")
                for index, item in enumerate(items, start=1):
                    yield from guarded(convert, item, context, line, f"{location} {key}[{index}]")
                return
        if "post" in value and "uri" not in value:  # a feed item
            post = value["post"]
            if not isinstance(post, dict):
                raise RecordError(f"post: expected an object, got {json_kind(post)}")
            row = _bsky_post(post, line, platform)
            reason = json_obj(value, "reason")
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
    entries = iter_records(source, document_keys=("feed", "posts"))
    return read_records(entries, _bsky_record(options.platform or "bluesky"))


BLUESKY = Format(
    name="bluesky",
    title="Bluesky post views / feeds (JSON, JSONL)",
    table="posts",
    sniff=sniff_bluesky,
    read=read_bluesky,
)
