"""Campaign objects: everything known about each detected campaign, with a confidence level.

A campaign is a community of the fused coordination graph. Its object gathers
the evidence a briefing states: accounts, the signals that tie them (grouped
into independent families), time span and daily activity, languages, and, when
those steps ran, narratives pushed, known false claims stated, state media
amplified by country, election-integrity tags and laundered articles linked.

Confidence (low / moderate / high) says how sure we are that the accounts act
in concert, never who runs them. The rules, in order:

- high: at least two independent signal families, at least 10 accounts, and
  half the accounts tied by significant edges to at least 3 others of the
  campaign (median degree >= 3: a tight group, not a chain);
- moderate: at least two families, or one family with at least 5 accounts at
  median degree >= 3;
- low: otherwise (one loosely connected kind of evidence).

Families: resharing (co_reshare, fast_reshare), links (co_link, co_domain),
hashtags (co_hashtag, hashtag_sequence), text (identical_text, near_duplicate,
similar_meaning), conversation (co_reply, co_mention), timing (any other). Each
object also lists the DISARM Red techniques its evidence supports.
"""

from __future__ import annotations

import duckdb

from ..detectors.claims import STREAM_PRECISION
from ..workspace._tables import has_table

FAMILIES = {
    "co_reshare": "resharing",
    "fast_reshare": "resharing",
    "co_link": "links",
    "co_domain": "links",
    "co_hashtag": "hashtags",
    "hashtag_sequence": "hashtags",
    "identical_text": "text",
    "near_duplicate": "text",
    "similar_meaning": "text",
    "co_reply": "conversation",
    "co_mention": "conversation",
}
HIGH_ACCOUNTS, MODERATE_ACCOUNTS, TIGHT_DEGREE = 10, 5, 3

# DISARM Red techniques, and the evidence that supports each.
DISARM = {
    "T0049.001": ("Trolls Amplify and Manipulate", "accounts reshare or repeat each other's "
                  "content in concert"),
    "T0049.002": ("Flood Existing Hashtag", "accounts push the same hashtags together"),
    "T0049.003": ("Bots Amplify via Automated Forwarding and Reposting",
                  "reshares within seconds of each other"),
    "T0084.001": ("Use Copy Pasta", "accounts post identical or lightly edited texts"),
    "T0084.003": ("Deceptively Labelled or Translated", "articles in the campaign's posts are "
                  "translations of other outlets' articles"),
    "T0002": ("Facilitate State Propaganda", "a share of the posts amplifies state media"),
    "T0022": ("Leverage Conspiracy Theory Narratives",
              "posts match known false claims (to be confirmed by an analyst)"),
}  # fmt: skip


def confidence(
    families: dict[str, int], accounts: int, median_degree: float
) -> tuple[str, list[str]]:
    """The confidence level and the reasons that set it (see the module docstring)."""
    kinds = sorted(families)
    tight = median_degree >= TIGHT_DEGREE
    reasons = [
        f"{len(kinds)} independent {'kind' if len(kinds) == 1 else 'kinds'} of coordination "
        f"evidence ({', '.join(kinds)})",
        f"{accounts} accounts",
        f"each tied by significant edges to a median of {median_degree:g} others in the campaign",
    ]
    if len(kinds) >= 2 and accounts >= HIGH_ACCOUNTS and tight:
        return "high", reasons
    if len(kinds) >= 2 or (accounts >= MODERATE_ACCOUNTS and tight):
        return "moderate", reasons
    return "low", reasons


