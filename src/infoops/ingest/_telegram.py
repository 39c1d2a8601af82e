"""Telegram Desktop JSON exports, of one chat or of a whole account.

``telegram``: the export's ``messages`` (or ``chats.list[].messages`` for a whole
account), streamed message by message. Posts are ``<chat>/<message id>`` with chats
and senders in the export's own ``channel123`` / ``user456`` style.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import ijson

from ._base import Format, ReadOptions, Sniff
from ._json_records import (
    REPLY_MEMORY,
    Converter,
    Entry,
    RecordError,
    Row,
    json_handles,
    json_kind,
    json_links,
    json_objects,
    json_str,
    json_time,
    make_row,
    post_type_of,
    read_records,
)
from ._records import Chunk, Problem
from ._sources import Source
from ._times import parse_epoch, parse_iso

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
                parts.append(json_str(part, "text", f"text[{index}].") or "")
                entities.append(part)
            else:
                raise RecordError(
                    f"text[{index}]: expected a string or object, got {json_kind(part)}"
                )
        plain = "".join(parts)
    else:
        raise RecordError(f"text: expected a string or list, got {json_kind(text)}")
    if "text_entities" in message:
        entities = json_objects(message, "text_entities")
    return plain, entities


def _telegram_link(text: str) -> str:
    return text if "://" in text or text.startswith("mailto:") else f"http://{text}"


def _telegram_message(platform: str) -> Converter:
    def convert(message: Any, chat: dict, line: int | None, location: str) -> Iterator[Row]:
        if not isinstance(message, dict):
            raise RecordError(f"message: expected an object, got {json_kind(message)}")
        kind = message.get("type", "message")
        if not isinstance(kind, str):
            raise RecordError(f"type: expected a string, got {json_kind(kind)}")
        if kind != "message":
            return  # service messages (joins, pins, title changes) are not posts
        message_id = json_str(message, "id", required=True)
        chat_account = _chat_account(chat)
        if "date_unixtime" in message:
            created_at, _ = json_time(message["date_unixtime"], "date_unixtime", parse_epoch)
        else:  # older exports: local time of the exporting computer, taken as UTC
            created_at, _ = json_time(message.get("date"), "date", parse_iso)
        created_raw = json_str(message, "date") or json_str(message, "date_unixtime")
        sender = message.get("from_id")
        if isinstance(sender, int | float) and not isinstance(sender, bool):
            sender = f"user{int(sender)}"  # very old exports: a bare user number
        elif sender is not None and not isinstance(sender, str):
            raise RecordError(f"from_id: expected a string, got {json_kind(sender)}")
        account = sender or chat_account
        if not account:
            raise RecordError("missing from_id (and the chat has no id)")
        name = json_str(message, "from") or (json_str(chat, "name") if not sender else None)
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
            urls = json_links(found_urls)
            hashtags, mentions = json_handles(found_tags), json_handles(found_mentions)

        def in_chat(number: str) -> str:
            return f"{chat_account}/{number}" if chat_account else number

        forwarded = json_str(message, "forwarded_from")
        reshare = "forwarded_from" in message
        reply_number = json_str(message, "reply_to_message_id")
        authors = chat.setdefault("_authors", {})
        reply_account = authors.get(reply_number) if reply_number else None
        authors[message_id] = account
        if len(authors) > REPLY_MEMORY:
            del authors[next(iter(authors))]
        yield make_row(
            platform=platform,
            post_id=in_chat(message_id),
            account_id=account,
            account_name=name,
            created_at=created_at,
            created_at_raw=created_raw,
            text=text,
            post_type=post_type_of(reshare, None, reply_number),
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
    return read_records(_iter_telegram(source), _telegram_message(options.platform or "telegram"))


TELEGRAM = Format(
    name="telegram",
    title="Telegram Desktop export (JSON)",
    table="posts",
    sniff=sniff_telegram,
    read=read_telegram,
)
