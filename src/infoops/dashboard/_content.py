"""Narratives, known false claims and laundering chains, read for the dashboard's pages.

Each function returns plain dicts (JSON-ready) or None when the thing asked for
does not exist; a step that never ran on the workspace gives empty lists.
"""

from __future__ import annotations

from ._data import WorkspaceData, rows

SAMPLE_POSTS = 100


def narratives(data: WorkspaceData) -> list[dict]:
    """Every narrative with its volume, reach and time span (cached: the data never change)."""
    if not (data.has("narrative_terms") and data.has("text_narratives")):
        return []

    def build() -> list[dict]:
        with data.cursor() as cur:
            return rows(
                cur,
                """SELECT t.narrative, t.label, t.key_terms, t.language,
                          round(t.cohesion, 3) AS cohesion, round(t.npmi, 3) AS npmi,
                          count(p.post_id) AS posts, count(DISTINCT p.account_id) AS accounts,
                          min(p.created_at) AS first_post, max(p.created_at) AS last_post
                   FROM narrative_terms t LEFT JOIN text_narratives n USING (narrative)
                   LEFT JOIN posts p USING (text_key)
                   GROUP BY ALL ORDER BY posts DESC, t.narrative""",
            )

    return data.cached("narratives", build)


def narrative(data: WorkspaceData, number: int) -> dict | None:
    """One narrative: terms, examples, daily volume, the campaigns pushing it, sample posts."""
    found = [n for n in narratives(data) if n["narrative"] == number]
    if not found:
        return None
    campaign = _campaign_column(data)
    with data.cursor() as cur:
        examples = cur.execute(
            "SELECT examples FROM narrative_terms WHERE narrative = ?", [number]
        ).fetchall()[0][0]
        posts_sql = f"""FROM text_narratives n JOIN posts p USING (text_key) {campaign["join"]}
                        WHERE n.narrative = $n"""
        params = {"n": number}
        return found[0] | {
            "examples": [e.strip() for e in (examples or "").split(" | ") if e.strip()],
            "timeline": _daily(cur, posts_sql, params),
            "campaigns": _pushers(cur, data, number),
            "sample_posts": rows(cur, f"""SELECT p.post_id, p.account_id, p.account_name, p.created_at,
                                          p.text, {campaign["column"]} AS campaign_id
                                   {posts_sql} ORDER BY p.created_at, p.post_id LIMIT $limit""",
                          params | {"limit": SAMPLE_POSTS}),
        }  # fmt: skip


def _pushers(cur, data: WorkspaceData, number: int) -> list[dict]:
    """Campaigns with posts in the narrative, by lift (how much more of their posts go to
    it than of everyone's)."""
    if not data.has("campaign_accounts"):
        return []
    from ..detectors.narratives import narrative_lift

    groups = "SELECT account_id, campaign_id AS group_id FROM campaign_accounts"
    found = [r for r in narrative_lift(cur, groups, min_posts=1) if r[0] == number]
    keys = ("narrative", "campaign_id", "posts", "share", "lift")
    return [dict(zip(keys, r, strict=True)) for r in found if r[1] is not None][:20]


def claims(data: WorkspaceData) -> list[dict]:
    """Known false claims found in the workspace, with how many posts and articles state them."""
    if not (data.has("claim_matches") and data.has("claim_catalogue")):
        return []
    with data.cursor() as cur:
        return rows(
            cur,
            """SELECT k.claim_id, k.claim, k.url, k.catalogue, k.date,
                      count(*) FILTER (m.status = 'match') AS matched,
                      count(*) FILTER (m.status = 'suggested') AS suggested,
                      count(*) FILTER (m.stance = 'refutes') AS refuting,
                      count(*) FILTER (m.stance = 'reports') AS reporting,
                      count(*) FILTER (m.kind = 'article') AS articles, max(m.score) AS best_score
               FROM claim_matches m JOIN claim_catalogue k USING (claim_id)
               GROUP BY ALL ORDER BY matched DESC, suggested DESC, k.claim_id""",
        )


def claim(data: WorkspaceData, claim_id: str) -> dict | None:
    """One claim: the catalogue entry and every post and article matched to it."""
    if not (data.has("claim_matches") and data.has("claim_catalogue")):
        return None
    campaign = _campaign_column(data)
    with data.cursor() as cur:
        entry = rows(cur, "SELECT * EXCLUDE (vector) FROM claim_catalogue WHERE claim_id = ?",
                     [claim_id])  # fmt: skip
        if not entry:
            return None
        posts = rows(
            cur,
            f"""SELECT m.status, round(m.score, 3) AS score, m.stance, m.stance_cue, m.evidence,
                       p.post_id, p.account_id,
                       p.account_name, p.created_at, p.text, {campaign["column"]} AS campaign_id
                FROM claim_matches m JOIN posts p USING (text_key) {campaign["join"]}
                WHERE m.claim_id = ? AND m.kind = 'post'
                ORDER BY m.status, m.score DESC, p.created_at LIMIT 500""",
            [claim_id],
        )
        articles = rows(
            cur,
            """SELECT m.status, round(m.score, 3) AS score, m.stance, m.stance_cue, m.evidence,
                      a.article_id, a.url,
                      a.title, a.published_at
               FROM claim_matches m JOIN articles a USING (article_id)
               WHERE m.claim_id = ? AND m.kind = 'article' ORDER BY m.score DESC""",
            [claim_id],
        )
    return {"claim": entry[0], "posts": posts, "articles": articles}


