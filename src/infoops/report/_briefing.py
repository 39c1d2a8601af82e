"""The briefing: one self-contained HTML page an official can read and hand on.

Executive summary, the overall picture (volume over time, campaigns ranked,
network), one section per campaign with its evidence, method and limits, and a
reproducibility footer. Every text from posts passes through Jinja2's
autoescaping: hostile HTML in a post shows as text. Charts are inline SVG drawn
from numbers only; nothing is loaded from the network. A link is written only for
an http(s) URL: a javascript:, data: or other URL shows as text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__
from ..campaigns._objects import campaign_objects
from ..detectors.claims import STREAM_PRECISION
from ..detectors.narratives import NarrativeConfig
from ..workspace._tables import has_table
from ._subset import Subset, subset_views

CONFIDENCE_ORDER = {"high": 0, "moderate": 1, "low": 2}
MAX_NETWORK_ACCOUNTS = 1500
MAX_LAUNDERING_GROUPS = 20
MAX_CONFLICTS = 12
DAILY_VOLUME_DAYS = 120
# Below these, finding no campaign says little: a rule of thumb, not a measured limit (the
# null model's expectations rest on a handful of objects, and a campaign needs at least
# three accounts).
MIN_POSTS = 100
MIN_ACCOUNTS = 10


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("infoops.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.tests["web_url"] = is_web_url
    return environment


_WEB_URL = re.compile(r"https?://[^\x00-\x20\x7f]+", re.IGNORECASE)


def is_web_url(value: object) -> bool:
    """True for an http(s) URL, the only kind the briefing writes as a link (in the HTML
    and so in the PDF); a javascript:, data: or any other URL is shown as text."""
    return isinstance(value, str) and _WEB_URL.fullmatch(value) is not None


def briefing_html(
    con: duckdb.DuckDBPyConnection,
    subset: Subset | None = None,
    election_dates: Sequence[date] = (),
) -> str:
    """The briefing page for the workspace behind ``con``, or for a ``subset`` of it;
    with ``election_dates``, election-integrity tags counted by week around each."""
    with subset_views(con, subset):
        described = subset.describe() if subset and not subset.whole else None
        return _render(con, described, election_dates)


def _render(
    con: duckdb.DuckDBPyConnection, subset: str | None, election_dates: Sequence[date] = ()
) -> str:
    from . import _charts  # here, not at the top: matplotlib would slow every start-up

    campaigns = campaign_objects(con)
    ranked = sorted(campaigns, key=lambda c: (CONFIDENCE_ORDER[c["confidence"]["level"]],
                                             -c["accounts"], c["campaign_id"]))  # fmt: skip
    colours = {c["campaign_id"]: _charts.PALETTE[i % len(_charts.PALETTE)]
               for i, c in enumerate(campaigns)}  # fmt: skip
    for campaign in campaigns:
        days = [date.fromisoformat(d) for d in campaign["timeline"]]
        campaign["timeline_svg"] = _charts.timeline_chart(
            days, list(campaign["timeline"].values()), colours[campaign["campaign_id"]]
        )
    coverage = _coverage(con)
    limits = data_limits(coverage)
    context = {
        "version": __version__,
        "coverage": coverage,
        "limits": limits,
        "campaigns": campaigns,
        "ranked": ranked,
        "levels": {level: sum(c["confidence"]["level"] == level for c in campaigns)
                   for level in CONFIDENCE_ORDER},  # fmt: skip
        "volume_svg": _volume(con),
        "network_svg": _network(con),
        "settings": _rows(con, "coordination_settings", "SELECT setting, value FROM {t}"),
        "sources": _rows(con, "ingest_log", "SELECT source_file, format, file_sha256, "
                         "records_read, posts_added, quarantined FROM {t} ORDER BY ingest_id"),
        "findings": _findings(campaigns, too_little=bool(limits)),
        "subset": subset,
        "laundering": _laundering(con),
        "conflicts": _conflicts(con),
        "elections": _elections(con, election_dates),
        "weeks": ELECTION_WEEKS,
    }  # fmt: skip
    return _environment().get_template("briefing.html.j2").render(context)


PDF_NEEDS = "apt-get install libpango-1.0-0 libpangoft2-1.0-0"


def write_briefing(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    pdf: bool = True,
    notes: list[str] | None = None,
    subset: Subset | None = None,
    election_dates: Sequence[date] = (),
) -> dict[str, int]:
    """briefing.html, and briefing.pdf of the same page when WeasyPrint's system libraries
    (Pango) are present; otherwise a note in ``notes`` says how to get them."""
    out.mkdir(parents=True, exist_ok=True)
    if notes is not None:
        notes.extend(data_limits(_coverage(con)))
    page = briefing_html(con, subset, election_dates)
    (out / "briefing.html").write_text(page, encoding="utf-8")
    files = {"briefing.html": page.count('class="campaign"')}
    if pdf:
        pages = write_pdf(page, out / "briefing.pdf")
        if pages is None and notes is not None:
            notes.append(f"briefing.pdf skipped: WeasyPrint needs Pango ({PDF_NEEDS})")
        elif pages is not None:
            files["briefing.pdf"] = pages
    return files


def write_pdf(page: str, path: Path) -> int | None:
    """Render the page to PDF; returns the page count, or None without Pango."""
    try:
        import weasyprint
    except OSError:  # the Python package is installed, the system library is not
        return None
    # fontTools stamps each embedded font subset with the time of writing unless
    # SOURCE_DATE_EPOCH is set: fixed here (when the caller has not set it) so that the
    # same briefing gives the same bytes.
    fixed = "SOURCE_DATE_EPOCH" not in os.environ
    if fixed:
        os.environ["SOURCE_DATE_EPOCH"] = "0"
    try:
        document = weasyprint.HTML(string=page).render()
        document.write_pdf(path)
    finally:
        if fixed:
            del os.environ["SOURCE_DATE_EPOCH"]
    return len(document.pages)


def _rows(con, table: str, sql: str) -> list[tuple]:
    return con.execute(sql.format(t=table)).fetchall() if has_table(con, table) else []


def _coverage(con) -> dict:
    posts, accounts, first, last = con.execute(
        "SELECT count(*), count(DISTINCT account_id), min(created_at), max(created_at) FROM posts"
    ).fetchall()[0]
    platforms = con.execute(
        "SELECT platform, count(*) FROM posts GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    articles = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    quarantined = con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
    return {"posts": posts, "accounts": accounts, "first": first, "last": last,
            "platforms": platforms, "articles": articles, "quarantined": quarantined}  # fmt: skip


def _volume(con) -> str | None:
    """Posts per day for spans up to four months, per week beyond."""
    campaign_join = (
        "LEFT JOIN campaign_accounts c USING (account_id)"
        if has_table(con, "campaign_accounts")
        else "LEFT JOIN (SELECT NULL::VARCHAR AS account_id, NULL::VARCHAR AS campaign_id) c "
        "USING (account_id)"
    )
    first, last = con.execute("SELECT min(created_at), max(created_at) FROM posts").fetchall()[0]
    if first is None:
        return None
    unit = "day" if (last - first).days <= DAILY_VOLUME_DAYS else "week"
    rows = con.execute(
        f"""SELECT date_trunc('{unit}', created_at)::DATE AS period, count(*),
                   count(*) FILTER (c.campaign_id IS NOT NULL)
            FROM posts {campaign_join} GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    periods, total, in_campaigns = map(list, zip(*rows, strict=True))
    from . import _charts

    return _charts.volume_chart(periods, total, in_campaigns, 1 if unit == "day" else 7)


