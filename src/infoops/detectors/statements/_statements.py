"""The statements step on a workspace: attributed statements of articles and long posts
(table ``statements``), and the conflicts among them (``statement_conflicts``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from ...workspace._tables import store_arrow
from ._attribution import Found, Span, open_after, sentence_spans, sentence_statements
from ._conflicts import Conflict, ConflictFinder, Said
from ._cues import PRONOUNS
from ._speakers import Document, describe, name_key, split_mention

STATEMENT_SCHEMA = pa.schema(
    [
        ("statement_id", pa.string()),
        ("source_kind", pa.string()),  # article or post
        ("source_id", pa.string()),  # article_id or post_id
        ("outlet", pa.string()),  # the article's domain, or the post's account
        ("url", pa.string()),
        ("published_at", pa.timestamp("us")),
        ("lang", pa.string()),
        ("sentence_no", pa.int32()),
        ("speaker_mention", pa.string()),  # the words of the sentence naming the speaker
        ("speaker", pa.string()),  # the name the document gives them, or their role
        ("speaker_role", pa.string()),
        ("speaker_key", pa.string()),
        ("speaker_kind", pa.string()),  # official, state_media or other
        ("speaker_country", pa.string()),
        ("source_state_media", pa.string()),  # country, when the outlet is state media
        ("cue", pa.string()),
        ("kind", pa.string()),  # quote or paraphrase
        ("statement", pa.string()),
        ("start", pa.int32()),  # characters in the source text
        ("end", pa.int32()),
        ("sentence", pa.string()),
    ]
)
CONFLICT_SCHEMA = pa.schema(
    [
        ("conflict_id", pa.int32()),
        ("kind", pa.string()),  # denial, numbers or self
        ("confidence", pa.string()),
        ("score", pa.float64()),
        ("statement_a", pa.string()),
        ("statement_b", pa.string()),
        ("conflict_words", pa.string()),
        ("shared_words", pa.string()),
        ("actors", pa.string()),  # e.g. "official / state_media": what ranks it first
    ]
)
MIN_POST_CHARS = 200  # shorter posts rarely quote anyone
MAX_DOCUMENT_CHARS = 1_000_000  # the head of a longer text (a book, a dump) is read
_PRONOUN_REACH = 3  # sentences back a pronoun may look for its speaker
_MAX_QUOTED_SENTENCES = 6  # a quote "open" for longer is a stray mark, not a quote


@dataclass(frozen=True)
class Source:
    kind: str
    id: str
    outlet: str
    url: str
    published_at: datetime | None
    lang: str | None
    text: str
    state_media: str


def document_statements(
    text: str, lang: str | None = None, sentences: list[Span] | None = None
) -> list[dict]:
    """Every attributed statement of one document, speakers resolved within it: a
    pronoun to the speaker just before, "Lavrov" to "Sergey Lavrov", a role to the name
    the document gives it; a quote that goes on keeps its speaker. ``sentences`` gives
    the sentence spans when they are known (a corpus split by hand)."""
    text = text[:MAX_DOCUMENT_CHARS]
    document = Document.read(text)
    rows: list[dict] = []
    pending: list[dict] = []  # quoted sentences waiting for the speaker named at the quote's end
    last: tuple[int, str, str] | None = None  # sentence number, name and role of the last speaker
    quoting = 0  # sentences a quote has been open for
    for number, span in enumerate(sentences or sentence_spans(text)):
        sentence = span.of(text)
        for found in sentence_statements(sentence, lang, open_at_start=quoting > 0):
            where = {"sentence_no": number, "sentence": sentence,
                     "start": span.start + found.statement.start,
                     "end": span.start + found.statement.end}  # fmt: skip
            if found.speaker is None and (last is None or number - last[0] > 1 or quoting):
                pending.append(where | {"cue": "", "kind": found.kind,
                                        "statement": found.statement.of(sentence)})  # fmt: skip
                continue
            row = _resolve(found, sentence, number, document, last, text[: span.start])
            if row is None:
                continue
            if pending and found.statement.start == 0 and quoting:
                rows += [p | _speaker_of(row) for p in pending]
            pending = []
            rows.append(row | where)
            last = (number, row["speaker"], row["speaker_role"])
        quoting = quoting + 1 if open_after(sentence, quoting > 0) else 0
        if quoting > _MAX_QUOTED_SENTENCES:
            quoting, pending = 0, []
        if not quoting and pending:
            if last is not None and pending[0]["sentence_no"] - last[0] <= 1:
                rows += [p | {"speaker_mention": "", "speaker": last[1], "speaker_role": last[2]}
                         for p in pending]  # fmt: skip
            pending = []
    return sorted(rows, key=lambda r: r["start"])


def _speaker_of(row: dict) -> dict:
    return {"speaker_mention": "", "speaker": row["speaker"], "speaker_role": row["speaker_role"],
            "cue": row["cue"]}  # fmt: skip


def _resolve(
    found: Found,
    sentence: str,
    number: int,
    document: Document,
    last: tuple | None,
    before: str = "",
) -> dict | None:
    recent = last is not None and number - last[0] <= _PRONOUN_REACH
    base = {"cue": found.cue, "kind": found.kind, "statement": found.statement.of(sentence)}
    if found.speaker is None:  # the previous sentence's speaker goes on
        if last is None or number - last[0] > 1:
            return None
        return base | {"speaker_mention": "", "speaker": last[1], "speaker_role": last[2]}
    mention = found.speaker.of(sentence)
    if mention.lower() in PRONOUNS:
        name, role = (last[1], last[2]) if recent and last[1] else ("", "")
        if not name and mention.lower() not in _FIRST_PERSON:
            name = document.person_before(before)
        return base | {"speaker_mention": mention, "speaker": name, "speaker_role": role}
    role, name = document.resolve(mention)
    return base | {"speaker_mention": mention, "speaker": name or role, "speaker_role": role}


_FIRST_PERSON = frozenset(
    ["we", "i", "wir", "ich", "nous", "je", "nosotros", "yo", "мы", "я", "ми"]
)


def _sources(
    con: duckdb.DuckDBPyConnection, min_post_chars: int, domains: dict[str, str]
) -> list[Source]:
    rows = con.execute(
        """SELECT 'article', article_id, coalesce(domain, source_file, ''), coalesce(url, ''),
                  published_at, lang, text
           FROM articles WHERE text IS NOT NULL
           UNION ALL
           SELECT 'post', post_id, coalesce(account_name, account_id), '', created_at, lang, text
           FROM posts WHERE length(text) >= ? AND post_type <> 'reshare'
           ORDER BY 1, 2""",
        [min_post_chars],
    ).fetchall()
    return [Source(*row, domains.get(row[2].lower(), "") if row[0] == "article" else "")
            for row in rows]  # fmt: skip


def _state_media(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], dict[str, str]]:
    """The registry's domains and its outlet and asset names (lower-cased), to countries."""
    from ..actors import workspace_registry

    domains: dict[str, str] = {}
    names: dict[str, str] = {}
    for row in workspace_registry(con).to_pylist():
        if row["kind"] == "domain":
            domains[row["identifier"].lower()] = row["country"]
        for name in (row["outlet"], row["asset"]):
            if name and len(name) >= 2:
                names.setdefault(name.lower(), row["country"])
    return domains, names


