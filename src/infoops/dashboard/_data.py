"""Read-only access to one workspace for the dashboard: campaigns, accounts, evidence.

The workspace is opened read-only and never changes while it is served, so the
campaign objects (the same ones the briefing states) are built once and kept.
Each request queries through its own cursor: DuckDB connections are not shared
between threads, cursors are.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb

from ..campaigns import FAMILIES, campaign_objects
from ..workspace import Workspace
from ..workspace._tables import has_table

CONFIDENCE_RANK = {"high": 0, "moderate": 1, "low": 2}
EVIDENCE_PER_EDGE = 3
EDGES_WITH_EVIDENCE = 25


def rows(cur: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[dict]:
    """Rows of a query as dicts; big integer keys become strings (JavaScript loses them)."""
    result = cur.execute(sql, params) if params is not None else cur.execute(sql)
    names = [d[0] for d in result.description]
    out = []
    for row in result.fetchall():
        item = dict(zip(names, row, strict=True))
        if item.get("text_key") is not None:
            item["text_key"] = str(item["text_key"])
        out.append(item)
    return out


class WorkspaceData:
    """One workspace, open read-only, with the campaign objects cached."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.workspace = Workspace(self.path, read_only=True)
        self._locks: dict[str, threading.Lock] = {}
        self._cache: dict[str, Any] = {}
        self._open: set[duckdb.DuckDBPyConnection] = set()  # cursors in use, to interrupt
        self.stopping = False

    def interrupt(self) -> None:
        """Stop every query under way (the server is shutting down): a thread left inside
        DuckDB when the interpreter exits aborts the process ('terminate called')."""
        self.stopping = True
        for cur in list(self._open):
            with suppress(duckdb.Error):
                cur.interrupt()

    def close(self) -> None:
        with suppress(duckdb.Error):
            self.workspace.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for the calling thread, closed afterwards."""
        cur = self.workspace.con.cursor()
        self._open.add(cur)
        try:
            yield cur
        finally:
            self._open.discard(cur)
            cur.close()

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()`` once per key (the served workspace never changes); callers of the
        same key wait for the first, other keys are not held up."""
        if key not in self._cache:
            with self._locks.setdefault(key, threading.Lock()):
                if key not in self._cache:
                    self._cache[key] = build()
        return self._cache[key]

    def has(self, table: str) -> bool:
        """Whether the step that writes ``table`` has run on this workspace."""

        def check() -> bool:
            with self.cursor() as cur:
                return has_table(cur, table)

        return self.cached(f"has:{table}", check)

    # -- campaigns -------------------------------------------------------------------

    def campaigns(self) -> list[dict]:
        """Every campaign object, built once (the briefing's own builder)."""

        def build() -> list[dict]:
            with self.cursor() as cur:
                return campaign_objects(cur)

        return self.cached("campaigns", build)

    def campaign(self, campaign_id: str) -> dict | None:
        by_id = self.cached("campaigns_by_id", lambda: {c["campaign_id"]: c
                                                        for c in self.campaigns()})  # fmt: skip
        return by_id.get(campaign_id)

    def summary(self) -> dict:
        """Counts for the header: posts, accounts, campaigns, time range."""
        return self.cached("summary", self._summary)

    def _summary(self) -> dict:
        with self.cursor() as cur:
            posts, accounts, first, last = cur.execute(
                "SELECT count(*), count(DISTINCT account_id), min(created_at), max(created_at) "
                "FROM posts"
            ).fetchall()[0]
            articles = cur.execute("SELECT count(*) FROM articles").fetchall()[0][0]
            campaigns = (
                cur.execute("SELECT count(*) FROM campaigns").fetchall()[0][0]
                if self.has("campaigns")
                else 0
            )  # from the table: the objects may still be building
        return {
            "workspace": self.path.name,
            "posts": posts,
            "accounts": accounts,
            "articles": articles,
            "first_post": first,
            "last_post": last,
            "campaigns": campaigns,
            "detected": self.has("campaigns"),
            "families": sorted(set(FAMILIES.values()) | {"timing"}),
            "tables": {t: self.has(t) for t in _OPTIONAL_TABLES},
        }

    def search_campaigns(
        self,
        q: str = "",
        confidence: str = "",
        family: str = "",
        flags: tuple[str, ...] = (),
        min_accounts: int = 0,
        sort: str = "confidence",
    ) -> list[dict]:
        """The campaign list: filtered by text, confidence, evidence kind and content flags."""
        found = [
            _list_item(c)
            for c in self.campaigns()
            if (not confidence or c["confidence"]["level"] == confidence)
            and (not family or family in c["signal_families"])
            and c["accounts"] >= min_accounts
            and all(_flag(c, flag) for flag in flags)
        ]
        if q.strip():
            matching = self._campaigns_matching(q.strip())
            found = [c for c in found if c["campaign_id"] in matching]
        return sorted(found, key=_SORTS.get(sort, _SORTS["confidence"]))

    def _campaigns_matching(self, q: str) -> set[str]:
        """Campaigns whose id, an account, a narrative term or a claim contains ``q``."""
        needle = q.lower()
        hits = {
            c["campaign_id"]
            for c in self.campaigns()
            if needle in c["campaign_id"].lower()
            or any(needle in f"{n['label']} {n['key_terms']}".lower() for n in c["narratives"])
            or any(needle in (k["claim"] or "").lower() for k in c["claims"])
            or any(needle in s for s in c["signals"])
        }
        with self.cursor() as cur:
            hits |= {
                r[0]
                for r in cur.execute(
                    """SELECT DISTINCT campaign_id FROM campaign_accounts
                       WHERE campaign_id IS NOT NULL
                         AND (contains(lower(account_id), $q)
                              OR contains(lower(coalesce(account_name, '')), $q))""",
                    {"q": needle},
                ).fetchall()
            }
        return hits

    def campaign_accounts(self, campaign_id: str) -> list[dict]:
        with self.cursor() as cur:
            return rows(
                cur,
                """SELECT account_id, account_name, coordination_score, top_signals, n_posts,
                          n_coordinated_posts, degree::BIGINT AS degree
                   FROM campaign_accounts WHERE campaign_id = ?
                   ORDER BY coordination_score DESC, account_id""",
                [campaign_id],
            )

    # -- accounts and evidence -------------------------------------------------------

    def account(self, account_id: str, posts: int = 200, offset: int = 0) -> dict | None:
        """An account: profile, campaign, posts, edges and the post pairs behind them."""
        with self.cursor() as cur:
            profile = rows(
                cur,
                """SELECT platform, account_id, account_name, display_name, created_at,
                          followers, following, posts_count, description, location
                   FROM accounts WHERE account_id = ? LIMIT 1""",
                [account_id],
            )
            member = (
                rows(
                    cur,
                    "SELECT * EXCLUDE (degree) FROM campaign_accounts WHERE account_id = ?",
                    [account_id],
                )  # fmt: skip
                if self.has("campaign_accounts")
                else []
            )
            total = cur.execute(
                "SELECT count(*) FROM posts WHERE account_id = ?", [account_id]
            ).fetchall()[0][0]
            if not profile and not member and not total:
                return None
            return {
                "account_id": account_id,
                "profile": profile[0] if profile else None,
                "membership": member[0] if member else None,
                "post_count": total,
                "posts": self._posts(cur, account_id, posts, offset),
                "edges": self._edges(cur, account_id),
            }

    def _posts(self, cur, account_id: str, limit: int, offset: int) -> list[dict]:
        return rows(
            cur,
            """SELECT post_id, created_at, post_type, lang, text, reshare_of_account, urls,
                      hashtags
               FROM posts WHERE account_id = ? ORDER BY created_at, post_id LIMIT ? OFFSET ?""",
            [account_id, limit, offset],
        )

    def _edges(self, cur, account_id: str) -> list[dict]:
        """The account's coordination edges, strongest first, the top ones with evidence."""
        if not self.has("coordination_edges"):
            return []
        edges = rows(
            cur,
            """SELECT signal, source, target, k AS shared, n_evidence, expected, q_value,
                      significant, min_dt_s,
                      CASE WHEN source = $a THEN target ELSE source END AS other
               FROM coordination_edges WHERE source = $a OR target = $a
               ORDER BY significant DESC, q_value, k DESC, signal, other LIMIT 500""",
            {"a": account_id},
        )
        top = edges[:EDGES_WITH_EVIDENCE]
        pairs = self._evidence_for(cur, [(e["signal"], e["source"], e["target"]) for e in top])
        for edge in edges:
            edge["evidence"] = pairs.get((edge["signal"], edge["source"], edge["target"]))
        return edges

    def _evidence_for(self, cur, keys: list[tuple[str, str, str]]) -> dict[tuple, list[dict]]:
        """The first post pairs behind each of the given edges, in one query."""
        if not keys or not self.has("coordination_evidence"):
            return {}
        wanted = "(SELECT unnest($signals), unnest($sources), unnest($targets))"
        signals, sources, targets = (list(column) for column in zip(*keys, strict=True))
        found = rows(
            cur,
            _EVIDENCE_SQL.format(edges=wanted, where="TRUE") + " WHERE n <= $limit",
            {
                "signals": signals,
                "sources": sources,
                "targets": targets,
                "limit": EVIDENCE_PER_EDGE,
            },
        )
        grouped: dict[tuple, list[dict]] = {}
        for item in found:
            grouped.setdefault((item["signal"], item["source"], item["target"]), []).append(item)
        return grouped

    def evidence(self, signal: str, source: str, target: str, limit: int = 200) -> list[dict]:
        """Every post pair behind one edge (up to ``limit``)."""
        if not self.has("coordination_evidence"):
            return []
        with self.cursor() as cur:
            where = "e.signal = $signal AND e.source = $source AND e.target = $target"
            sql = _EVIDENCE_SQL.format(edges="(SELECT $signal, $source, $target)", where=where)
            return rows(cur, sql + " WHERE n <= $limit",
                        {"signal": signal, "source": source, "target": target, "limit": limit})  # fmt: skip