def _network(con) -> str | None:
    if not has_table(con, "fused_edges") or not has_table(con, "campaign_accounts"):
        return None
    members = con.execute(
        """SELECT account_id, campaign_id FROM campaign_accounts WHERE campaign_id IS NOT NULL
           ORDER BY campaign_id, coordination_score DESC, account_id LIMIT ?""",
        [MAX_NETWORK_ACCOUNTS],
    ).fetchall()
    if not members:
        return None
    campaign_of = dict(members)
    edges = [
        (a, b, w)
        for a, b, w in con.execute(
            "SELECT source, target, weight FROM fused_edges ORDER BY source, target"
        ).fetchall()
        if a in campaign_of and b in campaign_of
    ]
    from . import _charts

    return _charts.network_chart([a for a, _ in members], campaign_of, edges)


def _laundering(con, limit: int = MAX_LAUNDERING_GROUPS) -> list[dict]:
    """The largest groups of copied or translated articles, each in publication order, with
    the meaning changes found in each copy."""
    if not has_table(con, "laundering"):
        return []
    changes = (
        "(SELECT article_id, group_id, count(*) AS n, any_value(copy_sentence ORDER BY "
        "source_sentence) AS example FROM laundering_changes GROUP BY ALL)"
        if has_table(con, "laundering_changes")
        else "(SELECT NULL AS article_id, NULL AS group_id, 0 AS n, NULL AS example)"
    )
    rows = con.execute(
        f"""WITH big AS (SELECT group_id FROM laundering GROUP BY group_id
                         ORDER BY count(*) DESC, group_id LIMIT ?)
            SELECT l.group_id, l.domain, l.url, l.title, l.published_at, l.lang, l.role,
                   l.similarity, l.copied_share, coalesce(c.n, 0), c.example
            FROM laundering l JOIN big USING (group_id)
            LEFT JOIN {changes} c ON c.article_id = l.article_id AND c.group_id = l.group_id
            ORDER BY l.group_id, l.published_at NULLS LAST, l.url, l.article_id""",
        [limit],
    ).fetchall()
    keys = ("domain", "url", "title", "published_at", "lang", "role", "similarity",
            "copied_share", "meaning_changes", "change_example")  # fmt: skip
    groups: dict = {}
    for group_id, *values in rows:
        groups.setdefault(group_id, []).append(dict(zip(keys, values, strict=True)))
    return [{"group": g, "articles": members} for g, members in groups.items()]