def find_statements(
    con: duckdb.DuckDBPyConnection,
    min_post_chars: int = MIN_POST_CHARS,
    window_days: float = 3.0,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Create ``statements`` and ``statement_conflicts``; return their counts."""
    domains, outlets = _state_media(con)
    sources = _sources(con, min_post_chars, domains)
    rows: list[dict] = []
    for done, source in enumerate(sources, 1):
        for row in document_statements(source.text, source.lang):
            rows.append(_row(source, row, outlets))
        if on_progress is not None and (done % 200 == 0 or done == len(sources)):
            on_progress(done, len(sources))
    statements = pa.Table.from_pylist(rows, schema=STATEMENT_SCHEMA)
    store_arrow(con, "statements", statements)
    conflicts = find_conflicts(rows, window_days)
    store_arrow(con, "statement_conflicts", conflicts)
    return {"statements": len(rows), "conflicts": conflicts.num_rows}


def _row(source: Source, row: dict, outlets: dict[str, str]) -> dict:
    speaker = row["speaker"]
    kind, country = describe(speaker, row["speaker_role"], outlets)
    if not speaker and row["speaker_mention"]:
        speaker = row["speaker_mention"]
    return row | {
        "statement_id": f"{source.kind}:{source.id}:{row['start']}",
        "source_kind": source.kind,
        "source_id": source.id,
        "outlet": source.outlet,
        "url": source.url,
        "published_at": source.published_at,
        "lang": source.lang,
        "speaker": speaker,
        "speaker_key": name_key(row["speaker"]) if row["speaker"] else "",
        "speaker_kind": kind,
        "speaker_country": country,
        "source_state_media": source.state_media,
    }


_ACTOR_ORDER = {
    ("official", "state_media"): 0,
    ("official", "official"): 1,
    ("official", "other"): 2,
    ("state_media", "other"): 2,
    ("state_media", "state_media"): 2,
}


def find_conflicts(rows: list[dict], window_days: float = 3.0) -> pa.Table:
    """Conflicting accounts among statement ``rows``, those between a government and
    state media first, then between governments, then by score."""
    said = [
        Said(r["speaker_key"], r["statement"], r["cue"], r["lang"],
             f"{r['source_kind']}:{r['source_id']}", r["published_at"])
        for r in rows
    ]  # fmt: skip
    names = [_name_words(r["speaker"]) for r in rows]
    found = ConflictFinder(said, window_days, names).all()
    ranked = sorted(found, key=lambda c: (_actor_rank(rows, c), -c.score, c.a, c.b))
    return pa.Table.from_pylist(
        [_conflict_row(n, c, rows) for n, c in enumerate(ranked, 1)], schema=CONFLICT_SCHEMA
    )


def _name_words(speaker: str) -> frozenset[str]:
    role, name = split_mention(speaker)
    return frozenset(w.lower().removesuffix("'s") for w in f"{role} {name}".split())


def _actor(row: dict) -> str:
    """A government's word stays official wherever it is reported; anyone else's words in
    a state outlet's article are that outlet's account."""
    if row["speaker_kind"] == "other" and row["source_state_media"]:
        return "state_media"
    return row["speaker_kind"]


def _actors(rows: list[dict], conflict: Conflict) -> tuple[str, str]:
    kinds = sorted((_actor(rows[conflict.a]), _actor(rows[conflict.b])))
    return kinds[0], kinds[1]


def _actor_rank(rows: list[dict], conflict: Conflict) -> int:
    kinds = _actors(rows, conflict)
    if kinds[0] == "official" and kinds[1] == "official":
        countries = {rows[conflict.a]["speaker_country"], rows[conflict.b]["speaker_country"]}
        return 1 if len(countries) > 1 else 2
    return _ACTOR_ORDER.get(kinds, 3)


def _conflict_row(number: int, conflict: Conflict, rows: list[dict]) -> dict:
    return {
        "conflict_id": number,
        "kind": conflict.kind,
        "confidence": conflict.confidence,
        "score": conflict.score,
        "statement_a": rows[conflict.a]["statement_id"],
        "statement_b": rows[conflict.b]["statement_id"],
        "conflict_words": conflict.words,
        "shared_words": conflict.shared,
        "actors": " / ".join(_actors(rows, conflict)),
    }
