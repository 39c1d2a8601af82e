"""The whole job, sequenced in one place: ingest, detect, find campaigns, write outputs.

``run`` is what ``infoops run`` and the dashboard's runs call; every stage reports its
progress as ``Event`` objects (started, progress, finished, skipped), never as printed
text, so a caller can draw bars, log JSON lines or ignore them. Each ``run_*`` function
is one stage on an open workspace, for a notebook or a command of its own.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from . import workspace as layer

if TYPE_CHECKING:
    from .campaigns import CampaignConfig
    from .detectors.claims import ClaimMatchConfig
    from .detectors.coordination import CoordinationConfig, SignalSummary, SparkOptions
    from .detectors.laundering import LaunderingConfig
    from .detectors.narratives import NarrativeConfig
    from .ingest import IngestReport
    from .report import Subset
    from .text._progress import Progress
    from .workspace import Workspace

# The stages of ``run``, in order; content stages run only with ``content=True``, and
# laundering only when the workspace holds articles.
STAGES = (
    "ingest",
    "coordination",
    "actors",
    "integrity",
    "claims",
    "narratives",
    "statements",
    "laundering",
    "report",
)
Status = Literal["started", "progress", "finished", "skipped"]
EVENTS = "events.jsonl"  # where a run started by the dashboard logs its events


@dataclass(frozen=True)
class Event:
    """What a stage is doing: ``started``, ``progress`` (``done`` of ``total`` ``unit``s,
    ``step`` naming the part, e.g. a coordination signal or the file read), ``finished``
    (with ``counts``) or ``skipped`` (with the reason in ``step``). ``unit`` is what is
    counted: "bytes", "texts", "words", "posts", "sentences", or "steps" when ``done``
    counts the stage's named parts."""

    stage: str
    status: Status
    step: str = ""
    done: int | None = None
    total: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    unit: str = ""

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v not in ("", None, {})})


OnEvent = Callable[[Event], None]


def _ignore(event: Event) -> None:
    """The default listener: a notebook user reads results, not events."""


def _progress_of(stage: str, on_event: OnEvent) -> Progress:
    """A detector's ``on_progress`` that passes each report on as a ``progress`` event."""

    def report(unit: str, done: int, total: int, step: str = "") -> None:
        on_event(Event(stage, "progress", step or unit, done, total, unit=unit))

    return report


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
    from .detectors.coordination import BY_NAME

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


def run_coortweet(
    ws: Workspace, signals: tuple[str, ...], windows: dict[str, float], options, out: Path
) -> dict[str, int]:
    """CooRTweet's rows and edges for each signal, written to ``out``
    (docs/coordination.md, "CooRTweet's semantics"); returns rows per file.

    ``options`` is a ``CoorTweetOptions``; ``windows`` overrides its window per signal.
    """
    from dataclasses import replace

    from .detectors.coordination import coortweet_edges, coortweet_groups
    from .report import write_coortweet

    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, int] = {}
    for name in signals:
        chosen = replace(options, time_window=windows.get(name, options.time_window))
        groups = coortweet_groups(ws.con, name, chosen)
        edges = coortweet_edges(ws.con, groups, chosen.edge_weight)
        files |= write_coortweet(ws.con, out, name, groups, edges)
    return files


def _cap_notes(config: CoordinationConfig, signals: list[SignalSummary]) -> list[str]:
    """Say when the per-object cap dropped objects: their pairs were never tested."""
    return [
        f"{s.signal}: {s.capped_objects:,} objects used by more than "
        f"{config.max_object_accounts:,} accounts were left out of the pairing "
        "(--max-object-accounts 0 keeps them)"
        for s in signals
        if s.capped_objects
    ]


@contextmanager
def committed(ws: Workspace) -> Iterator[None]:
    """A stage's result tables are replaced together or not at all: an error, Ctrl-C or
    kill -9 part-way leaves the workspace with the previous stage's complete results."""
    ws.con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        ws.con.execute("ROLLBACK")
        raise
    ws.con.execute("COMMIT")


def run_ingest(
    ws: Workspace,
    paths: Iterable[str | Path],
    *,
    mapping: dict[str, str] | None = None,
    platform: str | None = None,
    format: str | None = None,
    on_event: OnEvent = _ignore,
) -> IngestReport:
    """Read every file behind ``paths`` into ``ws`` (one transaction per file), reporting
    bytes read per file as progress events (``step`` is the file and its format)."""

    def on_file(source, fmt: str) -> Callable[[int], None]:
        step = f"{Path(source.name.split('!')[-1]).name} ({fmt})"
        rows = [0]

        def advance(count: int) -> None:
            rows[0] += count
            total = source.size or None
            on_event(Event("ingest", "progress", step, source.meter[0], total, {"rows": rows[0]},
                           unit="bytes"))  # fmt: skip

        return advance

    on_event(Event("ingest", "started"))
    report = ws.ingest(paths, mapping=mapping, platform=platform, format=format, on_file=on_file)
    counts = {
        "posts": report.total("posts_added"),
        "articles": report.total("articles_added"),
        "quarantined": report.total("quarantined"),
        "unreadable": len(report.errors),
    }
    on_event(Event("ingest", "finished", counts=counts))
    return report