def campaign_objects(con: duckdb.DuckDBPyConnection, examples: int = 5) -> list[dict]:
    """One dict per campaign, ordered by campaign_id (C001 is the largest)."""
    if not has_table(con, "campaigns"):
        return []
    objects = []
    evidence = _all_evidence(con, examples)
    all_signals, degrees = _all_signals(con), _all_median_degrees(con)
    top_accounts = _all_top_accounts(con, examples)
    languages, timelines = _all_languages(con), _all_timelines(con)
    for row in con.execute(
        """SELECT campaign_id, n_accounts, n_edges, first_post, last_post, n_posts
           FROM campaigns ORDER BY campaign_id"""
    ).fetchall():
        campaign_id, accounts, edges, first, last, posts = row
        signals = dict(all_signals.get(campaign_id, []))
        families: dict[str, int] = {}
        for signal, count in signals.items():
            family = FAMILIES.get(signal, "timing")
            families[family] = families.get(family, 0) + count
        density = edges / (accounts * (accounts - 1) / 2) if accounts > 1 else 0.0
        degree = float(degrees.get(campaign_id, [(0,)])[0][0])
        level, reasons = confidence(families, accounts, degree)
        obj = {
            "campaign_id": campaign_id,
            "accounts": accounts,
            "posts": posts,
            "first_post": first.isoformat() if first else None,
            "last_post": last.isoformat() if last else None,
            "signals": signals,
            "signal_families": families,
            "edge_density": round(min(density, 1.0), 4),
            "median_degree": degree,
            "confidence": {"level": level, "reasons": reasons},
            "top_accounts": top_accounts.get(campaign_id, []),
            "languages": dict(languages.get(campaign_id, [])),
            "timeline": {day.isoformat(): n for day, n in timelines.get(campaign_id, [])},
            "example_evidence": evidence.get(campaign_id, []),
            "narratives": _narratives(con, campaign_id, examples),
            "claims": _claims(con, campaign_id, examples),
            "state_media": _state_media(con, campaign_id),
            "integrity_examples": _integrity_examples(con, campaign_id, posts),
            "laundering": _laundering(con, campaign_id),
        }
        obj["integrity"] = {t["tag"]: t["posts"] for t in obj["integrity_examples"]}
        obj["disarm"] = _disarm(obj)
        obj["assessment"] = assessment(obj)
        objects.append(obj)
    return objects


# The per-campaign parts below are one grouped query each over all campaigns: a
# workspace with hundreds of campaigns reads its edges and posts a few times, not
# a few times per campaign.
_MEMBERS = (
    "m AS (SELECT account_id, campaign_id FROM campaign_accounts WHERE campaign_id IS NOT NULL)"
)
_INSIDE = """SELECT ma.campaign_id, e.signal, e.source, e.target, e.k, e.q_value
             FROM coordination_edges e
             JOIN m ma ON ma.account_id = e.source JOIN m mb ON mb.account_id = e.target
             WHERE e.significant AND ma.campaign_id = mb.campaign_id"""


def _per_campaign(con, sql: str, params: dict | None = None) -> dict[str, list[tuple]]:
    """Rows of ``sql`` (campaign_id first, in order) grouped by campaign."""
    grouped: dict[str, list[tuple]] = {}
    for campaign_id, *rest in con.execute(sql, params or {}).fetchall():
        grouped.setdefault(campaign_id, []).append(tuple(rest))
    return grouped


def _all_signals(con) -> dict[str, list[tuple]]:
    return _per_campaign(
        con,
        f"""WITH {_MEMBERS}, inside AS ({_INSIDE})
        SELECT campaign_id, signal, count(*) FROM inside GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2""",
    )


def _all_median_degrees(con) -> dict[str, list[tuple]]:
    """Median number of campaign members each member shares a significant edge with."""
    return _per_campaign(
        con,
        f"""WITH {_MEMBERS}, inside AS ({_INSIDE}),
        ends AS (SELECT campaign_id, source AS a, target AS b FROM inside
                 UNION SELECT campaign_id, target, source FROM inside),
        degree AS (SELECT campaign_id, a, count(DISTINCT b) AS n FROM ends GROUP BY 1, 2)
        SELECT m.campaign_id, coalesce(median(coalesce(d.n, 0)), 0) FROM m
        LEFT JOIN degree d ON d.campaign_id = m.campaign_id AND d.a = m.account_id
        GROUP BY 1 ORDER BY 1""",
    )


