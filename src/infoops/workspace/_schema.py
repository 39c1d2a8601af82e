"""Every table of a workspace: the input tables, created by named migrations, and the
result tables, each declared with the stage that writes it.

Each migration runs once, in order; the names of those applied are kept in
``infoops_meta`` so that an older workspace is upgraded in place when a newer
infoops opens it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

Migration = Callable[[duckdb.DuckDBPyConnection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    """Register ``fn`` as the next migration, under its function name (never rename one)."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


POST_COLUMNS = """
    platform            VARCHAR NOT NULL,
    post_id             VARCHAR NOT NULL,
    account_id          VARCHAR NOT NULL,
    account_name        VARCHAR,
    created_at          TIMESTAMP NOT NULL,
    text                VARCHAR,
    lang                VARCHAR,
    post_type           VARCHAR NOT NULL,
    reshare_of_post     VARCHAR,
    reshare_of_account  VARCHAR,
    reply_to            VARCHAR,
    reply_to_account    VARCHAR,
    quote_of            VARCHAR,
    urls                VARCHAR[],
    domains             VARCHAR[],
    hashtags            VARCHAR[],
    mentions            VARCHAR[],
    media_hashes        VARCHAR[],
    source_file         VARCHAR NOT NULL,
    source_line         BIGINT,
    ingest_id           INTEGER NOT NULL,
    text_key            UBIGINT
"""


@migration
def create_core_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE TABLE posts ({POST_COLUMNS})")
    con.execute(
        """
        CREATE TABLE accounts (
            platform        VARCHAR NOT NULL,
            account_id      VARCHAR NOT NULL,
            account_name    VARCHAR,
            display_name    VARCHAR,
            created_at      TIMESTAMP,
            followers       BIGINT,
            following       BIGINT,
            posts_count     BIGINT,
            description     VARCHAR,
            location        VARCHAR,
            first_seen      TIMESTAMP,
            last_seen       TIMESTAMP,
            ingest_id       INTEGER NOT NULL
        )"""
    )
    con.execute(
        """
        CREATE TABLE articles (
            article_id      VARCHAR NOT NULL,
            url             VARCHAR,
            domain          VARCHAR,
            title           VARCHAR,
            text            VARCHAR,
            published_at    TIMESTAMP,
            author          VARCHAR,
            lang            VARCHAR,
            source_file     VARCHAR NOT NULL,
            source_line     BIGINT,
            ingest_id       INTEGER NOT NULL
        )"""
    )
    con.execute(
        """
        CREATE TABLE quarantine (
            ingest_id       INTEGER NOT NULL,
            source_file     VARCHAR NOT NULL,
            line            BIGINT,
            location        VARCHAR NOT NULL,
            reason          VARCHAR NOT NULL,
            raw_excerpt     VARCHAR
        )"""
    )
    con.execute(
        """
        CREATE TABLE ingest_log (
            ingest_id       INTEGER NOT NULL,
            source_file     VARCHAR NOT NULL,
            file_sha256     VARCHAR NOT NULL,
            format          VARCHAR NOT NULL,
            options         VARCHAR,
            started_at      TIMESTAMP NOT NULL,
            finished_at     TIMESTAMP NOT NULL,
            records_read    BIGINT NOT NULL,
            posts_added     BIGINT NOT NULL,
            accounts_added  BIGINT NOT NULL,
            articles_added  BIGINT NOT NULL,
            duplicates      BIGINT NOT NULL,
            quarantined     BIGINT NOT NULL,
            infoops_version VARCHAR NOT NULL
        )"""
    )


