"""The state-media registry: which web domains and social accounts belong to state media.

Built from the Alliance for Securing Democracy's State Media Matrix (MIT; see
``data/ATTRIBUTION.md``). Each outlet contributes identifiers: its web domain
(host without ``www.``; a site on a platform, such as a YouTube channel, is not
a domain) and its handles on X/Twitter, Telegram, Facebook, Instagram, YouTube,
VK and TikTok, lower-cased. The registry ships with infoops
(``data/state_media.csv``) and can be rebuilt from a newer Matrix CSV with
``read_matrix``.

Two corrections apply to both. A handle that cannot exist on its platform (the
Matrix has Instagram names such as ``sputnik.armenia`` in its Twitter column) is
left out: it could never match and hides that the real handle is missing. And
``data/handle_supplement.csv`` adds the main X accounts of the largest outlets
that the Matrix lacks (RT's ``rt_com``, Sputnik's ``sputnikint``, ...), each with
the evidence for it; in the IRA archive these are most of the state-media
mentions and reshares.
"""

from __future__ import annotations

import csv
import re
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa

from ...errors import InputError

REQUIRED = ("Country", "Media company", "Main assets", "URL", "Typology")
HANDLE_COLUMNS = {
    "Twitter Link": "twitter",
    "Telegram Link": "telegram",
    "Facebook Link": "facebook",
    "Instagram Link": "instagram",
    "Youtube Link": "youtube",
    "VK Link": "vk",
    "Tiktok Link": "tiktok",
}
# Hosts of accounts, not outlets: a link there is a handle (Rutube, itself state media, stays).
PLATFORM_HOSTS = frozenset(
    {"twitter.com", "x.com", "t.me", "telegram.me", "facebook.com", "instagram.com",
     "youtube.com", "youtu.be", "vk.com", "tiktok.com", "linkedin.com", "rumble.com"}
)  # fmt: skip
REGISTRY_SCHEMA = pa.schema(
    [
        ("country", pa.string()),
        ("outlet", pa.string()),
        ("asset", pa.string()),
        ("typology", pa.string()),
        ("kind", pa.string()),  # domain, or the platform of a handle
        ("identifier", pa.string()),
    ]
)


def _host(url: str) -> str | None:
    if not url.strip():
        return None
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    return host or None


# What a handle can look like, where the platform says so.
VALID_HANDLE = {
    "twitter": re.compile(r"[a-z0-9_]{1,15}"),
    "telegram": re.compile(r"[a-z0-9_]{4,32}"),
    "tiktok": re.compile(r"[a-z0-9_.]{2,24}"),
}


def _usable(platform: str, name: str) -> bool:
    pattern = VALID_HANDLE.get(platform)
    return pattern is None or pattern.fullmatch(name) is not None


def _handle(url: str) -> str | None:
    """The account name in a profile link (``https://www.twitter.com/rt`` -> ``rt``)."""
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    path = [p for p in parts.path.split("/") if p and p not in ("channel", "c", "user", "s")]
    return path[0].lstrip("@").lower() if path else None


def read_matrix(path: Path) -> pa.Table:
    """Registry rows from a State Media Matrix CSV; a missing column is an InputError."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: not a State Media Matrix CSV, missing columns {missing}")
        rows = []
        for record in reader:
            outlet = {
                "country": record["Country"].strip(),
                "outlet": record["Media company"].strip(),
                "asset": record["Main assets"].strip(),
                "typology": record["Typology"].strip().rstrip("?"),
            }
            host = _host(record["URL"] or "")
            if host and host not in PLATFORM_HOSTS:
                rows.append(outlet | {"kind": "domain", "identifier": host})
            for column, platform in HANDLE_COLUMNS.items():
                name = _handle(record.get(column) or "") if record.get(column) else None
                if name and _usable(platform, name):
                    rows.append(outlet | {"kind": platform, "identifier": name})
    return _table(rows)


def _table(rows: list[dict]) -> pa.Table:
    """Registry rows without repeats, in a fixed order."""
    unique = {tuple(r[k] for k in REGISTRY_SCHEMA.names): r for r in rows}
    ordered = sorted(unique.values(), key=lambda r: (r["kind"], r["identifier"], r["country"],
                                                     r["outlet"], r["asset"]))  # fmt: skip
    return pa.Table.from_pylist(ordered, schema=REGISTRY_SCHEMA)


def bundled_registry() -> pa.Table:
    """The registry shipped with infoops: the Matrix and the supplement."""
    return _table(_data_rows("state_media.csv") + _data_rows("handle_supplement.csv"))


def with_supplement(table: pa.Table) -> pa.Table:
    """A registry (e.g. from a newer Matrix) with the shipped supplement added."""
    return _table(table.to_pylist() + _data_rows("handle_supplement.csv"))


def _data_rows(name: str) -> list[dict]:
    with (files("infoops.detectors.actors") / "data" / name).open(
        encoding="utf-8", newline=""
    ) as handle:
        return [{k: row[k] for k in REGISTRY_SCHEMA.names} for row in csv.DictReader(handle)]


def write_registry(table: pa.Table, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REGISTRY_SCHEMA.names)
        writer.writeheader()
        writer.writerows(table.to_pylist())