def _all_top_accounts(con, limit: int) -> dict[str, list[dict]]:
    rows = _per_campaign(
        con,
        """SELECT campaign_id, account_id, account_name, coordination_score,
               n_posts, top_signals FROM (
            SELECT *, row_number() OVER (PARTITION BY campaign_id
                                         ORDER BY coordination_score DESC, account_id) AS rn
            FROM campaign_accounts WHERE campaign_id IS NOT NULL)
        WHERE rn <= $limit ORDER BY campaign_id, rn""",
        {"limit": limit},
    )
    keys = ("account_id", "account_name", "coordination_score", "posts", "top_signals")
    return {c: [dict(zip(keys, r, strict=True)) for r in found] for c, found in rows.items()}


def _all_languages(con, limit: int = 5) -> dict[str, list[tuple]]:
    return _per_campaign(
        con,
        """SELECT campaign_id, lang, n FROM (
            SELECT c.campaign_id, coalesce(p.lang, 'unknown') AS lang, count(*) AS n,
                   row_number() OVER (PARTITION BY c.campaign_id
                                      ORDER BY count(*) DESC, coalesce(p.lang, 'unknown')) AS rn
            FROM posts p JOIN campaign_accounts c USING (account_id)
            WHERE c.campaign_id IS NOT NULL GROUP BY 1, 2)
        WHERE rn <= $limit ORDER BY campaign_id, rn""",
        {"limit": limit},
    )


def _all_timelines(con) -> dict[str, list[tuple]]:
    return _per_campaign(
        con,
        """SELECT c.campaign_id, p.created_at::DATE, count(*)
        FROM posts p JOIN campaign_accounts c USING (account_id)
        WHERE c.campaign_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2""",
    )


def _member_rows(
    con, campaign_id: str, select: str, joins: str = "", tail: str = "", limit: int | None = None
) -> list[tuple]:
    """Rows over the posts of the campaign's accounts, joined to ``joins``."""
    sql = f"""SELECT {select} FROM posts p JOIN campaign_accounts c USING (account_id) {joins}
              WHERE c.campaign_id = $campaign {tail}"""
    params: dict = {"campaign": campaign_id}
    if limit is not None:
        sql += " LIMIT $limit"
        params["limit"] = limit
    return con.execute(sql, params).fetchall()


_EVIDENCE_SQL = """
WITH m AS (SELECT account_id, campaign_id FROM campaign_accounts WHERE campaign_id IS NOT NULL),
ranked AS (
    SELECT ma.campaign_id, e.signal, e.source, e.target, e.k, e.q_value,
           row_number() OVER (PARTITION BY ma.campaign_id
                              ORDER BY e.q_value, e.k DESC, e.signal, e.source, e.target) AS rn
    FROM coordination_edges e
    JOIN m ma ON ma.account_id = e.source JOIN m mb ON mb.account_id = e.target
    WHERE e.significant AND ma.campaign_id = mb.campaign_id
), chosen AS (
    SELECT r.campaign_id, r.rn, r.signal, r.source, r.target, r.k, r.q_value,
           arg_min(struct_pack(a := v.post_source, b := v.post_target, dt := v.dt_s),
                   (v.post_source, v.post_target)) AS pair
    FROM ranked r JOIN coordination_evidence v USING (signal, source, target)
    WHERE r.rn <= $limit
    GROUP BY r.campaign_id, r.rn, r.signal, r.source, r.target, r.k, r.q_value
), texts AS (
    SELECT post_id, min(text) AS text FROM posts
    WHERE post_id IN (SELECT pair.a FROM chosen UNION SELECT pair.b FROM chosen)
    GROUP BY post_id
)
SELECT c.campaign_id, c.signal, c.source, c.target, c.k, c.q_value, ta.text, tb.text, c.pair.dt
FROM chosen c LEFT JOIN texts ta ON ta.post_id = c.pair.a LEFT JOIN texts tb ON tb.post_id = c.pair.b
ORDER BY c.campaign_id, c.rn
"""