def _conflicts(con, limit: int = MAX_CONFLICTS) -> list[dict]:
    """The first conflicting accounts (government against state media first), each with
    both statements, their speakers and sources."""
    if not has_table(con, "statement_conflicts"):
        return []
    side = ("speaker, speaker_kind, speaker_country, statement, cue, "
            "coalesce(nullif(url, ''), outlet) AS source, published_at")  # fmt: skip
    rows = con.execute(
        f"""SELECT c.conflict_id, c.kind, c.confidence, c.conflict_words, c.shared_words,
                   a.*, b.*
            FROM statement_conflicts c
            JOIN (SELECT statement_id, {side} FROM statements) a ON a.statement_id = c.statement_a
            JOIN (SELECT statement_id, {side} FROM statements) b ON b.statement_id = c.statement_b
            ORDER BY c.conflict_id LIMIT ?""",
        [limit],
    ).fetchall()
    names = ("statement_id", "speaker", "speaker_kind", "speaker_country", "statement", "cue",
             "source", "published_at")  # fmt: skip
    return [
        {"id": r[0], "kind": r[1], "confidence": r[2], "words": r[3], "shared": r[4],
         "a": dict(zip(names, r[5:13], strict=True)), "b": dict(zip(names, r[13:21], strict=True))}
        for r in rows
    ]  # fmt: skip