def run_coordination(
    ws: Workspace,
    config: CoordinationConfig | None = None,
    campaign_config: CampaignConfig | None = None,
    out: Path | None = None,
    all_edges: bool = False,
    on_event: OnEvent = _ignore,
    spark: SparkOptions | None = None,
) -> CoordinationReport:
    """Detect coordination in ``ws``, find campaigns and (with ``out``) write the files.

    With ``spark``, the relational steps run on Spark (docs/spark.md); the test,
    fusion and communities run here either way, so the results are the same.
    Progress events name each signal, then ``communities`` and ``outputs``.
    """
    from .campaigns import CampaignConfig, find_campaigns
    from .detectors.coordination import CoordinationConfig, detect_coordination, spark_backend
    from .report import write_gexf, write_tables

    config = config or CoordinationConfig()
    campaign_config = campaign_config or CampaignConfig()
    steps = [*config.signals, "communities", "outputs"]

    def step(name: str) -> None:
        on_event(Event("coordination", "progress", name, steps.index(name), len(steps),
                       unit="steps"))  # fmt: skip

    on_event(Event("coordination", "started", total=len(steps)))
    report = CoordinationReport(notes=_window_notes(ws, config))
    with committed(ws):
        if spark is None:
            report.signals = detect_coordination(ws.con, config, on_signal=step)
        else:
            with spark_backend(ws.con, spark) as backend:
                report.signals = detect_coordination(ws.con, config, step, backend)
        report.notes += _cap_notes(config, report.signals)
        step("communities")
        report.campaigns = find_campaigns(ws.con, campaign_config)
        _store_settings(ws, config, campaign_config, report.signals)
    if out is not None:
        step("outputs")
        report.files = write_tables(ws.con, out, all_edges=all_edges)
        nodes, edges = write_gexf(ws.con, out / "network.gexf")
        report.files["network.gexf"] = nodes
    on_event(Event("coordination", "finished", counts={"campaigns": report.campaigns}))
    return report


def _store_settings(
    ws: Workspace, config: CoordinationConfig, campaigns: CampaignConfig, signals: list
) -> None:
    """Keep the options of the last detection in the workspace, for the briefing's method."""
    settings = {
        "signals": " ".join(f"{s.signal} ({s.window_s:g} s)" for s in signals),
        "fdr": config.fdr,
        "null_model": config.null_model,
        "evidence_per_edge": config.evidence_per_edge or "all",
        "max_object_accounts": config.max_object_accounts,
        "min_shared": config.min_shared,
        "min_lift": config.min_lift,
        "text_similarity": config.text_similarity,
        "meaning_similarity": config.meaning_similarity,
        "min_campaign_accounts": campaigns.min_accounts,
        "leiden_resolution": campaigns.resolution,
        "seed": campaigns.seed,
    }
    import pyarrow as pa

    table = pa.table({"setting": list(settings), "value": [str(v) for v in settings.values()]})
    layer.store_arrow(ws.con, "coordination_settings", table)


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
    on_event: OnEvent = _ignore,
) -> LaunderingReport:
    """Group the workspace's articles that copy or translate each other.

    Writes the tables ``laundering``, ``laundering_changes`` and ``article_posts``
    (posts that paste an article's text), and with ``out`` their CSV files. Progress
    events count the sentences embedded.
    """
    from .detectors.laundering import (
        LaunderingConfig,
        articles_from_table,
        find_laundering,
        link_posts_to_articles,
    )
    from .report import write_laundering
    from .text._vector_cache import CachedEncoder

    config = config or LaunderingConfig()
    on_event(Event("laundering", "started"))
    table = ws.sql("SELECT * FROM articles ORDER BY article_id").to_arrow_table()
    articles = articles_from_table(table, config.max_sentences)

    encoder = CachedEncoder(config.encoder(), ws.con)
    groups, changes = find_laundering(
        articles, config, encoder, on_progress=_progress_of("laundering", on_event)
    )
    with committed(ws):
        layer.store_arrow(ws.con, "laundering", groups)
        layer.store_arrow(ws.con, "laundering_changes", changes)
        link_posts_to_articles(ws.con)
    roles = groups.column("role").to_pylist()
    report = LaunderingReport(
        articles=len(articles),
        groups=len(set(groups.column("group_id").to_pylist())),
        copies=roles.count("copy"),
        translations=roles.count("translation"),
        changes=changes.num_rows,
    )
    report.linked_posts = ws.sql("SELECT count(DISTINCT post_rowid) FROM article_posts").fetchall()[
        0
    ][0]
    if out is not None:
        report.files = write_laundering(ws.con, out)
    on_event(Event("laundering", "finished", counts={"groups": report.groups}))
    return report