def laundering_groups(data: WorkspaceData) -> list[dict]:
    """Groups of copied or translated articles, each led by its first publisher."""
    if not data.has("laundering"):
        return []
    with data.cursor() as cur:
        return rows(
            cur,
            """SELECT group_id,
                      any_value(article_id) FILTER (role = 'origin') AS origin_id,
                      any_value(title) FILTER (role = 'origin') AS origin_title,
                      any_value(domain) FILTER (role = 'origin') AS origin_domain,
                      min(published_at) AS first_published, count(*) AS articles,
                      count(*) FILTER (role = 'copy') AS copies,
                      count(*) FILTER (role = 'translation') AS translations,
                      string_agg(DISTINCT lang, ', ' ORDER BY lang) AS languages
               FROM laundering GROUP BY group_id ORDER BY articles DESC, group_id""",
        )


def article(data: WorkspaceData, article_id: str) -> dict | None:
    """An article and the laundering chain it belongs to: who published first, who copied
    or translated whom, the meaning changes, and the posts that pasted any of them."""
    with data.cursor() as cur:
        found = rows(
            cur,
            """SELECT article_id, url, domain, title, published_at, author, lang,
                      left(text, 2000) AS text FROM articles WHERE article_id = ?""",
            [article_id],
        )
        if not found:
            return None
        result = found[0] | {"group": None, "chain": [], "changes": [], "posts": []}
        if not data.has("laundering"):
            return result
        group = cur.execute(
            "SELECT group_id FROM laundering WHERE article_id = ?", [article_id]
        ).fetchall()
        if not group:
            return result
        return result | _chain(data, cur, group[0][0])


def _chain(data: WorkspaceData, cur, group_id: str) -> dict:
    params = [group_id]
    chain = rows(cur, """SELECT article_id, url, domain, title, published_at, lang, role,
                                copied_from, similarity, copied_share
                         FROM laundering WHERE group_id = ?
                         ORDER BY published_at NULLS LAST, url, article_id""", params)  # fmt: skip
    changes = (
        rows(
            cur,
            """SELECT article_id, copied_from, change, source_sentence, copy_sentence,
                            similarity FROM laundering_changes WHERE group_id = ?
                     ORDER BY article_id, change, source_sentence""",
            params,
        )  # fmt: skip
        if data.has("laundering_changes")
        else []
    )
    campaign = _campaign_column(data, "ap.account_id")
    posts = (
        rows(
            cur,
            f"""SELECT ap.article_id, ap.post_id, ap.account_id, ap.created_at,
                             round(ap.containment, 3) AS containment, p.text,
                             {campaign["column"]} AS campaign_id
                      FROM article_posts ap JOIN laundering l USING (article_id)
                      LEFT JOIN posts p ON p.rowid = ap.post_rowid {campaign["join"]}
                      WHERE l.group_id = ? ORDER BY ap.created_at, ap.post_id
                      LIMIT 500""",
            params,
        )  # fmt: skip
        if data.has("article_posts")
        else []
    )
    return {"group": group_id, "chain": chain, "changes": changes, "posts": posts}


def _campaign_column(data: WorkspaceData, account: str = "p.account_id") -> dict[str, str]:
    """The campaign column and its join, or a null column before campaigns were found."""
    if not data.has("campaign_accounts"):
        return {"column": "NULL::VARCHAR", "join": ""}
    return {"column": "c.campaign_id",
            "join": f"LEFT JOIN campaign_accounts c ON c.account_id = {account}"}  # fmt: skip


def _daily(cur, from_where: str, params: dict) -> dict[str, int]:
    """Posts per day for ``FROM ... WHERE ...`` over posts ``p``."""
    found = cur.execute(
        f"SELECT p.created_at::DATE, count(*) {from_where} GROUP BY 1 ORDER BY 1", params
    ).fetchall()
    return {day.isoformat(): n for day, n in found}


def conflicts(data: WorkspaceData) -> dict:
    """Conflicting accounts side by side (government against state media first), and
    the speakers with the most statements."""
    if not data.has("statement_conflicts"):
        return {"conflicts": [], "speakers": []}
    side = """{n}.speaker AS speaker_{n}, {n}.speaker_kind AS kind_{n},
              {n}.speaker_country AS country_{n}, {n}.statement AS statement_{n},
              {n}.cue AS cue_{n}, coalesce(nullif({n}.url, ''), {n}.outlet) AS source_{n},
              {n}.published_at AS date_{n}, {n}.source_kind AS source_kind_{n},
              {n}.source_id AS source_id_{n}"""
    with data.cursor() as cur:
        found = rows(
            cur,
            f"""SELECT c.conflict_id, c.kind, c.confidence, c.score, c.conflict_words,
                       c.shared_words, {side.format(n="a")}, {side.format(n="b")}
                FROM statement_conflicts c
                JOIN statements a ON a.statement_id = c.statement_a
                JOIN statements b ON b.statement_id = c.statement_b
                ORDER BY c.conflict_id LIMIT 500""",
        )
        speakers = rows(
            cur,
            """SELECT any_value(speaker ORDER BY length(speaker) DESC) AS speaker,
                      any_value(speaker_kind) AS kind, any_value(speaker_country) AS country,
                      count(*) AS statements, count(DISTINCT source_id) AS sources
               FROM statements WHERE speaker_key <> '' GROUP BY speaker_key
               ORDER BY statements DESC, speaker LIMIT 200""",
        )
    return {"conflicts": found, "speakers": speakers}