@migration
def create_text_vectors(con: duckdb.DuckDBPyConnection) -> None:
    """Sentence vectors by model and text hash, shared by the stages that embed text
    (``infoops.text._vector_cache``): each distinct text is encoded once per model."""
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS text_vectors (
            model           VARCHAR NOT NULL,
            text_hash       UBIGINT NOT NULL,
            vector          FLOAT[] NOT NULL
        )"""
    )


@migration
def claim_matches_with_stance(con: duckdb.DuckDBPyConnection) -> None:
    """Claim matches of an older infoops get the rank and stance columns, empty: their
    stance is unknown until ``claims match`` runs again, and readers count them as
    asserting, as they were then."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'claim_matches' "
        "AND database_name = current_database() AND schema_name = current_schema()"
    ).fetchall()[0][0]
    if exists:
        for column in ("rank INTEGER", "stance VARCHAR", "stance_cue VARCHAR"):
            con.execute(f"ALTER TABLE claim_matches ADD COLUMN IF NOT EXISTS {column}")


INPUT_TABLES = ("posts", "accounts", "articles", "quarantine", "ingest_log")
CACHE_TABLES = ("text_vectors",)  # kept across runs and stages, read back by them


@dataclass(frozen=True)
class ResultTable:
    """A table that a stage writes (and replaces on each run of that stage)."""

    name: str
    stage: str  # the command that writes it
    about: str


RESULT_TABLES = tuple(
    ResultTable(*row)
    for row in (
        ("coordination_edges", "coordination", "every tested account pair per signal: k, expected, p and q values, significant"),
        ("coordination_evidence", "coordination", "the post pairs behind each significant edge (all, or the closest in time)"),
        ("coordinated_posts", "coordination", "every post behind a significant edge, per account and signal"),
        ("coordination_settings", "coordination", "the options of the last detection"),
        ("fused_edges", "coordination", "significant edges of all signals fused into one weighted account graph"),
        ("campaigns", "coordination", "candidate campaigns (Leiden communities): accounts, signals, span"),
        ("campaign_accounts", "coordination", "each account's campaign and coordination score"),
        ("state_media_registry", "actors update", "the state-media registry used instead of the bundled one"),
        ("state_media_posts", "actors match", "posts that link to, mention or reshare state media"),
        ("account_state_media", "actors match", "per account and country, posts amplifying state media"),
        ("integrity_tags", "integrity", "election-integrity tags per text, with the rule that fired"),
        ("claim_catalogue_added", "claims add", "known false claims added by the user"),
        ("claim_catalogue", "claims match", "the catalogue the last match used, with its vectors"),
        ("claim_sentence_matches", "claims match", "candidate (text or sentence, claim) pairs with scores"),
        ("claim_matches", "claims match", "texts matched to known claims: status, probability, claim, link"),
        ("narrative_terms", "narratives", "each narrative's key terms, examples and cohesion"),
        ("text_narratives", "narratives", "each post text's narrative"),
        ("article_narratives", "narratives", "each article's narrative"),
        ("laundering", "laundering", "articles grouped as copies and translations, in order of publication"),
        ("laundering_changes", "laundering", "copied sentences whose negation or numbers changed"),
        ("article_posts", "laundering", "posts that paste an article's text"),
        ("statements", "statements", "who said what in articles and long posts: speaker, cue, statement, span"),
        ("statement_conflicts", "statements", "statements by different speakers (or one, later) that disagree"),
    )
)  # fmt: skip
RESULTS_BY_NAME = {table.name: table for table in RESULT_TABLES}
TABLES = INPUT_TABLES + CACHE_TABLES + tuple(RESULTS_BY_NAME)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Bring the schema up to date in one transaction: an interrupted upgrade leaves the
    workspace as it was. Returns the names of the migrations applied now."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS infoops_meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
        )
        applied = _applied(con)
        done = [name for name, _ in MIGRATIONS if name not in applied]
        for name, step in MIGRATIONS:
            if name in done:
                step(con)
                con.execute("INSERT INTO infoops_meta VALUES (?, 'applied')", [f"migration:{name}"])
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return done


def _applied(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the migrations this workspace has; one made when migrations were counted
    (``schema_version``) has the first that many."""
    rows = con.execute("SELECT key, value FROM infoops_meta").fetchall()
    names = {key.removeprefix("migration:") for key, _ in rows if key.startswith("migration:")}
    counted = [int(value) for key, value in rows if key == "schema_version"]
    if counted:
        names |= {name for name, _ in MIGRATIONS[: counted[0]]}
    return names