def run_actors(
    ws: Workspace, out: Path | None = None, on_event: OnEvent = _ignore
) -> dict[str, int]:
    """Match posts to the state-media registry (the workspace's, else the bundled one).

    Writes the tables ``state_media_posts`` and ``account_state_media`` (and with
    ``out``, actors.csv); returns posts matched and accounts amplifying state media.
    """
    from .detectors.actors import account_state_media, match_state_media
    from .report import write_actors

    on_event(Event("actors", "started"))
    with committed(ws):
        posts = match_state_media(ws.con)
        account_state_media(ws.con).create("account_state_media_new")
        ws.con.execute("DROP TABLE IF EXISTS account_state_media")
        ws.con.execute("ALTER TABLE account_state_media_new RENAME TO account_state_media")
    accounts = ws.sql("SELECT count(DISTINCT account_id) FROM account_state_media").fetchall()[0][0]
    result = {"posts": posts, "accounts": accounts}
    on_event(Event("actors", "finished", counts=dict(result)))
    if out is not None:
        result |= write_actors(ws.con, out)
    return result


def run_claims(
    ws: Workspace,
    out: Path | None = None,
    config: ClaimMatchConfig | None = None,
    on_event: OnEvent = _ignore,
) -> dict[str, int]:
    """Match posts and articles to known false claims (table ``claim_matches``; with
    ``out``, claim_matches.csv); returns texts with a candidate claim, texts per status
    (match, suggested, refutes, reports), the claims asserted and the claims searched
    (``catalogue``: an empty result is not an empty catalogue)."""
    from .detectors.claims import match_claims
    from .report import write_claims

    on_event(Event("claims", "started"))
    with committed(ws):
        matched = match_claims(ws.con, config, on_progress=_progress_of("claims", on_event))
    counts = ws.sql(
        """SELECT count(DISTINCT coalesce(text_key::VARCHAR, article_id)) FILTER (status = $1),
                  count(DISTINCT coalesce(text_key::VARCHAR, article_id)) FILTER (status = $2),
                  count(DISTINCT coalesce(text_key::VARCHAR, article_id)) FILTER (status = $3),
                  count(DISTINCT coalesce(text_key::VARCHAR, article_id)) FILTER (status = $4),
                  count(DISTINCT claim_id) FILTER (stance = 'asserts'),
                  (SELECT count(*) FROM claim_catalogue) FROM claim_matches""",
        params=["match", "suggested", "refutes", "reports"],
    ).fetchall()[0]
    names = ("match", "suggested", "refutes", "reports", "claims", "catalogue")
    result = {"texts": matched} | dict(zip(names, counts, strict=True))
    on_event(Event("claims", "finished", counts=dict(result)))
    return result | (write_claims(ws.con, out) if out is not None else {})


def run_integrity(
    ws: Workspace, out: Path | None = None, on_event: OnEvent = _ignore, method: str = "model"
) -> dict[str, int]:
    """Tag election-integrity content (table ``integrity_tags``; with ``out``,
    integrity_tags.csv, which also lists posts amplifying state media when matched).
    ``method``: ``model`` (the classifier, with the rules that agree as evidence) or
    ``rules`` (the rules alone)."""
    from .detectors.integrity import tag_election_integrity
    from .report import write_integrity

    on_event(Event("integrity", "started"))
    with committed(ws):
        tagged = tag_election_integrity(ws.con, _progress_of("integrity", on_event), method=method)
        result = {"texts": tagged}
    on_event(Event("integrity", "finished", counts=dict(result)))
    return result | (write_integrity(ws.con, out) if out is not None else {})


def run_narratives(
    ws: Workspace,
    out: Path | None = None,
    config: NarrativeConfig | None = None,
    on_event: OnEvent = _ignore,
) -> dict[str, int]:
    """Cluster posts and articles into narratives (tables ``text_narratives``,
    ``article_narratives``, ``narrative_terms``; with ``out``, narratives.csv and
    narrative_volume.csv); returns the narrative count."""
    from .detectors.narratives import find_narratives
    from .report import write_narratives

    on_event(Event("narratives", "started"))
    with committed(ws):
        found = find_narratives(ws.con, config, on_progress=_progress_of("narratives", on_event))
        result = {"narratives": found}
    on_event(Event("narratives", "finished", counts=dict(result)))
    return result | (write_narratives(ws.con, out) if out is not None else {})