# Post pairs behind edges; ``edges`` is a relation of (signal, source, target).
_EVIDENCE_SQL = """
SELECT * FROM (
    SELECT e.signal, e.source, e.target, e.post_source, e.post_target, e.dt_s, e.shared,
           round(e.similarity, 3) AS similarity, ps.created_at AS time_source,
           pt.created_at AS time_target, ps.text AS text_source, pt.text AS text_target,
           row_number() OVER (PARTITION BY e.signal, e.source, e.target
                              ORDER BY e.dt_s, e.post_source, e.post_target) AS n
    FROM coordination_evidence e
    SEMI JOIN {edges} w(signal, source, target)
        ON e.signal = w.signal AND e.source = w.source AND e.target = w.target
    LEFT JOIN posts ps ON ps.post_id = e.post_source AND ps.account_id = e.source
    LEFT JOIN posts pt ON pt.post_id = e.post_target AND pt.account_id = e.target
    WHERE {where})"""

_OPTIONAL_TABLES = ("campaigns", "fused_edges", "text_narratives", "claim_matches",
                    "integrity_tags", "laundering", "state_media_posts")  # fmt: skip

_SORTS = {
    "confidence": lambda c: (CONFIDENCE_RANK[c["confidence"]], -c["accounts"], c["campaign_id"]),
    "accounts": lambda c: (-c["accounts"], c["campaign_id"]),
    "posts": lambda c: (-(c["posts"] or 0), c["campaign_id"]),
    "first": lambda c: (c["first_post"] or "", c["campaign_id"]),
    "id": lambda c: c["campaign_id"],
}


def _flag(campaign: dict, flag: str) -> bool:
    if flag == "state_media":
        return any(item["share"] >= 0.01 for item in campaign["state_media"])
    if flag == "claims":
        return any(item["posts_matched"] for item in campaign["claims"])
    if flag == "integrity":
        return bool(campaign["integrity"])
    if flag == "laundering":
        return bool(campaign["laundering"])
    return True


def _list_item(c: dict) -> dict:
    """The fields the campaign list shows (the full object is on the campaign page)."""
    return {
        "campaign_id": c["campaign_id"],
        "accounts": c["accounts"],
        "posts": c["posts"],
        "first_post": c["first_post"],
        "last_post": c["last_post"],
        "confidence": c["confidence"]["level"],
        "signals": c["signals"],
        "families": sorted(c["signal_families"]),
        "narratives": [n["label"] or n["key_terms"] for n in c["narratives"][:2]],
        "claims": sum(k["posts_matched"] for k in c["claims"]),
        "state_media": [s["country"] for s in c["state_media"] if s["share"] >= 0.01],
        "integrity": sum(c["integrity"].values()),
        "timeline": c["timeline"],
    }
