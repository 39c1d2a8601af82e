"""The whole job, as a short list of calls: ingest, detect, find campaigns, write outputs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from .._tables import store_arrow
from ..actors import account_state_media, match_state_media
from ..content import (
    ClaimMatchConfig,
    LaunderingConfig,
    NarrativeConfig,
    articles_from_table,
    find_laundering,
    find_narratives,
    link_posts_to_articles,
    match_claims,
    tag_election_integrity,
)
from ..detectors import BY_NAME, CoordinationConfig, SignalSummary, detect_coordination
from ..graph import CampaignConfig, find_campaigns
from ..report import (
    write_actors,
    write_claims,
    write_gexf,
    write_integrity,
    write_laundering,
    write_narratives,
    write_tables,
)
from ._spark import SparkOptions, spark_backend
from ._workspace import Workspace

log = logging.getLogger("infoops")


@dataclass
class CoordinationReport:
    signals: list[SignalSummary] = field(default_factory=list)
    campaigns: int = 0
    files: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def time_resolution_s(ws: Workspace) -> int | None:
    """The coarsest clock the post times fit: 60 when every time is a whole minute."""
    row = ws.sql(
        """SELECT count(*), count(*) FILTER (second(created_at) <> 0 OR microsecond(created_at) <> 0)
           FROM posts"""
    ).fetchall()[0]
    if row[0] == 0:
        return None
    return 60 if row[1] == 0 else 1


def _window_notes(ws: Workspace, config: CoordinationConfig) -> list[str]:
    resolution = time_resolution_s(ws)
    if resolution != 60:
        return []
    short = sorted(name for name in config.signals if config.window(BY_NAME[name]) < 300)
    if not short:
        return []
    return [
        "every post time is a whole minute (minute-resolution data, e.g. the IRA archive): "
        f"windows under 300 s ({', '.join(short)}) see only same- or next-minute actions; "
        "consider --window 300"
    ]


def run_coordination(
    ws: Workspace,
    config: CoordinationConfig | None = None,
    campaign_config: CampaignConfig | None = None,
    out: Path | None = None,
    all_edges: bool = False,
    on_step: Callable[[str], None] | None = None,
    spark: SparkOptions | None = None,
) -> CoordinationReport:
    """Detect coordination in ``ws``, find campaigns and (with ``out``) write the files.

    With ``spark``, the relational steps run on Spark (docs/spark.md); the test,
    fusion and communities run here either way, so the results are the same.
    """
    config = config or CoordinationConfig()
    report = CoordinationReport(notes=_window_notes(ws, config))
    if spark is None:
        report.signals = detect_coordination(ws.con, config, on_signal=on_step)
    else:
        with spark_backend(ws.con, spark) as backend:
            report.signals = detect_coordination(ws.con, config, on_step, backend)
    if on_step:
        on_step("communities")
    report.campaigns = find_campaigns(ws.con, campaign_config)
    _store_settings(ws, config, campaign_config or CampaignConfig(), report.signals)
    if out is not None:
        if on_step:
            on_step("outputs")
        report.files = write_tables(ws.con, out, all_edges=all_edges)
        nodes, edges = write_gexf(ws.con, out / "network.gexf")
        report.files["network.gexf"] = nodes
    return report


def _store_settings(
    ws: Workspace, config: CoordinationConfig, campaigns: CampaignConfig, signals: list
) -> None:
    """Keep the options of the last detection in the workspace, for the briefing's method."""
    settings = {
        "signals": " ".join(f"{s.signal} ({s.window_s:g} s)" for s in signals),
        "fdr": config.fdr,
        "max_object_accounts": config.max_object_accounts,
        "min_shared": config.min_shared,
        "min_lift": config.min_lift,
        "text_similarity": config.text_similarity,
        "meaning_similarity": config.meaning_similarity,
        "min_campaign_accounts": campaigns.min_accounts,
        "leiden_resolution": campaigns.resolution,
        "seed": campaigns.seed,
    }
    table = pa.table({"setting": list(settings), "value": [str(v) for v in settings.values()]})
    store_arrow(ws.con, "coordination_settings", table)


