"""Write the coordination results as files other tools read: CSV tables and GEXF.

The column contract of each file is documented in docs/coordination.md; scripts
and other tools rely on it, so columns are only ever added, never renamed.

Every text written here may be attacker-written, and analysts open these files in
spreadsheets and graph tools. So, by default, a CSV cell that a spreadsheet would run
as a formula (it begins with ``=``, ``+``, ``-``, ``@``, tab or CR and is not a plain
number such as ``-5``) gets a leading ``'`` (OWASP's CSV-injection guidance), and
characters XML 1.0 forbids are taken out of CSV, GEXF and GraphML: NUL is removed, the
other C0 controls (but tab, LF, CR), U+FFFE, U+FFFF and lone surrogates become U+FFFD.
``with raw_csv():`` (``--raw-csv``) writes CSV cells as stored; Parquet and the
workspace always keep the original text.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from xml.sax.saxutils import quoteattr

import duckdb
import pyarrow as pa

from ..workspace._tables import has_table
from ._subset import Subset, subset_views

ACCOUNTS_SQL = """
SELECT account_id, account_name, coalesce(campaign_id, '') AS campaign_id,
       coordination_score, coalesce(top_signals, '') AS top_signals, n_posts,
       n_coordinated_posts
FROM campaign_accounts ORDER BY campaign_id NULLS LAST, coordination_score DESC, account_id
"""

EDGES_SQL = """
SELECT source, target, signal, k AS weight, n_evidence, expected, p_value, q_value,
       min_dt_s
FROM coordination_edges WHERE significant OR $all_edges
ORDER BY signal, source, target
"""

EVIDENCE_SQL = """
SELECT e.signal, e.source, e.target, e.post_source, e.post_target,
       ps.created_at AS time_source, pt.created_at AS time_target, e.dt_s, e.shared,
       round(e.similarity, 3) AS similarity, left(ps.text, 280) AS text_source, left(pt.text, 280) AS text_target
