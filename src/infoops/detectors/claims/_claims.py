"""Match posts and articles to known false claims, with what each text does with them.

Two passes, so that a million posts take minutes, not hours:

1. every distinct text is compared with every claim cheaply (``ClaimIndex.prefilter``:
   static word-vector cosine and the claim's lexical coverage); texts below both
   floors stop;
2. the rest get candidates from BM25 and the Universal Sentence Encoder, each
   candidate a probability of stating the claim from the shipped ranker
   (``_ranker``, fitted on CheckThat! 2022), and the best ``top`` candidates a
   stance (``_stance``): whether the text asserts, refutes or only reports it.

Only a text that *asserts* a claim is a ``match`` (probability at least
``confirm``) or ``suggested`` (from ``suggest``); a text that refutes or reports
one is kept with that status, as evidence of who answers the claim. Articles
are matched sentence by sentence (and clause by clause after "alleging that"),
each judged in its whole sentence. The USE vectors of the bundled catalogue
ship with the package; claims a user adds are encoded once and kept in the
workspace.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from ...text._embed import DIMENSIONS, split_sentences
from ...text._progress import Progress, no_progress
from ...text._static_embed import words
from ...workspace._tables import has_table, store_arrow
from ._catalogue import CATALOGUE_SCHEMA, as_catalogue, bundled_claims
from ._index import FEATURES, ClaimIndex, Pairs
from ._ranker import shipped_rankers
from ._stance import stance

# Share of reported posts that state their claim on a real stream: the IRA archive,
# reviewed pairs whose claim is still the text's best, each score band weighted by how
# many texts it holds (benchmarks/eval_ira_claims.py). Most of the rest share the
# claim's subject only.
STREAM_PRECISION = {"match": 0.23, "suggested": 0.18}
log = logging.getLogger("infoops")
# Where a news sentence reports a claim: "... falsely alleging (that) Ukraine interfered".
_REPORTED = re.compile(
    r"\b(?:alleg(?:ing|ed|es|e)|claim(?:ing|ed|s)?|assert(?:ing|ed|s)?|insist(?:ing|ed|s)?|"
    r"suggest(?:ing|ed|s)?|say(?:ing|s)?|said)\b(?: that)?\s+|\bthat\s+",
    re.IGNORECASE,
)
_COSINE, _COVERAGE = FEATURES.index("use_cosine"), FEATURES.index("coverage")


@dataclass(frozen=True)
class ClaimMatchConfig:
    """Thresholds of claim matching; probabilities come from the shipped ranker."""

    confirm: float = 0.5  # an asserting text at this probability is a match
    suggest: float = 0.2  # lowest probability reported
    top: int = 3  # candidates kept per post or article sentence, best first
    min_words: int = 4  # shorter texts carry no checkable claim
    candidates: int = 30  # from BM25 and from USE, each
    prefilter_similarity: float = 0.45  # static cosine that lets a text through pass 1
    prefilter_coverage: float = 0.5  # or claim-term coverage that does


@dataclass(frozen=True)
class Candidate:
    """One ranked claim of a text."""

    claim: int  # catalogue row
    rank: int  # 1 = best
    probability: float
    cosine: float  # USE
    coverage: float  # share of the claim's term weight present in the text


def rank_claims(
    index: ClaimIndex,
    texts: list[str],
    dates: np.ndarray | None = None,
    top: int = 3,
    floor: float = 0.0,
    candidates: int = 30,
    on_progress: Progress = no_progress,
) -> list[list[Candidate]]:
    """Per text, its ``top`` most probable claims at or above ``floor``, best first (ties by
    catalogue row); ``dates`` (datetime64[D], NaT where unknown) when each was posted."""
    rankers = shipped_rankers()
    block = max(64, min(2048, 20_000_000 // max(1, len(index))))
    found: list[list[Candidate]] = []
    on_progress("texts", 0, len(texts))
    for start in range(0, len(texts), block):
        part = slice(start, start + block)
        pairs = index.pairs(texts[part], None if dates is None else dates[part], candidates)
        probability = rankers.probability(pairs.features, index.has_context[pairs.claim])
        found.extend(_best_per_text(pairs, probability, len(texts[part]), top, floor))
        on_progress("texts", len(found), len(texts))
    return found


def _best_per_text(pairs: Pairs, probability: np.ndarray, count: int, top: int,
                   floor: float) -> list[list[Candidate]]:  # fmt: skip
    """Each text's ``top`` pairs at or above ``floor``, best first (ties by catalogue row):
    sorted once, so the per-pair work stays in numpy."""
    order = np.lexsort((pairs.claim, -probability, pairs.text))
    text = pairs.text[order]
    first = np.searchsorted(text, text)  # where each text's run starts
    position = np.arange(len(order)) - first
    chosen = order[(position < top) & (probability[order] >= floor)]
    per_text: list[list[Candidate]] = [[] for _ in range(count)]
    for i in chosen:
        kept = per_text[pairs.text[i]]
        kept.append(Candidate(int(pairs.claim[i]), len(kept) + 1, float(probability[i]),
                              float(pairs.features[i, _COSINE]),
                              float(pairs.features[i, _COVERAGE])))  # fmt: skip
    return per_text


def search_claims(
    text: str, claims: pa.Table | None = None, top: int = 5,
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[dict]:  # fmt: skip
    """The ``top`` claims of ``claims`` (or of the workspace behind ``con``) closest to one
    text, with probability and stance: a quick look-up, showing claims down to 0.05 (less
    means nothing in common)."""
    index = _cached_index(con, workspace_claims(con)) if con is not None else ClaimIndex(claims)
    table = index.claims
    found = []
    for candidate in rank_claims(index, [text], top=top, floor=0.05)[0]:
        claim = table.column("claim")[candidate.claim].as_py()
        judged = stance(text, claim)
        found.append({"rank": candidate.rank, "score": candidate.probability,
                      "stance": judged.stance, "stance_cue": judged.cue, "claim": claim,
                      "claim_id": table.column("claim_id")[candidate.claim].as_py(),
                      "url": table.column("url")[candidate.claim].as_py()})  # fmt: skip
    return found


def workspace_claims(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The bundled catalogue plus any the user added to this workspace (``add_claims``)."""
    added = has_table(con, "claim_catalogue_added")
    bundled = bundled_claims()
    if not added:
        return bundled
    extra = con.sql("SELECT * FROM claim_catalogue_added ORDER BY claim_id").to_arrow_table()
    return pa.concat_tables([bundled, as_catalogue(extra)])