def _all_evidence(con, limit: int) -> dict[str, list[dict]]:
    """Per campaign, its strongest edges inside, each with one pair of posts behind it
    (the pair with the smallest post ids). One query for all campaigns: reading the
    posts once instead of once per campaign."""
    keys = ("signal", "source", "target", "shared", "q_value", "text_source", "text_target",
            "seconds_apart")  # fmt: skip
    found: dict[str, list[dict]] = {}
    for campaign_id, *values in con.execute(_EVIDENCE_SQL, {"limit": limit}).fetchall():
        found.setdefault(campaign_id, []).append(dict(zip(keys, values, strict=True)))
    return found


def _narratives(con, campaign_id: str, limit: int) -> list[dict]:
    """The campaign's largest narratives, with lift: the narrative's share of the campaign's
    posts in narratives over its share of all posts in narratives (2: pushed twice as hard)."""
    if not has_table(con, "text_narratives"):
        return []
    rows = _member_rows(con, campaign_id,
                        "n.narrative, t.label, t.key_terms, count(*) AS posts, round("
                        "(count(*) / sum(count(*)) OVER ()) / any_value(s.share), 2)",
                        joins="JOIN text_narratives n USING (text_key) "
                              "JOIN narrative_terms t USING (narrative) "
                              f"JOIN ({_NARRATIVE_SHARE}) s USING (narrative)",
                        tail="GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1", limit=limit)  # fmt: skip
    keys = ("narrative", "label", "key_terms", "posts", "lift")
    return [dict(zip(keys, row, strict=True)) for row in rows]


_NARRATIVE_SHARE = """SELECT narrative, count(*) / sum(count(*)) OVER () AS share
    FROM text_narratives JOIN posts USING (text_key) GROUP BY narrative"""


def _claims(con, campaign_id: str, limit: int) -> list[dict]:
    if not has_table(con, "claim_matches"):
        return []
    rows = _member_rows(con, campaign_id,
                        "k.claim, k.url, count(*) FILTER (m.status = 'match'), "
                        "count(*) FILTER (m.status IN ('match', 'suggested')), "
                        "max(m.score), any_value(p.text ORDER BY m.score DESC, p.post_id)",
                        joins="JOIN claim_matches m USING (text_key) "
                              "JOIN claim_catalogue k USING (claim_id)",
                        tail="AND coalesce(m.stance, 'asserts') = 'asserts' GROUP BY 1, 2 ORDER BY 3 DESC, 4 DESC, 1",
                        limit=limit)  # fmt: skip
    keys = ("claim", "claim_url", "posts_matched", "posts_matched_or_suggested", "best_score",
            "example")  # fmt: skip
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _state_media(con, campaign_id: str) -> list[dict]:
    if not has_table(con, "state_media_posts"):
        return []
    rows = con.execute(
        """WITH m AS (SELECT account_id FROM campaign_accounts WHERE campaign_id = $campaign),
           total AS (SELECT count(*) AS n FROM posts WHERE account_id IN (SELECT * FROM m))
           SELECT s.country, count(DISTINCT s.post_rowid),
                  round(count(DISTINCT s.post_rowid) / any_value(total.n), 4),
                  string_agg(DISTINCT s.outlet, '; ' ORDER BY s.outlet)
           FROM state_media_posts s, total WHERE s.account_id IN (SELECT * FROM m)
           GROUP BY 1 ORDER BY 2 DESC, 1""",
        {"campaign": campaign_id},
    ).fetchall()
    return [{"country": c, "posts": n, "share": s, "outlets": o} for c, n, s, o in rows]