def run_statements(
    ws: Workspace, out: Path | None = None, on_event: OnEvent = _ignore
) -> dict[str, int]:
    """Find attributed statements in articles and long posts and the conflicting accounts
    among them (tables ``statements``, ``statement_conflicts``; with ``out``,
    statements.csv and conflicts.csv)."""
    from .detectors.statements import find_statements
    from .report import write_statements

    on_event(Event("statements", "started"))

    def progress(done: int, total: int) -> None:
        on_event(Event("statements", "progress", "documents", done, total, unit="documents"))

    with committed(ws):
        result = find_statements(ws.con, on_progress=progress)
    on_event(Event("statements", "finished", counts=dict(result)))
    return result | (write_statements(ws.con, out) if out is not None else {})


def has_statement_sources(ws: Workspace) -> bool:
    """Articles, or posts long enough to quote someone."""
    from .detectors.statements._statements import MIN_POST_CHARS

    return (
        ws.sql(
            "SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM posts "
            "WHERE length(text) >= ?)",
            params=[MIN_POST_CHARS],
        ).fetchall()[0][0]
        > 0
    )


def run_report(
    ws: Workspace,
    out: Path,
    *,
    parquet: bool = False,
    subset: Subset | None = None,
    on_event: OnEvent = _ignore,
    election_dates: Sequence[date] = (),
) -> tuple[dict[str, int], list[str]]:
    """Write campaigns.json, briefing.html/.pdf, network.graphml (and with ``parquet``
    every table); returns the files written and notes for the reader."""
    from .report import write_briefing, write_campaigns, write_graphml, write_parquet
    from .text._progress import steps

    on_event(Event("report", "started"))
    graph = layer.has_table(ws.con, "fused_edges")
    parts = ("campaigns.json", "briefing") + ("network.graphml",) * graph + ("parquet",) * parquet
    start = steps(_progress_of("report", on_event), parts)
    notes: list[str] = []
    start("campaigns.json")
    files = write_campaigns(ws.con, out, subset)
    start("briefing")
    files |= write_briefing(ws.con, out, notes=notes, subset=subset, election_dates=election_dates)
    if graph:
        start("network.graphml")
        files["network.graphml"] = write_graphml(ws.con, out / "network.graphml", subset)
    if parquet:
        start("parquet")
        files["tables/*.parquet"] = write_parquet(ws.con, out / "tables")
    on_event(Event("report", "finished", counts={"files": len(files)}))
    return files, notes


def check_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """The input paths, each checked to exist (an empty folder is an error too), before
    anything is written: a typo must not cost a run on an empty workspace."""
    from .errors import InputError

    checked = [Path(p) for p in paths]
    if not checked:
        raise InputError("no input: give files or folders to read")
    for path in checked:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
    check_folders(checked)
    return checked


def check_folders(paths: Iterable[Path]) -> None:
    """A folder given as input must hold a file: an empty one (a wrong path, a copy not
    made yet) is an error naming it, not "0 posts ingested"."""
    from .errors import InputError

    for path in paths:
        if path.is_dir() and not any(f.is_file() for f in path.rglob("*")):
            raise InputError(f"{path}: the folder holds no file to read")


