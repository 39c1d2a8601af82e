"""Catalogues of known false claims: the bundled EUvsDisinfo cases and the user's own.

The bundled catalogue is built from the EUvsDisinfo database of the EU's East
StratCom Task Force (see ``data/ATTRIBUTION.md``): each case's title states the
false claim; its case page is the source a user opens to check it. Users add
fact-checks of their own from a CSV (a ``claim`` column and a ``url``) or from
ClaimReview exports (schema.org ClaimReview JSON/JSONL, or the Google Fact Check
Tools API's ``{"claims": [...]}`` pages).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pyarrow as pa

from ...errors import InputError, UnreadableFile
from ...ingest._sources import iter_sources
from ...ingest._times import try_parse_time

CATALOGUE_SCHEMA = pa.schema(
    [
        ("claim_id", pa.string()),  # unique within the catalogue: the case or review URL
        ("claim", pa.string()),  # the false claim, one sentence
        ("date", pa.string()),  # ISO date the claim was recorded or reviewed
        ("url", pa.string()),  # where a user reads the debunk
        ("catalogue", pa.string()),  # euvsdisinfo, or the user file's name
        ("rating", pa.string()),  # the fact-checker's verdict, when given
        ("countries", pa.string()),  # '+'-separated, as in EUvsDisinfo
        ("keywords", pa.string()),
        ("languages", pa.string()),
        ("outlets", pa.string()),
        ("context", pa.string()),  # more words on it: a fact-check's headline and summary
    ]
)
EUVSDISINFO_COLUMNS = ("date", "id", "title", "countries", "keywords", "languages", "outlets")
_CLAIM_COLUMNS = ("claim", "vclaim", "claimreviewed", "claim_text", "title", "text")
_ID_COLUMNS = ("claim_id", "vclaim_id", "id")
_URL_COLUMNS = ("url", "review_url", "page_url", "link")
_CONTEXT_COLUMNS = ("context", "title", "subtitle", "description", "summary")


def _row(**values: str | None) -> dict[str, str | None]:
    row = {name: None for name in CATALOGUE_SCHEMA.names}
    # Whitespace (line breaks inside a CSV field included) collapses to one space.
    row.update({k: " ".join(v.split()) or None if isinstance(v, str) else v
                for k, v in values.items()})  # fmt: skip
    return row


def _table(rows: list[dict], path: Path) -> pa.Table:
    unique: dict[str, dict] = {}
    for row in rows:
        if row["claim"] and row["claim_id"]:
            unique.setdefault(row["claim_id"], row)
    if not unique:
        raise InputError(f"{path}: no claims found (each needs a claim text and a URL or id)")
    return pa.Table.from_pylist(sorted(unique.values(), key=lambda r: r["claim_id"]),
                                schema=CATALOGUE_SCHEMA)  # fmt: skip


def read_euvsdisinfo(path: Path) -> pa.Table:
    """Catalogue rows from the EUvsDisinfo database CSV (date, id, title, ...)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in EUVSDISINFO_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: not an EUvsDisinfo CSV, missing columns {missing}")
        rows = [
            _row(
                claim_id=r["id"],
                claim=r["title"],
                date=r["date"],
                url=r["id"],
                catalogue="euvsdisinfo",
                countries=r["countries"],
                keywords=r["keywords"],
                languages=r["languages"],
                outlets=r["outlets"],
            )  # fmt: skip
            for r in reader
        ]
    return _table(rows, path)


@cache
def bundled_claims() -> pa.Table:
    """The catalogue shipped with infoops (EUvsDisinfo cases 2015-2021); read once a process
    (the index and the workspace's catalogue both need it)."""
    data = (files("infoops.detectors.claims") / "data" / "euvsdisinfo_claims.csv.gz").read_bytes()
    with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(data)), encoding="utf-8") as text:
        rows = [{k: v or None for k, v in r.items()} for r in csv.DictReader(text)]
    return pa.Table.from_pylist(rows, schema=CATALOGUE_SCHEMA)