@dataclass
class LaunderingReport:
    articles: int = 0
    groups: int = 0
    copies: int = 0
    translations: int = 0
    changes: int = 0
    linked_posts: int = 0
    files: dict[str, int] = field(default_factory=dict)


def run_laundering(
    ws: Workspace,
    config: LaunderingConfig | None = None,
    out: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> LaunderingReport:
    """Group the workspace's articles that copy or translate each other.

    Writes the tables ``laundering``, ``laundering_changes`` and ``article_posts``
    (posts that paste an article's text), and with ``out`` their CSV files.
    """
    config = config or LaunderingConfig()
    table = ws.sql("SELECT * FROM articles ORDER BY article_id").to_arrow_table()
    articles = articles_from_table(table, config.max_sentences)
    groups, changes = find_laundering(articles, config, on_progress=on_progress)
    store_arrow(ws.con, "laundering", groups)
    store_arrow(ws.con, "laundering_changes", changes)
    roles = groups.column("role").to_pylist()
    report = LaunderingReport(
        articles=len(articles),
        groups=len(set(groups.column("group_id").to_pylist())),
        copies=roles.count("copy"),
        translations=roles.count("translation"),
        changes=changes.num_rows,
    )
    link_posts_to_articles(ws.con)
    report.linked_posts = ws.sql("SELECT count(DISTINCT post_rowid) FROM article_posts").fetchall()[
        0
    ][0]
    if out is not None:
        report.files = write_laundering(ws.con, out)
    return report


def run_actors(ws: Workspace, out: Path | None = None) -> dict[str, int]:
    """Match posts to the state-media registry (the workspace's, else the bundled one).

    Writes the tables ``state_media_posts`` and ``account_state_media`` (and with
    ``out``, actors.csv); returns posts matched and accounts amplifying state media.
    """
    posts = match_state_media(ws.con)
    account_state_media(ws.con).create("account_state_media_new")
    ws.con.execute("DROP TABLE IF EXISTS account_state_media")
    ws.con.execute("ALTER TABLE account_state_media_new RENAME TO account_state_media")
    accounts = ws.sql("SELECT count(DISTINCT account_id) FROM account_state_media").fetchall()[0][0]
    result = {"posts": posts, "accounts": accounts}
    if out is not None:
        result |= write_actors(ws.con, out)
    return result


def run_claims(
    ws: Workspace, out: Path | None = None, config: ClaimMatchConfig | None = None
) -> dict[str, int]:
    """Match posts and articles to known false claims (table ``claim_matches``; with
    ``out``, claim_matches.csv); returns texts matched, those at status ``match``, and
    claims found."""
    matched = match_claims(ws.con, config)
    at_match, claims = ws.sql(
        """SELECT count(DISTINCT coalesce(text_key::VARCHAR, article_id)) FILTER (status = 'match'),
                  count(DISTINCT claim_id) FROM claim_matches"""
    ).fetchall()[0]
    result = {"texts": matched, "match": at_match, "claims": claims}
    return result | (write_claims(ws.con, out) if out is not None else {})


def run_integrity(ws: Workspace, out: Path | None = None) -> dict[str, int]:
    """Tag election-integrity content (table ``integrity_tags``; with ``out``,
    integrity_tags.csv, which also lists posts amplifying state media when matched)."""
    result = {"texts": tag_election_integrity(ws.con)}
    return result | (write_integrity(ws.con, out) if out is not None else {})


def run_narratives(
    ws: Workspace, out: Path | None = None, config: NarrativeConfig | None = None
) -> dict[str, int]:
    """Cluster posts and articles into narratives (tables ``text_narratives``,
    ``article_narratives``, ``narrative_terms``; with ``out``, narratives.csv and
    narrative_volume.csv); returns the narrative count."""
    result = {"narratives": find_narratives(ws.con, config)}
    return result | (write_narratives(ws.con, out) if out is not None else {})