def check_out(out: Path, workspace: Path | None = None, force: bool = False) -> None:
    """Refuse, before any analysis, an output folder that cannot be written or that is not
    empty: its files could be the analyst's own, and an earlier run's workspace would mix
    two cases. ``force`` writes there anyway and starts the folder's workspace anew."""
    from .errors import InputError

    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: --out must be a folder, and this is a file")
    if out.is_dir() and not force:
        if (out / "workspace.duckdb").exists():
            raise InputError(
                f"{out} holds an earlier run (workspace.duckdb): choose a new folder, or "
                "pass --force to start it again"
            )
        present = sorted(p.name for p in out.iterdir() if p.name != EVENTS)
        if present:
            listed = ", ".join(present[:3]) + (", ..." if len(present) > 3 else "")
            raise InputError(
                f"{out} is not empty ({listed}): choose a new folder, or pass --force to "
                "write there (files of the same names are replaced)"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".infoops-write-test"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise InputError(f"{out}: cannot write there ({exc.strerror or exc})") from None
    if force and workspace is None:
        for name in ("workspace.duckdb", "workspace.duckdb.wal"):
            (out / name).unlink(missing_ok=True)


@dataclass
class RunConfig:
    """Everything ``run`` needs besides its inputs; each part defaults as its command does."""

    coordination: CoordinationConfig | None = None
    campaigns: CampaignConfig | None = None
    laundering: LaunderingConfig | None = None
    content: bool = True
    spark: SparkOptions | None = None
    election_dates: tuple[date, ...] = ()  # the briefing counts integrity tags around each


@dataclass
class RunResult:
    """What ``run`` did: one entry per stage that ran, in order."""

    workspace: Path
    ingest: IngestReport
    coordination: CoordinationReport | None = None
    actors: dict[str, int] = field(default_factory=dict)
    content: dict[str, dict[str, int]] = field(default_factory=dict)
    laundering: LaunderingReport | None = None
    report: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def run(
    paths: Iterable[str | Path],
    out: Path,
    *,
    workspace: Path | None = None,
    config: RunConfig | None = None,
    on_event: OnEvent = _ignore,
    force: bool = False,
) -> RunResult:
    """Ingest ``paths``, run every detector and write every output to ``out``.

    The workspace defaults to ``out/workspace.duckdb``. Inputs and the output folder are
    checked before anything is written (``check_inputs``, ``check_out``). This is the
    only place that sequences the stages.
    """
    from .errors import InputError

    config = config or RunConfig()
    out = Path(out)
    inputs = check_inputs(paths)
    check_out(out, workspace, force)
    path = Path(workspace or out / "workspace.duckdb")
    fresh = not path.exists()
    clock = _Clock()
    with layer.Workspace(path) as ws:
        result = RunResult(path, run_ingest(ws, inputs, on_event=on_event))
        clock.lap(result, "ingest")
        empty = _nothing_read(ws, result.ingest)
        if empty:
            ws.close()
            if fresh:  # a workspace of nothing would only block the next run in this folder
                for name in (path, Path(f"{path}.wal")):
                    name.unlink(missing_ok=True)
            raise InputError(empty)
        result.coordination = run_coordination(
            ws, config.coordination, config.campaigns, out=out, on_event=on_event,
            spark=config.spark,
        )  # fmt: skip
        clock.lap(result, "coordination")
        result.actors = run_actors(ws, out, on_event=on_event)
        clock.lap(result, "actors")
        for stage in ("integrity", "claims", "narratives"):
            if not config.content:
                on_event(Event(stage, "skipped", "--no-content"))
                continue
            step = {"integrity": run_integrity, "claims": run_claims}.get(stage, run_narratives)
            result.content[stage] = step(ws, out, on_event=on_event)
            clock.lap(result, stage)
        if not config.content:
            on_event(Event("statements", "skipped", "--no-content"))
        elif has_statement_sources(ws):
            result.content["statements"] = run_statements(ws, out, on_event=on_event)
            clock.lap(result, "statements")
        else:
            on_event(Event("statements", "skipped", "no articles or long posts"))
        if ws.sql("SELECT count(*) FROM articles").fetchall()[0][0] > 0:
            result.laundering = run_laundering(ws, config.laundering, out, on_event=on_event)
            clock.lap(result, "laundering")
        else:
            on_event(Event("laundering", "skipped", "no articles"))
        result.report, result.notes = run_report(
            ws, out, on_event=on_event, election_dates=config.election_dates
        )
        clock.lap(result, "report")
    return result


def _nothing_read(ws: Workspace, report: IngestReport) -> str:
    """Why there is nothing to analyse (naming the files read), or "" when there is."""
    count = ws.sql("SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM articles)")
    if count.fetchall()[0][0] > 0:
        return ""
    names = [Path(f.source.split("!")[-1]).name for f in report.files if not f.error]
    read = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    reasons = "; ".join(f.error for f in report.errors if f.error)
    return (
        "nothing to analyse: no post or article was read"
        + (f" from {read} (no records in it)" if read else "")
        + (f" ({reasons})" if reasons else "")
    )


class _Clock:
    """Seconds per stage, kept in the result (not in any exported table)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self, result: RunResult, stage: str) -> None:
        now = time.perf_counter()
        result.seconds[stage] = round(now - self.last, 3)
        self.last = now


__all__ = [
    "STAGES",
    "CoordinationReport",
    "Event",
    "LaunderingReport",
    "RunConfig",
    "RunResult",
    "run",
    "run_actors",
    "run_claims",
    "run_coordination",
    "run_ingest",
    "run_integrity",
    "run_laundering",
    "run_narratives",
    "run_report",
    "run_statements",
    "time_resolution_s",
]