FROM coordination_evidence e
LEFT JOIN posts ps ON ps.post_id = e.post_source AND ps.account_id = e.source
LEFT JOIN posts pt ON pt.post_id = e.post_target AND pt.account_id = e.target
ORDER BY e.signal, e.source, e.target, e.dt_s, e.post_source, e.post_target
"""

CAMPAIGNS_SQL = "SELECT * FROM campaigns ORDER BY campaign_id"


_RAW_CSV: ContextVar[bool] = ContextVar("infoops_raw_csv", default=False)


@contextmanager
def raw_csv(enabled: bool = True) -> Iterator[None]:
    """Within the block, CSV files are written with cells exactly as stored: no ``'``
    before formula-like cells, control characters kept (``--raw-csv``)."""
    before = _RAW_CSV.set(enabled)
    try:
        yield
    finally:
        _RAW_CSV.reset(before)


# Characters XML 1.0 forbids, but NUL (removed): C0 controls other than tab, LF and CR,
# U+FFFE and U+FFFF; in Python lone surrogates too (DuckDB's text cannot hold them).
_SQL_NOT_XML = r"'[\x01-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]'"
_NOT_XML = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# A cell a spreadsheet runs as a formula: = @ tab CR first, or + - before anything but a
# plain number (so "-5" and "+1.5e3" stay as they are, "-2+3+cmd|..." does not).
_SQL_FORMULA_START = r"'(?s)^([=@\t\r]|[+-].)'"
_SQL_NUMBER = r"'^[+-]([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'"


def xml_text(text: str) -> str:
    """``text`` with what XML 1.0 forbids taken out: NUL removed, U+FFFD for the rest."""
    return _NOT_XML.sub("\ufffd", text.replace("\x00", ""))


def xml_ids(ids: list[str]) -> dict[str, str]:
    """Each graph node's id as XML can hold it, and no two alike: an id without forbidden
    characters is kept; one with them gets its ``xml_text`` form and a short hash of the
    original, so ids that differ only in those characters (``a\\x01``, ``a\\x02``) stay
    two nodes."""
    found = {i: i for i in ids if xml_text(i) == i}
    taken = set(found)
    for raw in sorted(set(ids) - taken):
        digest = hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=4)
        candidate = f"{xml_text(raw)}~{digest.hexdigest()}"
        while candidate in taken:
            candidate += "~"
        taken.add(candidate)
        found[raw] = candidate
    return found


def _sql_clean(column: str) -> str:
    return f"regexp_replace(replace({column}, chr(0), ''), {_SQL_NOT_XML}, chr(65533), 'g')"


def _safe_cell(name: str, kind: duckdb.typing.DuckDBPyType) -> str:
    """A select expression writing column ``name`` safely (same name; same text when safe)."""
    column = '"' + name.replace('"', '""') + '"'
    if kind.id == "varchar":
        clean = _sql_clean(column)
        formula = (f"regexp_matches({clean}, {_SQL_FORMULA_START}) "
                   f"AND NOT regexp_matches({clean}, {_SQL_NUMBER})")  # fmt: skip
        return f"CASE WHEN {formula} THEN '''' || {clean} ELSE {clean} END AS {column}"
    if "VARCHAR" in str(kind):  # lists and structs of text: written as their text form
        return f"{_sql_clean(f'CAST({column} AS VARCHAR)')} AS {column}"
    return column


def _csv(con: duckdb.DuckDBPyConnection, sql: str, path: Path, params: dict | None = None) -> int:
    relation = con.sql(sql, params=params) if params else con.sql(sql)
    if not _RAW_CSV.get():
        relation = relation.project(
            ", ".join(
                _safe_cell(n, t) for n, t in zip(relation.columns, relation.types, strict=True)
            )
        )
    relation.to_csv(str(path), header=True)
    return con.sql(f"SELECT count(*) FROM ({sql})", params=params).fetchall()[0][0]


def write_coortweet(
    con: duckdb.DuckDBPyConnection, out: Path, signal: str, groups: pa.Table, edges: pa.Table
) -> dict[str, int]:
    """coortweet_SIGNAL_groups.csv and coortweet_SIGNAL_edges.csv (``--compat coortweet``);
    returns rows per file."""
    written = {}
    for kind, table in (("groups", groups), ("edges", edges)):
        name = f"coortweet_{signal}_{kind}.csv"
        con.register("coortweet_out", table)
        try:
            written[name] = _csv(con, "SELECT * FROM coortweet_out", out / name)
        finally:
            con.unregister("coortweet_out")
    return written


def write_tables(
    con: duckdb.DuckDBPyConnection, out: Path, all_edges: bool = False
) -> dict[str, int]:
    """accounts.csv, edges.csv, evidence.csv, campaigns.csv; returns rows per file."""
    out.mkdir(parents=True, exist_ok=True)
    return {
        "accounts.csv": _csv(con, ACCOUNTS_SQL, out / "accounts.csv"),
        "edges.csv": _csv(con, EDGES_SQL, out / "edges.csv", {"all_edges": all_edges}),
        "evidence.csv": _csv(con, EVIDENCE_SQL, out / "evidence.csv"),
        "campaigns.csv": _csv(con, CAMPAIGNS_SQL, out / "campaigns.csv"),
    }


LAUNDERING_SQL = """
SELECT group_id, url, domain, published_at, lang, role, similarity, margin, copied_share,
       copied_from,
       article_id, title