def add_claims(con: duckdb.DuckDBPyConnection, claims: pa.Table) -> int:
    """Keep ``claims`` in the workspace (replacing earlier rows of the same claim_id)."""
    if has_table(con, "claim_catalogue_added"):
        kept = as_catalogue(con.sql("SELECT * FROM claim_catalogue_added").to_arrow_table())
        new_ids = set(claims.column("claim_id").to_pylist())
        old = [r for r in kept.to_pylist() if r["claim_id"] not in new_ids]
        claims = pa.concat_tables([pa.Table.from_pylist(old, schema=CATALOGUE_SCHEMA), claims])
    store_arrow(con, "claim_catalogue_added", claims)
    return claims.num_rows


MATCH_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),  # post or article
        ("text_key", pa.uint64()),  # posts: every post with this normalised text matches
        ("article_id", pa.string()),
        ("evidence", pa.string()),  # the post text, or the article sentence or clause
        ("claim_id", pa.string()),
        ("rank", pa.int32()),  # of the claim among the text's candidates, 1 = best
        ("score", pa.float64()),  # probability that the text states the claim
        ("stance", pa.string()),  # asserts, refutes or reports
        ("stance_cue", pa.string()),  # the words that decided the stance
        ("status", pa.string()),  # match or suggested (asserts only), refutes, reports
        ("cosine", pa.float64()),  # USE
        ("coverage", pa.float64()),
    ]
)


def match_claims(
    con: duckdb.DuckDBPyConnection,
    config: ClaimMatchConfig | None = None,
    index: ClaimIndex | None = None,
    on_progress: Progress = no_progress,
) -> int:
    """Create ``claim_matches`` (see ``MATCH_SCHEMA``) and ``claim_catalogue`` (the claims
    searched); return how many posts and articles matched or mention a claim.
    ``on_progress`` counts the first pass's new words, then the texts ranked."""
    config = config or ClaimMatchConfig()
    index = index or _cached_index(con, workspace_claims(con))
    items = _queries(con, config)
    texts = [item[3] for item in items]
    keep = (
        index.prefilter(texts, config.prefilter_similarity, config.prefilter_coverage,
                        on_progress=on_progress)
        if texts else np.zeros(0, dtype=bool)
    )  # fmt: skip
    kept = [item for item, passed in zip(items, keep, strict=True) if passed]
    log.info("Claims: %d of %d texts pass the first pass", len(kept), len(items))
    dates = np.array([item[5] for item in kept], dtype="datetime64[D]")
    found = rank_claims(index, [item[3] for item in kept], dates, config.top, config.suggest,
                        config.candidates, on_progress)  # fmt: skip
    ids = index.claims.column("claim_id").to_pylist()
    statements = index.claims.column("claim").to_pylist()
    rows = [
        _row(item, candidate, ids, statements, config)
        for item, candidates in zip(kept, found, strict=True)
        for candidate in candidates
    ]
    store_arrow(con, "claim_catalogue", _with_vectors(index))
    store_arrow(con, "claim_sentence_matches", pa.Table.from_pylist(rows, schema=MATCH_SCHEMA))
    con.execute(_BEST_PER_ITEM)
    return con.execute(
        "SELECT count(DISTINCT coalesce(text_key::VARCHAR, article_id)) FROM claim_matches"
    ).fetchall()[0][0]


