"""The canonical tables of a workspace, created by ordered migrations.

Each migration runs once, in order; the applied version is kept in
``infoops_meta`` so that an older workspace is upgraded in place when a newer
infoops opens it.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

MIGRATIONS: list[Callable[[duckdb.DuckDBPyConnection], None]] = []


def migration(fn: Callable[[duckdb.DuckDBPyConnection], None]):
    MIGRATIONS.append(fn)
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


TABLES = ("posts", "accounts", "articles", "quarantine", "ingest_log")


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema up to date; returns the schema version now in force."""
    con.execute("CREATE TABLE IF NOT EXISTS infoops_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    row = con.execute("SELECT value FROM infoops_meta WHERE key = 'schema_version'").fetchall()
    version = int(row[0][0]) if row else 0
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        con.execute("BEGIN TRANSACTION")
        step(con)
        con.execute(
            "INSERT OR REPLACE INTO infoops_meta VALUES ('schema_version', ?)", [str(number)]
        )
        con.execute("COMMIT")
        version = number
    return version