FROM laundering ORDER BY group_id, published_at NULLS LAST, url, article_id
"""
CHANGES_SQL = """
SELECT group_id, article_id, copied_from, change, source_sentence, copy_sentence, similarity
FROM laundering_changes ORDER BY group_id, article_id, change, source_sentence
"""

ARTICLE_POSTS_SQL = """
SELECT article_id, url, post_id, account_id, created_at, shared_shingles, containment
FROM article_posts ORDER BY article_id, created_at, post_id
"""


def write_laundering(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    """laundering.csv (one row per article in a group), laundering_changes.csv and
    article_posts.csv (posts that paste an article's text)."""
    out.mkdir(parents=True, exist_ok=True)
    return {
        "laundering.csv": _csv(con, LAUNDERING_SQL, out / "laundering.csv"),
        "laundering_changes.csv": _csv(con, CHANGES_SQL, out / "laundering_changes.csv"),
        "article_posts.csv": _csv(con, ARTICLE_POSTS_SQL, out / "article_posts.csv"),
    }


def _campaign_join(con: duckdb.DuckDBPyConnection, account: str = "") -> tuple[str, str]:
    """The campaign column and join for account tables, when campaigns were detected;
    ``account`` names the account column when more than one table has one."""
    found = has_table(con, "campaign_accounts")
    if not found:
        return "''", ""
    on = f"ON c.account_id = {account}" if account else "USING (account_id)"
    return "coalesce(c.campaign_id, '')", f"LEFT JOIN campaign_accounts c {on}"


def write_actors(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    """actors.csv: per account and country, the posts that amplify its state media;
    campaign_actors.csv (when campaigns were found): the same per campaign."""
    out.mkdir(parents=True, exist_ok=True)
    campaign, join = _campaign_join(con)
    sql = f"""SELECT s.account_id, {campaign} AS campaign_id, s.country, s.posts, s.share,
                     s.by_link, s.by_mention, s.by_reshare, s.outlets
              FROM account_state_media s {join}
              ORDER BY s.country, s.posts DESC, s.account_id"""
    files = {"actors.csv": _csv(con, sql, out / "actors.csv")}
    if campaign != "''":
        files["campaign_actors.csv"] = _csv(con, _CAMPAIGN_ACTORS_SQL, out / "campaign_actors.csv")
    return files


# Per campaign and country: how much of the campaign's activity amplifies that state media.
_CAMPAIGN_ACTORS_SQL = """
WITH campaign_posts AS (
    SELECT c.campaign_id, count(*) AS posts, count(DISTINCT p.account_id) AS accounts
    FROM posts p JOIN campaign_accounts c USING (account_id)
    WHERE c.campaign_id IS NOT NULL GROUP BY 1),
amplified AS (
    SELECT c.campaign_id, s.country, count(DISTINCT s.post_rowid) AS posts,
           count(DISTINCT s.account_id) AS accounts,
           count(DISTINCT s.post_rowid) FILTER (s.via = 'link') AS by_link,
           count(DISTINCT s.post_rowid) FILTER (s.via = 'mention') AS by_mention,
           count(DISTINCT s.post_rowid) FILTER (s.via = 'reshare') AS by_reshare,
           array_to_string(list(DISTINCT s.outlet ORDER BY s.outlet)[1:5], '; ') AS outlets
    FROM state_media_posts s JOIN campaign_accounts c USING (account_id)
    WHERE c.campaign_id IS NOT NULL GROUP BY 1, 2)
SELECT a.campaign_id, a.country, a.posts, round(a.posts / t.posts, 4) AS share,
       a.accounts AS accounts_amplifying, t.accounts AS campaign_accounts,
       a.by_link, a.by_mention, a.by_reshare, a.outlets
FROM amplified a JOIN campaign_posts t USING (campaign_id)
ORDER BY a.campaign_id, a.posts DESC, a.country"""


PEER_COLUMNS = (
    "message_id",
    "user_id",
    "username",
    "repost_id",
    "reply_id",
    "message",
    "timestamp",
    "urls",
)

_PEER_SQL = """
SELECT post_id AS message_id, account_id AS user_id, account_name AS username,
       coalesce(reshare_of_post, '') AS repost_id, coalesce(reply_to, '') AS reply_id,
       text AS message, epoch(created_at)::BIGINT AS timestamp,
       array_to_string(urls, ' ') AS urls
FROM posts ORDER BY post_id
"""


def write_peer_csv(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """The posts in coordination-network-toolkit's CSV layout, to run it on the same input:
    always raw (it is that tool's input, not a sheet to open), so both read the same texts."""
    with raw_csv():
        return _csv(con, _PEER_SQL, path)


def write_gexf(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[int, int]:
    """The fused account graph as GEXF 1.3 (opens in Gephi): campaign and score per node."""
    nodes = con.sql(
        """SELECT account_id, coalesce(account_name, account_id), coalesce(campaign_id, ''),
                  coordination_score, coalesce(top_signals, '')
           FROM campaign_accounts
           WHERE account_id IN (SELECT source FROM fused_edges UNION SELECT target FROM fused_edges)
           ORDER BY account_id"""
    ).fetchall()
    edges = con.sql(
        "SELECT source, target, weight, signals FROM fused_edges ORDER BY source, target"
    ).fetchall()
    ids = xml_ids([row[0] for row in nodes])
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
            "  <meta><creator>infoops</creator>"
            "<description>Coordinated accounts: significant edges of all signals, fused"
            "</description></meta>\n"
            '  <graph defaultedgetype="undirected" mode="static">\n'
            '    <attributes class="node">\n'
            '      <attribute id="campaign" title="campaign_id" type="string"/>\n'
            '      <attribute id="score" title="coordination_score" type="double"/>\n'
            '      <attribute id="signals" title="top_signals" type="string"/>\n'
            "    </attributes>\n"
            '    <attributes class="edge">\n'
            '      <attribute id="signals" title="signals" type="string"/>\n'
            "    </attributes>\n"
            "    <nodes>\n"
        )
        for row in nodes:
            name, campaign, signals = (xml_text(v) for v in (row[1], row[2], row[4]))
            account, score = ids[row[0]], row[3]
            out.write(
                f"      <node id={quoteattr(account)} label={quoteattr(name)}><attvalues>"
                f'<attvalue for="campaign" value={quoteattr(campaign)}/>'
                f'<attvalue for="score" value="{float(score or 0):.4f}"/>'
                f'<attvalue for="signals" value={quoteattr(signals)}/>'
                "</attvalues></node>\n"
            )
        out.write("    </nodes>\n    <edges>\n")
        for number, (raw_source, raw_target, weight, raw_signals) in enumerate(edges):
            source, target, signals = ids[raw_source], ids[raw_target], xml_text(raw_signals or "")
            out.write(
                f'      <edge id="{number}" source={quoteattr(source)} target={quoteattr(target)}'
                f' weight="{float(weight):g}"><attvalues>'
                f'<attvalue for="signals" value={quoteattr(signals)}/>'
                "</attvalues></edge>\n"
            )
        out.write("    </edges>\n  </graph>\n</gexf>\n")
    return len(nodes), len(edges)


__all__ = ["raw_csv", "write_gexf", "write_tables", "xml_text"]


def write_claims(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    """claim_matches.csv: one row per post or article and a known claim it states, refutes
    or reports, best candidates first."""
    out.mkdir(parents=True, exist_ok=True)
    campaign, join = _campaign_join(con)
    sql = f"""
        SELECT m.status, m.score, m.rank, m.stance, m.stance_cue, m.kind, p.post_id, p.account_id, {campaign} AS campaign_id,
               p.created_at AS posted_at, NULL AS article_url, m.evidence, k.claim,
               k.url AS claim_url, k.catalogue, k.date AS claim_date
        FROM claim_matches m JOIN posts p USING (text_key)
        JOIN claim_catalogue k USING (claim_id) {join}
        WHERE m.kind = 'post'
        UNION ALL
        SELECT m.status, m.score, m.rank, m.stance, m.stance_cue, m.kind, NULL, NULL, '',
               a.published_at,
               coalesce(a.url, a.source_file), m.evidence,
               k.claim, k.url, k.catalogue, k.date
        FROM claim_matches m JOIN articles a USING (article_id)
        JOIN claim_catalogue k USING (claim_id)
        WHERE m.kind = 'article'
        ORDER BY status, score DESC, claim, post_id, article_url, evidence"""
    return {"claim_matches.csv": _csv(con, sql, out / "claim_matches.csv")}


def write_integrity(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    """integrity_tags.csv: election-integrity tags of posts and articles with the matched
    words, and posts that amplify foreign state media (tag foreign_state_amplification)."""
    out.mkdir(parents=True, exist_ok=True)
    campaign, join = _campaign_join(con, "p.account_id")
    state_media = has_table(con, "state_media_posts")
    amplification = (
        f"""UNION ALL
        SELECT 'foreign_state_amplification', s.via, s.country || ': ' || s.outlet, NULL, 'post',
               p.post_id, p.account_id, {campaign}, p.created_at, NULL, p.text
        FROM state_media_posts s JOIN posts p ON p.rowid = s.post_rowid {join}"""
        if state_media
        else ""
    )
    sql = f"""
        SELECT t.tag, t.rule, t.evidence, t.confidence, t.kind, p.post_id, p.account_id,
               {campaign} AS campaign_id, p.created_at AS posted_at, NULL AS article_url, p.text
        FROM integrity_tags t JOIN posts p USING (text_key) {join}
        WHERE t.kind = 'post'
        UNION ALL
        SELECT t.tag, t.rule, t.evidence, t.confidence, t.kind, NULL, NULL, '', a.published_at,
               coalesce(a.url, a.source_file), a.title
        FROM integrity_tags t JOIN articles a USING (article_id)
        WHERE t.kind = 'article'
        {amplification}
        ORDER BY 1, 9, 6, 10"""
    return {"integrity_tags.csv": _csv(con, sql, out / "integrity_tags.csv")}


def write_narratives(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    """narratives.csv (one row per narrative) and narrative_volume.csv (posts per week)."""
    out.mkdir(parents=True, exist_ok=True)
    campaigns = has_table(con, "campaign_accounts")
    campaign = "c.campaign_id" if campaigns else "NULL::VARCHAR"
    join = "LEFT JOIN campaign_accounts c USING (account_id)" if campaigns else ""
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW narrative_posts AS
            SELECT n.narrative, p.account_id, p.created_at, coalesce(p.lang, 'unknown') AS lang,
                   {campaign} AS campaign_id
            FROM text_narratives n JOIN posts p USING (text_key) {join}"""
    )
    sql = """
        WITH totals AS (
            SELECT narrative, count(*) AS posts, count(DISTINCT account_id) AS accounts,
                   min(created_at) AS first_post, max(created_at) AS last_post
            FROM narrative_posts GROUP BY narrative),
        peak AS (
            SELECT narrative, arg_max(week, n * 1e9 - epoch(week)) AS peak_week
            FROM (SELECT narrative, date_trunc('week', created_at)::DATE AS week, count(*) AS n
                  FROM narrative_posts GROUP BY ALL) GROUP BY narrative),
        langs AS (
            SELECT narrative, string_agg(lang || ' ' || share || '%', ', '
                                         ORDER BY n DESC, lang) AS languages
            FROM (SELECT narrative, lang, count(*) AS n,
                         round(100 * count(*) / sum(count(*)) OVER (PARTITION BY narrative))::INT
                             AS share,
                         row_number() OVER (PARTITION BY narrative ORDER BY count(*) DESC, lang)
                             AS r
                  FROM narrative_posts GROUP BY narrative, lang)
            WHERE r <= 3 GROUP BY narrative),
        pushers AS (
            SELECT narrative, string_agg(campaign_id || ' (' || n || ' posts, lift '
                                         || round(n / narrative_n / (campaign_n / all_n), 1)
                                         || ')', '; ' ORDER BY n DESC, campaign_id) AS campaigns
            FROM (SELECT narrative, campaign_id, count(*) AS n,
                         sum(count(*)) OVER (PARTITION BY narrative) AS narrative_n,
                         sum(count(*)) OVER (PARTITION BY campaign_id) AS campaign_n,
                         sum(count(*)) OVER () AS all_n,
                         row_number() OVER (PARTITION BY narrative
                                            ORDER BY count(*) DESC, campaign_id) AS r
                  FROM narrative_posts GROUP BY narrative, campaign_id)
            WHERE r <= 5 AND campaign_id IS NOT NULL GROUP BY narrative),
        articles AS (SELECT narrative, count(*) AS articles FROM article_narratives GROUP BY 1)
        SELECT t.narrative, t.label, t.key_terms, t.language, s.posts, s.accounts, coalesce(a.articles, 0) AS articles,
               s.first_post, s.last_post, k.peak_week, l.languages,
               coalesce(c.campaigns, '') AS campaigns, t.cohesion, t.npmi, t.examples
        FROM narrative_terms t JOIN totals s USING (narrative) JOIN peak k USING (narrative)
        JOIN langs l USING (narrative) LEFT JOIN pushers c USING (narrative)
        LEFT JOIN articles a USING (narrative)
        ORDER BY t.narrative"""
    volume = """SELECT narrative, date_trunc('week', created_at)::DATE AS week, count(*) AS posts,
                       count(DISTINCT account_id) AS accounts
                FROM narrative_posts GROUP BY ALL ORDER BY narrative, week"""
    return {
        "narratives.csv": _csv(con, sql, out / "narratives.csv"),
        "narrative_volume.csv": _csv(con, volume, out / "narrative_volume.csv"),
    }


def write_campaigns(
    con: duckdb.DuckDBPyConnection, out: Path, subset: Subset | None = None
) -> dict[str, int]:
    """campaigns.json: every campaign object (see docs/campaigns.md), same bytes for the
    same workspace and subset."""
    from .. import __version__
    from ..campaigns._objects import campaign_objects

    out.mkdir(parents=True, exist_ok=True)
    with subset_views(con, subset):
        campaigns = campaign_objects(con)
    scope = (subset or Subset()).describe()
    document = {"infoops_version": __version__, "subset": scope, "campaigns": campaigns}
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    (out / "campaigns.json").write_text(text + "\n", encoding="utf-8")
    return {"campaigns.json": len(campaigns)}


def write_graphml(con: duckdb.DuckDBPyConnection, path: Path, subset: Subset | None = None) -> int:
    """The fused account graph as GraphML (igraph writes it): campaign, coordination score
    and signals per account; weight and signals per edge. Returns the node count."""
    with subset_views(con, subset):
        return _write_graphml(con, path)


def _write_graphml(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    import igraph

    nodes = con.sql(
        """SELECT account_id, coalesce(account_name, account_id), coalesce(campaign_id, ''),
                  coalesce(coordination_score, 0), coalesce(top_signals, '')
           FROM campaign_accounts
           WHERE account_id IN (SELECT source FROM fused_edges UNION SELECT target FROM fused_edges)
           ORDER BY account_id"""
    ).fetchall()
    index = {row[0]: i for i, row in enumerate(nodes)}
    edges = con.sql(
        "SELECT source, target, weight, coalesce(signals, '') FROM fused_edges ORDER BY 1, 2"
    ).fetchall()
    graph = igraph.Graph(n=len(nodes), edges=[(index[s], index[t]) for s, t, _, _ in edges])
    ids = xml_ids(list(index))
    graph.vs["account_id"] = [ids[row[0]] for row in nodes]
    for position, name in enumerate(("label", "campaign_id", "coordination_score",
                                     "top_signals"), start=1):  # fmt: skip
        graph.vs[name] = [
            xml_text(row[position]) if isinstance(row[position], str) else row[position]
            for row in nodes
        ]
    graph.es["weight"] = [float(w) for _, _, w, _ in edges]
    graph.es["signals"] = [xml_text(s) for *_, s in edges]
    graph.write_graphml(str(path))
    _keep_carriage_returns(path)
    return len(nodes)


def _keep_carriage_returns(path: Path) -> None:
    """igraph writes a carriage return in a value as it is, which XML readers take for a
    line feed; as a character reference it reads back as itself. (igraph ends its own
    lines with LF only, so every CR in the file is in a value.)"""
    with open(path, encoding="utf-8", newline="") as graphml:  # newline="": CR as it is
        text = graphml.read()
    if "\r" in text:
        path.write_text(text.replace("\r", "&#13;"), encoding="utf-8", newline="")


# Columns left out of the Parquet export: the wall-clock times of each ingest would make
# two runs of the same input differ; the workspace keeps them (``infoops info``).
UNREPRODUCIBLE = {"ingest_log": ("started_at", "finished_at")}


def write_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    """Every table of the workspace as DIR/tables/NAME.parquet (zstd); returns the count.

    Rows are sorted (a table made by a parallel query holds them in any order) and the
    columns in ``UNREPRODUCIBLE`` left out: the same input gives the same bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [n for (n,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1"
    ).fetchall()]  # fmt: skip
    for name in names:
        target = str(folder / f"{name}.parquet").replace("'", "''")
        left_out = ", ".join(UNREPRODUCIBLE.get(name, ()))
        columns = f"* EXCLUDE ({left_out})" if left_out else "*"
        con.execute(f"COPY (SELECT {columns} FROM {name} ORDER BY ALL) TO '{target}' "
                    "(FORMAT parquet, COMPRESSION zstd)")  # fmt: skip
    return len(names)


_STATEMENT_SIDE = """s{n}.speaker AS speaker_{n}, s{n}.speaker_kind AS speaker_kind_{n},
    s{n}.speaker_country AS speaker_country_{n}, s{n}.statement AS statement_{n},
    s{n}.cue AS cue_{n}, coalesce(nullif(s{n}.url, ''), s{n}.outlet) AS source_{n},
    s{n}.published_at AS date_{n}, s{n}.statement_id AS statement_id_{n}"""


def write_statements(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    """statements.csv: who said what, where (speaker, cue, the statement and its
    character span in the source); conflicts.csv: the conflicting accounts side by side,
    those between a government and state media first."""
    out.mkdir(parents=True, exist_ok=True)
    statements = """SELECT speaker, speaker_kind, speaker_country, speaker_role, speaker_mention,
               cue, kind, statement, source_kind, source_id, outlet, url, published_at, lang,
               source_state_media, sentence_no, start, "end", statement_id, speaker_key
        FROM statements ORDER BY source_kind, source_id, start"""
    conflicts = f"""SELECT c.conflict_id, c.kind, c.confidence, c.score, c.actors,
               c.conflict_words, c.shared_words, {_STATEMENT_SIDE.format(n="a")},
               {_STATEMENT_SIDE.format(n="b")}
        FROM statement_conflicts c JOIN statements sa ON sa.statement_id = c.statement_a
        JOIN statements sb ON sb.statement_id = c.statement_b ORDER BY c.conflict_id"""
    return {
        "statements.csv": _csv(con, statements, out / "statements.csv"),
        "conflicts.csv": _csv(con, conflicts, out / "conflicts.csv"),
    }
