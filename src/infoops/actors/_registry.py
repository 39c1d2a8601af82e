"""The state-media registry: which web domains and social accounts belong to state media.

Built from the Alliance for Securing Democracy's State Media Matrix (MIT; see
``data/ATTRIBUTION.md``). Each outlet contributes identifiers: its web domain
(host without ``www.``; a site on a platform, such as a YouTube channel, is not
a domain) and its handles on X/Twitter, Telegram, Facebook, Instagram, YouTube,
VK and TikTok, lower-cased. The registry ships with infoops
(``data/state_media.csv``) and can be rebuilt from a newer Matrix CSV with
``read_matrix``.
"""

from __future__ import annotations

import csv
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa

from ..errors import InputError

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
                if name:
                    rows.append(outlet | {"kind": platform, "identifier": name})
    unique = {tuple(r.values()): r for r in rows}
    ordered = sorted(unique.values(), key=lambda r: (r["kind"], r["identifier"], r["country"],
                                                     r["outlet"], r["asset"]))  # fmt: skip
    return pa.Table.from_pylist(ordered, schema=REGISTRY_SCHEMA)


def bundled_registry() -> pa.Table:
    """The registry shipped with infoops."""
    path = files("infoops.actors") / "data" / "state_media.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return pa.Table.from_pylist(rows, schema=REGISTRY_SCHEMA)


def write_registry(table: pa.Table, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REGISTRY_SCHEMA.names)
        writer.writeheader()
        writer.writerows(table.to_pylist())