def _row(item: tuple, candidate: Candidate, ids: list[str], statements: list[str],
         config: ClaimMatchConfig) -> dict:  # fmt: skip
    kind, key, article, text, frame, _ = item
    judged = stance(text, statements[candidate.claim], frame)
    if judged.stance != "asserts":
        status = judged.stance
    else:
        status = "match" if candidate.probability >= config.confirm else "suggested"
    return {"kind": kind, "text_key": key, "article_id": article, "evidence": text,
            "claim_id": ids[candidate.claim], "rank": candidate.rank,
            "score": round(candidate.probability, 4), "stance": judged.stance,
            "stance_cue": judged.cue, "status": status, "cosine": round(candidate.cosine, 4),
            "coverage": round(candidate.coverage, 4)}  # fmt: skip


# How the stored claim vectors were made: a workspace whose vectors were made otherwise
# (by an older infoops) has them encoded again.
VECTORS_RECIPE = "use: claim + claim with context and keywords, as sentences"
_VECTOR_COLUMNS = ["vector", "vectors_recipe"]


def _with_vectors(index: ClaimIndex) -> pa.Table:
    """The index's claims with their USE vectors and the recipe that made them."""
    flat = pa.array(index.vectors.astype(np.float32).ravel())
    catalogue = index.claims.append_column(
        "vector", pa.FixedSizeListArray.from_arrays(flat, DIMENSIONS)
    )
    recipe = pa.array([VECTORS_RECIPE] * catalogue.num_rows, pa.string())
    return catalogue.append_column("vectors_recipe", recipe)


def _cached_index(con: duckdb.DuckDBPyConnection, claims: pa.Table) -> ClaimIndex:
    """An index whose claim vectors come from the workspace's last run when the claims and
    the recipe are the same (USE takes minutes for a catalogue of 10,000 claims)."""
    stored = _stored_catalogue(con, claims)
    if stored is None:
        return ClaimIndex(claims)
    vectors = stored.column("vector").combine_chunks().flatten().to_numpy()
    return ClaimIndex(claims, vectors=vectors.astype(np.float32).reshape(-1, DIMENSIONS))


def _stored_catalogue(con: duckdb.DuckDBPyConnection, claims: pa.Table) -> pa.Table | None:
    """The last run's ``claim_catalogue`` if it holds ``claims`` with vectors made by
    ``VECTORS_RECIPE``."""
    if not has_table(con, "claim_catalogue"):
        return None
    stored = con.sql("SELECT * FROM claim_catalogue").to_arrow_table()
    if not set(_VECTOR_COLUMNS) <= set(stored.column_names):
        return None
    if stored.column("vectors_recipe").unique().to_pylist() != [VECTORS_RECIPE]:
        return None
    same = as_catalogue(stored).equals(claims)
    return stored if same else None


# An article keeps, per claim, its best sentence.
_BEST_PER_ITEM = """
CREATE OR REPLACE TABLE claim_matches AS
SELECT * EXCLUDE (sentence_rank) FROM (
    SELECT *, row_number() OVER (PARTITION BY kind, text_key, article_id, claim_id
                                 ORDER BY score DESC, evidence) AS sentence_rank
    FROM claim_sentence_matches)
WHERE sentence_rank = 1
ORDER BY kind, text_key, article_id, score DESC, claim_id;
DROP TABLE claim_sentence_matches;
"""


def _queries(con: duckdb.DuckDBPyConnection, config: ClaimMatchConfig) -> list[tuple]:
    """(kind, text_key, article_id, text, frame, date): distinct post texts (first posted
    on ``date``), article titles, sentences and reported clauses; ``frame`` is the sentence
    a clause was taken from."""
    posts = con.execute(
        """SELECT 'post', text_key, NULL, any_value(text ORDER BY rowid), NULL,
                  min(created_at)::DATE::VARCHAR FROM posts
           WHERE text_key IS NOT NULL AND length(text) >= 20
           GROUP BY text_key ORDER BY text_key"""
    ).fetchall()
    items = [p for p in posts if len(words(p[3])) >= config.min_words]
    for article_id, title, text, published in con.execute(
        """SELECT article_id, title, text, published_at::DATE::VARCHAR FROM articles
           ORDER BY article_id"""
    ).fetchall():
        pieces = {piece: None for piece in ([title] if title else []) + split_sentences(text)}
        for sentence in list(pieces):
            for clause in _REPORTED.split(sentence)[1:]:
                pieces.setdefault(clause, sentence)
        for piece, frame in pieces.items():
            if len(words(piece)) >= config.min_words:
                items.append(("article", None, article_id, piece, frame, published))
    return items