def write_catalogue(table: pa.Table, path: Path) -> None:
    """Write a catalogue as gzip CSV, byte-for-byte the same for the same rows."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CATALOGUE_SCHEMA.names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table.to_pylist())
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))


_SCREEN_VECTORS = "euvsdisinfo_claims_use.npz"


def catalogue_digest(claims: pa.Table) -> str:
    """A fingerprint of the claims' ids, texts, keywords and context: what their vectors
    depend on (a claim without context adds nothing, so older digests hold)."""
    digest = hashlib.sha256()
    for row in claims.select(["claim_id", "claim", "keywords", "context"]).to_pylist():
        values = [row["claim_id"], row["claim"], row["keywords"]]
        values += [row["context"]] if row["context"] else []
        digest.update("\t".join(v or "" for v in values).encode("utf-8") + b"\n")
    return digest.hexdigest()


def as_catalogue(table: pa.Table) -> pa.Table:
    """``table`` with the catalogue's columns, in order; columns it lacks (a workspace
    written by an older infoops) are empty."""
    columns = [
        table.column(f.name).cast(f.type) if f.name in table.column_names
        else pa.nulls(table.num_rows, f.type)
        for f in CATALOGUE_SCHEMA
    ]  # fmt: skip
    return pa.Table.from_arrays(columns, schema=CATALOGUE_SCHEMA)


def bundled_screen_vectors(claims: pa.Table) -> np.ndarray | None:
    """The shipped USE vectors (float32) of ``claims`` if they are the bundled catalogue,
    else None: encoding them took three quarters of a 20,000-tweet claims step."""
    data = (files("infoops.detectors.claims") / "data" / _SCREEN_VECTORS).read_bytes()
    with np.load(io.BytesIO(data), allow_pickle=False) as stored:
        if str(stored["digest"]) != catalogue_digest(claims):
            return None
        return stored["vectors"].astype(np.float32)


def write_screen_vectors(vectors: np.ndarray, claims: pa.Table, path: Path) -> None:
    """Store USE ``vectors`` of ``claims`` as float16 (cosines move by under 0.001)."""
    with open(path, "wb") as handle:
        np.savez(handle, vectors=vectors.astype(np.float16),
                 digest=np.str_(catalogue_digest(claims)))  # fmt: skip


def read_claim_file(path: Path) -> pa.Table:
    """A user's catalogue: CSV with a claim column and an id or URL, or ClaimReview
    JSON/JSONL; compressed files (gzip, zstd, ...) are read as they are.

    Raises InputError naming the file (and line) when nothing usable is found.
    """
    text = _read_text(path)
    if text.lstrip()[:1] in ("{", "["):
        return _table(list(_claim_reviews(text, path)), path)
    return _table(_claim_csv(text, path), path)


def _read_text(path: Path) -> str:
    try:
        source = next(iter_sources([path]))
        with source.open() as stream:
            data = stream.read()
    except StopIteration:
        raise InputError(f"{path}: no file to read") from None
    except UnreadableFile as error:
        raise InputError(str(error)) from error
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start})") from error


def _claim_csv(text: str, path: Path) -> list[dict]:
    """Rows of a CSV catalogue: a claim column and an id or URL column (e.g. CheckThat!'s
    ``vclaim_id, vclaim, title, subtitle, page_url, date``)."""
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle)
        names = {n.strip().lower(): n for n in reader.fieldnames or []}
        claim_col = next((names[c] for c in _CLAIM_COLUMNS if c in names), None)
        id_col = next((names[c] for c in _ID_COLUMNS if c in names), None)
        url_col = next((names[c] for c in _URL_COLUMNS if c in names), None)
        if claim_col is None or (id_col or url_col) is None:
            raise InputError(
                f"{path}: a claim CSV needs a claim column ({', '.join(_CLAIM_COLUMNS)}) and an "
                f"id or URL column ({', '.join(_ID_COLUMNS + _URL_COLUMNS)}); "
                f"found {reader.fieldnames}"
            )
        context_cols = [names[c] for c in _CONTEXT_COLUMNS if c in names and names[c] != claim_col]
        extra = {k: names.get(k) for k in ("rating", "countries", "keywords", "languages")}
        rows = []
        for r in reader:
            url = (r[url_col] or "").strip() if url_col else ""
            context = sentences(r[k] for k in context_cols)
            rows.append(_row(
                claim_id=(r[id_col] if id_col else "") or url, claim=r[claim_col],
                url=url or None, catalogue=path.name, context=context,
                date=_date(r[names["date"]]) if "date" in names else None,
                **{k: r[c] for k, c in extra.items() if c},
            ))  # fmt: skip
        return rows


def sentences(parts) -> str:
    """Non-empty, distinct ``parts`` joined as sentences (a full stop added where none ends
    one), so that a headline and a summary read as two sentences."""
    kept = dict.fromkeys(" ".join(p.split()) for p in parts if p and p.strip())
    return " ".join(p if p[-1] in ".!?…" else p + "." for p in kept)


def _date(value: str | None) -> str | None:
    """An ISO date from the dates catalogues write ("26 May 2015", "2015-05-26T...")."""
    if not value or not value.strip():
        return None
    for layout in ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(value.strip(), layout).date().isoformat()
        except ValueError:
            continue
    found = try_parse_time(value)
    return found.date().isoformat() if found else value.strip()


def _claim_reviews(text: str, path: Path):
    """Rows from schema.org ClaimReview objects or Fact Check Tools ``claims`` pages."""
    try:
        documents = [json.loads(text)]
    except json.JSONDecodeError:
        documents = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                documents.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise InputError(f"{path}, line {number}: not JSON ({error.msg})") from error
    for document in documents:
        for item in document if isinstance(document, list) else [document]:
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("claims"), list):  # Fact Check Tools API page
                for claim in item["claims"]:
                    yield from _fact_check_tools(claim, path.name)
            elif item.get("claimReviewed"):  # schema.org ClaimReview
                rating = item.get("reviewRating") or {}
                yield _row(claim_id=item.get("url"), claim=item["claimReviewed"],
                           url=item.get("url"), date=(item.get("datePublished") or "")[:10],
                           rating=rating.get("alternateName") if isinstance(rating, dict) else None,
                           catalogue=path.name)  # fmt: skip


def _fact_check_tools(claim: dict, catalogue: str):
    for review in claim.get("claimReview") or []:
        yield _row(claim_id=review.get("url"), claim=claim.get("text"), url=review.get("url"),
                   date=(review.get("reviewDate") or claim.get("claimDate") or "")[:10],
                   rating=review.get("textualRating"), languages=review.get("languageCode"),
                   catalogue=catalogue)  # fmt: skip