def data_limits(coverage: dict) -> list[str]:
    """Sentences saying the data were too few for an analysis to mean anything, so that an
    empty result is not read as "nothing is going on"; empty when there is enough."""
    posts, accounts, articles = coverage["posts"], coverage["accounts"], coverage["articles"]
    if posts == 0 and articles == 0:
        return ["Too little data: the workspace holds no post and no article, so nothing "
                "could be looked for."]  # fmt: skip
    if posts == 0:
        return [f"Too little data for most of this briefing: there are no posts, only "
                f"{_plural(articles, 'article')}. Coordination, campaigns, state-media "
                "amplification and narratives need posts; only what articles hold was looked "
                "for: copies and translations, statements and known false claims."]  # fmt: skip
    limits = []
    if posts < MIN_POSTS or accounts < MIN_ACCOUNTS:
        limits.append(
            f"Too little data to detect coordination: {_plural(posts, 'post')} by "
            f"{_plural(accounts, 'account')}. With so few, no group of accounts can stand out "
            "from chance, so finding no campaign says nothing about whether one exists "
            f"(at least {MIN_POSTS} posts by {MIN_ACCOUNTS} accounts are needed)."
        )
    if posts < NarrativeConfig.min_posts:
        limits.append(f"Too few posts for narratives: a narrative needs at least "
                      f"{NarrativeConfig.min_posts} posts.")  # fmt: skip
    return limits


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _findings(campaigns: list[dict], too_little: bool = False) -> list[str]:
    """The executive summary's bullet points, from the campaign objects."""
    if not campaigns:
        if too_little:  # the data limits above say why; "no group" would overclaim
            return ["No campaign was found."]
        return ["No group of accounts acted together more than chance allows at the "
                "chosen false-discovery rate."]  # fmt: skip
    findings = []
    accounts = sum(c["accounts"] for c in campaigns)
    findings.append(f"{_plural(len(campaigns), 'candidate campaign')}, "
                    f"{_plural(accounts, 'account')} in all, acted "
                    "together more than chance allows.")  # fmt: skip
    strongest = [c for c in campaigns if c["confidence"]["level"] == "high"]
    if strongest:
        named = ", ".join(c["campaign_id"] for c in strongest[:8])
        more = f" and {len(strongest) - 8} more" if len(strongest) > 8 else ""
        findings.append(f"{len(strongest)} of them with high confidence: {named}{more}.")
    countries: dict[str, int] = {}
    for campaign in campaigns:
        for item in campaign["state_media"]:
            if item["share"] >= 0.01:
                countries[item["country"]] = countries.get(item["country"], 0) + 1
    for country, n in sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))[:3]:
        findings.append(f"{_plural(n, 'campaign')} {'amplifies' if n == 1 else 'amplify'} "
                        f"{country}'s state media in at least 1% of their posts.")  # fmt: skip
    with_claims = [c for c in campaigns if any(x["posts_matched"] for x in c["claims"])]
    if with_claims:
        findings.append(
            f"{_plural(len(with_claims), 'campaign')} "
            f"{'posts' if len(with_claims) == 1 else 'post'} texts that match known false "
            "claims; confirm each by hand (on a reviewed real stream "
            f"{STREAM_PRECISION['match']:.0%} of matches state their claim)."
        )
    with_integrity = [c for c in campaigns if c["integrity"]]
    if with_integrity:
        n = len(with_integrity)
        findings.append(f"{_plural(n, 'campaign')} {'posts' if n == 1 else 'post'} content that "
                        "targets election integrity.")  # fmt: skip
    return findings


ELECTION_WEEKS = tuple(range(-4, 4))  # weeks around election day: -4 is days -28 to -22


def _elections(con: duckdb.DuckDBPyConnection, dates: Sequence[date]) -> list[dict]:
    """Per election day: posts with an election-integrity tag by week around it, for all
    posts and per campaign (a campaign only where it has such posts in those weeks)."""
    if not dates or not has_table(con, "integrity_tags"):
        return []
    campaigns = has_table(con, "campaign_accounts")
    join = "LEFT JOIN campaign_accounts c USING (account_id)" if campaigns else ""
    who = "c.campaign_id" if campaigns else "NULL::VARCHAR"
    out = []
    for day in sorted(set(dates)):
        rows = con.execute(
            f"""WITH tagged AS (
                    SELECT DISTINCT p.post_id, {who} AS campaign_id,
                           floor(date_diff('day', $day::DATE, p.created_at::DATE) / 7)::INT AS week
                    FROM posts p JOIN integrity_tags t USING (text_key) {join}
                    WHERE t.kind = 'post' AND p.created_at >= $day::DATE - INTERVAL 28 DAY
                      AND p.created_at < $day::DATE + INTERVAL 28 DAY)
                SELECT coalesce(campaign_id, ''), week, count(*) FROM tagged GROUP BY 1, 2""",
            {"day": day},
        ).fetchall()  # fmt: skip
        out.append({"date": day.isoformat(), "rows": _week_rows(rows)})
    return out


def _week_rows(rows: list[tuple]) -> list[dict]:
    """(campaign or '', week, posts) into a row for all posts, then one per campaign."""
    table: dict[str, dict[int, int]] = {}
    all_posts: dict[int, int] = {}
    for campaign, week, n in rows:
        table.setdefault(campaign, {})[week] = n
        all_posts[week] = all_posts.get(week, 0) + n
    ordered = [("all posts", all_posts)] + sorted(
        ((c, w) for c, w in table.items() if c), key=lambda item: (-sum(item[1].values()), item[0])
    )
    return [{"who": who, "weeks": [w.get(k, 0) for k in ELECTION_WEEKS]} for who, w in ordered]