def _integrity_examples(con, campaign_id: str, posts: int) -> list[dict]:
    """Per tag: posts, their share of the campaign's posts, and the post of highest
    confidence (the rules' tags, with no confidence, by post id)."""
    if not has_table(con, "integrity_tags"):
        return []
    rows = _member_rows(
        con, campaign_id,
        """t.tag, count(DISTINCT p.post_id),
           arg_max(struct_pack(post_id := p.post_id, text := p.text, rule := t.rule,
                               confidence := t.confidence),
                   (coalesce(t.confidence, 0), p.post_id))""",
        joins="JOIN integrity_tags t USING (text_key)", tail="GROUP BY 1 ORDER BY 2 DESC, 1",
    )  # fmt: skip
    return [{"tag": tag, "posts": n, "share": round(n / posts, 4) if posts else 0.0,
             "example": dict(best)} for tag, n, best in rows]  # fmt: skip


def _laundering(con, campaign_id: str) -> list[dict]:
    if not (has_table(con, "article_posts") and has_table(con, "laundering")):
        return []
    rows = _member_rows(con, campaign_id, "l.group_id, l.role, count(DISTINCT p.post_id)",
                        joins="JOIN article_posts ap ON ap.post_rowid = p.rowid "
                              "JOIN laundering l ON l.article_id = ap.article_id",
                        tail="GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2")  # fmt: skip
    return [{"group": g, "role": r, "posts": n} for g, r, n in rows]


def _disarm(obj: dict) -> list[dict]:
    signals, found = obj["signals"], []
    if "co_reshare" in signals or "identical_text" in signals or "near_duplicate" in signals:
        found.append("T0049.001")
    if "co_hashtag" in signals or "hashtag_sequence" in signals:
        found.append("T0049.002")
    if "fast_reshare" in signals:
        found.append("T0049.003")
    if "identical_text" in signals or "near_duplicate" in signals:
        found.append("T0084.001")
    if any(item["role"] == "translation" for item in obj["laundering"]):
        found.append("T0084.003")
    if any(item["share"] >= 0.01 for item in obj["state_media"]):
        found.append("T0002")
    if any(item["posts_matched"] for item in obj["claims"]):
        found.append("T0022")
    return [{"id": t, "name": DISARM[t][0], "evidence": DISARM[t][1]} for t in found]


def assessment(obj: dict) -> str:
    """One estimative sentence: what the evidence shows, at what confidence, and what not."""
    level = obj["confidence"]["level"]
    accounts = f"{obj['accounts']} account{'s' if obj['accounts'] != 1 else ''}"
    span = f"between {str(obj['first_post'])[:10]} and {str(obj['last_post'])[:10]}"
    if not obj["signal_families"]:  # only in a briefing on part of the workspace
        return (
            f"These {accounts} of a campaign found in the whole workspace posted {span}, "
            "but no significant edge ties them within this part of the data: it shows "
            "no coordination of its own."
        )
    kinds = ", ".join(sorted(obj["signal_families"]))
    sentence = (
        f"We assess with {level} confidence that these {accounts} acted in "
        f"concert ({kinds} evidence) {span}"
    )
    content = []
    for item in obj["state_media"][:2]:
        if item["share"] >= 0.01:
            content.append(f"{item['share']:.0%} of their posts amplify {item['country']}'s "
                           "state media")  # fmt: skip
    matched = sum(item["posts_matched"] for item in obj["claims"])
    if matched:
        content.append(
            f"{matched} posts match known false claims (unconfirmed: on a reviewed "
            f"real stream {STREAM_PRECISION['match']:.0%} of such matches state "
            "their claim, the rest share its subject)"
        )
    tagged = sum(obj["integrity"].values())
    if tagged:
        content.append(f"{tagged} posts target election integrity")
    if content:
        sentence += "; " + "; ".join(content)
    return sentence + ". This is evidence of coordination, not of who runs the accounts."
