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
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pyarrow as pa

from ...errors import InputError

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
    ]
)
EUVSDISINFO_COLUMNS = ("date", "id", "title", "countries", "keywords", "languages", "outlets")
_CLAIM_COLUMNS = ("claim", "claimreviewed", "claim_text", "title", "text")
_URL_COLUMNS = ("url", "review_url", "link", "id")


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


_VECTORS = "euvsdisinfo_claims_e5.npz"
_SCREEN_VECTORS = "euvsdisinfo_claims_use.npz"


def catalogue_digest(claims: pa.Table) -> str:
    """A fingerprint of the claims' ids, texts and keywords: what their vectors depend on."""
    digest = hashlib.sha256()
    for row in claims.select(["claim_id", "claim", "keywords"]).to_pylist():
        digest.update("\t".join(v or "" for v in row.values()).encode("utf-8") + b"\n")
    return digest.hexdigest()


def bundled_claim_vectors(claims: pa.Table) -> np.ndarray | None:
    """The shipped e5 vectors (float32) of ``claims`` if they are the bundled catalogue,
    else None. Shipped so that nobody waits ten minutes to encode 11,000 claims."""
    data = (files("infoops.detectors.claims") / "data" / _VECTORS).read_bytes()
    with np.load(io.BytesIO(data), allow_pickle=False) as stored:
        if str(stored["digest"]) != catalogue_digest(claims):
            return None
        return stored["vectors"].astype(np.float32) * stored["scale"][:, None]


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


def write_claim_vectors(vectors: np.ndarray, claims: pa.Table, path: Path) -> None:
    """Store ``vectors`` of ``claims`` as int8 with one scale a row (a quarter of float32;
    cosines move by under 0.005)."""
    scale = (np.abs(vectors).max(axis=1) / 127).astype(np.float32)
    scale[scale == 0] = 1
    quantised = np.round(vectors / scale[:, None]).astype(np.int8)
    with open(path, "wb") as handle:
        np.savez(handle, vectors=quantised, scale=scale, digest=np.str_(catalogue_digest(claims)))


def read_claim_file(path: Path) -> pa.Table:
    """A user's catalogue: CSV with a claim column and a URL, or ClaimReview JSON/JSONL.

    Raises InputError naming the file (and line) when nothing usable is found.
    """
    try:
        head = path.read_bytes()[:4096].lstrip()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from error
    if head[:1] in (b"{", b"["):
        return _table(list(_claim_reviews(path)), path)
    return _table(_claim_csv(path), path)


def _claim_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        names = {n.strip().lower(): n for n in reader.fieldnames or []}
        claim_col = next((names[c] for c in _CLAIM_COLUMNS if c in names), None)
        url_col = next((names[c] for c in _URL_COLUMNS if c in names), None)
        if claim_col is None or url_col is None:
            raise InputError(
                f"{path}: a claim CSV needs a claim column ({', '.join(_CLAIM_COLUMNS)}) and a "
                f"URL column ({', '.join(_URL_COLUMNS)}); found {reader.fieldnames}"
            )
        extra = {k: names.get(k) for k in ("date", "rating", "countries", "keywords", "languages")}
        return [
            _row(
                claim_id=r[url_col],
                claim=r[claim_col],
                url=r[url_col],
                catalogue=path.name,
                **{k: r[c] for k, c in extra.items() if c},
            )  # fmt: skip
            for r in reader
        ]


def _claim_reviews(path: Path):
    """Rows from schema.org ClaimReview objects or Fact Check Tools ``claims`` pages."""
    text = path.read_text(encoding="utf-8-sig")
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
