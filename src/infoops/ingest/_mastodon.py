"""Mastodon REST API ``Status`` entities, as a JSON array or JSON Lines.

``mastodon``: posts are status URIs and accounts ``user@instance``; the HTML of a
status is read as text with its links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from ._base import Format, ReadOptions, Sniff
from ._json_records import (
    REPLY_MEMORY,
    Converter,
    RecordError,
    Row,
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
    return text, tuple(json_links(links))


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
            if len(store) > REPLY_MEMORY:
                del store[next(iter(store))]


def _mastodon_account(status: dict, path: str) -> tuple[dict, str, str]:
    account = json_obj(status, "account", path, required=True)
    acct = json_str(account, "acct", f"{path}account.") or json_str(
        account, "username", f"{path}account."
    )
    if not acct:
        raise RecordError(f"missing {path}account.acct")
    qualified = _qualified(
        acct, json_str(status, "uri", path), json_str(account, "url", f"{path}account.")
    )
    return account, qualified, qualified.lower()


def _mastodon_content(status: dict, path: str) -> tuple[str, list[str], list[str], list[str]]:
    content = json_str(status, "content", path) or ""
    text, urls = html_to_text(content)
    warning = (json_str(status, "spoiler_text", path) or "").strip()
    if warning:
        text = f"{warning}\n\n{text}" if text else warning
    hashtags = json_handles(tag.get("name") for tag in json_objects(status, "tags", path))
    mentions = json_handles(
        _qualified(str(m.get("acct") or m.get("username") or ""), json_str(m, "url"))
        for m in json_objects(status, "mentions", path)
    )
    return text, urls, hashtags, mentions


def _mastodon_status(platform: str) -> Converter:
    memory = _MastodonMemory()

    def learn(status: dict, path: str) -> tuple[str, str, str]:
        uri = json_str(status, "uri", path, required=True)
        account, name, account_id = _mastodon_account(status, path)
        memory.remember(memory.statuses, json_str(status, "id", path), uri)
        memory.remember(memory.accounts, json_str(account, "id", f"{path}account."), account_id)
        for mention in json_objects(status, "mentions", path):
            acct = json_str(mention, "acct", f"{path}mentions[].")
            if acct:
                qualified = _qualified(acct, json_str(mention, "url")).lower()
                memory.remember(memory.accounts, json_str(mention, "id"), qualified)
        return uri, name, account_id

    def convert(status: Any, _context: Any, line: int | None, location: str) -> Iterator[Row]:
        if not isinstance(status, dict):
            raise RecordError(f"expected a status object, got {json_kind(status)}")
        uri, name, account_id = learn(status, "")
        account = status["account"]
        created_at, created_raw = json_time(status.get("created_at"), "created_at", parse_iso)
        reblog = json_obj(status, "reblog")
        reshare_of = reshare_account = None
        shown, path = status, ""
        if reblog is not None:
            reshare_of, _, reshare_account = learn(reblog, "reblog.")
            shown, path = reblog, "reblog."
        text, urls, hashtags, mentions = _mastodon_content(shown, path)

        quote_of = None
        quote = json_obj(status, "quote") if reblog is None else None
        if quote is not None and quote.get("state", "accepted") == "accepted":
            quoted = json_obj(quote, "quoted_status", "quote.")
            if quoted is not None:
                quote_of, _, _ = learn(quoted, "quote.quoted_status.")
            else:
                quoted_id = json_str(quote, "quoted_status_id", "quote.")
                quote_of = memory.statuses.get(quoted_id or "", quoted_id)
        reply_id = json_str(status, "in_reply_to_id")
        reply_to = memory.statuses.get(reply_id, reply_id) if reply_id else None
        reply_account_id = json_str(status, "in_reply_to_account_id")
        reply_account = memory.accounts.get(reply_account_id) if reply_account_id else None
        yield make_row(
            platform=platform,
            post_id=uri,
            account_id=account_id,
            account_name=name,
            created_at=created_at,
            created_at_raw=created_raw,
            text=text,
            lang=json_str(shown, "language", path),
            post_type=post_type_of(reshare_of, quote_of, reply_to),
            reshare_of_post=reshare_of,
            reshare_of_account=reshare_account,
            reply_to=reply_to,
            reply_to_account=reply_account,
            quote_of=quote_of,
            urls=urls,
            hashtags=hashtags,
            mentions=mentions,
            account_display_name=json_str(account, "display_name", "account."),
            account_created_at=json_maybe_time(account.get("created_at"), parse_iso),
            followers=json_int(account.get("followers_count")),
            following=json_int(account.get("following_count")),
            posts_count=json_int(account.get("statuses_count")),
            account_description=html_to_text(json_str(account, "note", "account.") or "")[0]
            or None,
            source_line=line,
        )

    return convert


def read_mastodon(source: Source, options: ReadOptions) -> Iterator[Chunk | Problem]:
    """Mastodon statuses; ids are made global: ``post_id`` is the URI, accounts ``user@host``."""
    return read_records(iter_records(source), _mastodon_status(options.platform or "mastodon"))


MASTODON = Format(
    name="mastodon",
    title="Mastodon statuses (JSON, JSONL)",
    table="posts",
    sniff=sniff_mastodon,
    read=read_mastodon,
)
