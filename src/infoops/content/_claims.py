"""Match posts and articles to known false claims.

Two passes, so that a million posts take minutes, not hours:

1. every distinct text is compared with every claim cheaply: static word-vector
   cosine (``StaticEmbedder``) and the claim's lexical coverage (the share of its
   IDF-weighted, stemmed terms present in the text); texts below both floors stop;
2. the remaining texts get candidates from BM25 (``bm25s``) and from the full
   multilingual sentence encoder, and each candidate a calibrated probability of
   being the same claim: a logistic function of the encoder cosine and the
   coverage, fitted on held-out hand-written queries (``benchmarks/eval_claims.py``).

A probability at or above ``confirm`` is reported as a ``match``; from
``suggest`` up to it, as ``suggested`` for an analyst to confirm. Articles are
matched sentence by sentence: the sentence that states the claim is the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import bm25s
import duckdb
import numpy as np
import pyarrow as pa
import scipy.sparse as sp
from bm25s.stopwords import STOPWORDS_EN

from .._tables import has_table, store_arrow
from ._claim_catalogue import CATALOGUE_SCHEMA, bundled_claims
from ._embed import DIMENSIONS, SentenceEncoder, shared_encoder, split_sentences
from ._static_embed import StaticEmbedder, words

# Logistic calibration (intercept, cosine, coverage): fitted on the even-numbered
# queries of tests/fixtures/claim_queries.jsonl by `python benchmarks/eval_claims.py --fit`.
CALIBRATION = (-10.5, 13.76, 1.46)
_STOP = frozenset(STOPWORDS_EN)
# Where a news sentence reports a claim: "... falsely alleging (that) Ukraine interfered".
_REPORTED = re.compile(
    r"\b(?:alleg(?:ing|ed|es|e)|claim(?:ing|ed|s)?|assert(?:ing|ed|s)?|insist(?:ing|ed|s)?|"
    r"suggest(?:ing|ed|s)?|say(?:ing|s)?|said)\b(?: that)?\s+|\bthat\s+",
    re.IGNORECASE,
)
_LINKS = re.compile(r"https?://\S+|www\.\S+|@\w+")


@dataclass(frozen=True)
class ClaimMatchConfig:
    """Thresholds of claim matching; probabilities are calibrated (see ``CALIBRATION``)."""

    confirm: float = 0.5  # probability at which a match is reported (held out: 88% correct)
    suggest: float = 0.2  # lowest probability reported, as "suggested" (74% correct)
    per_item: int = 3  # claims kept per post or article sentence...
    runner_up_gap: float = 0.25  # ...within this probability of the best one
    min_words: int = 4  # shorter texts carry no checkable claim
    candidates: int = 20  # from BM25 and from the encoder, each
    prefilter_similarity: float = 0.5  # static cosine that lets a text through pass 1
    prefilter_coverage: float = 0.5  # or claim-term coverage that does


@cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def terms(text: str | None) -> list[str]:
    """Stemmed English content words (other languages pass through the stemmer unchanged)."""
    return _stemmer().stemWords([w for w in words(text) if w not in _STOP and len(w) > 1])


class ClaimIndex:
    """A catalogue ready for search: BM25, term weights and encoder vectors of its claims."""

    def __init__(
        self,
        claims: pa.Table,
        encoder: SentenceEncoder | None = None,
        vectors: np.ndarray | None = None,
    ) -> None:
        self.claims = claims
        self.encoder = encoder or shared_encoder()
        texts = claims.column("claim").to_pylist()
        claim_terms = [terms(t) for t in texts]
        self.bm25 = bm25s.BM25()
        self.bm25.index(claim_terms, show_progress=False)
        self._term_ids: dict[str, int] = {}
        self._coverage = self._term_matrix(claim_terms)
        self.vectors = self.encoder.encode(texts) if vectors is None else vectors
        self._claim_words = [words(t) for t in texts]

    def _term_matrix(self, claim_terms: list[list[str]]) -> sp.csc_matrix:
        """(terms x claims): each claim's IDF weights, summing to 1 per claim."""
        for document in claim_terms:
            for term in document:
                self._term_ids.setdefault(term, len(self._term_ids))
        df = np.zeros(len(self._term_ids))
        rows, cols = [], []
        for c, document in enumerate(claim_terms):
            ids = sorted({self._term_ids[t] for t in document})
            rows.extend(ids)
            cols.extend([c] * len(ids))
            df[ids] += 1
        idf = np.log((len(claim_terms) + 1) / (df + 0.5))
        weights = idf[rows]
        matrix = sp.csc_matrix((weights, (rows, cols)), shape=(len(df), len(claim_terms)))
        totals = np.asarray(matrix.sum(axis=0)).ravel()
        return (matrix @ sp.diags(1 / np.where(totals > 0, totals, 1))).tocsc()

    def coverage(self, query_terms: list[list[str]]) -> sp.csr_matrix:
        """(queries x claims) share of each claim's term weight present in each query."""
        rows, cols = [], []
        for q, document in enumerate(query_terms):
            ids = sorted({self._term_ids[t] for t in document if t in self._term_ids})
            cols.extend(ids)
            rows.extend([q] * len(ids))
        present = sp.csr_matrix(
            (np.ones(len(cols)), (rows, cols)), shape=(len(query_terms), len(self._term_ids))
        )
        return (present @ self._coverage).tocsr()

    def prefilter(
        self, texts: list[str], config: ClaimMatchConfig, block: int = 4096
    ) -> np.ndarray:
        """Which ``texts`` may state a catalogue claim (pass 1, cheap)."""
        tokens = [words(t) for t in texts]
        static = StaticEmbedder(self.encoder).fit(self._claim_words + tokens)
        claim_vectors = static.transform(self._claim_words)
        keep = np.zeros(len(texts), dtype=bool)
        for start in range(0, len(texts), block):
            part = slice(start, start + block)
            best_cosine = (static.transform(tokens[part]) @ claim_vectors.T).max(axis=1)
            best_coverage = self.coverage([terms(t) for t in texts[part]]).max(axis=1).toarray()
            keep[part] = (best_cosine >= config.prefilter_similarity) | (
                best_coverage.ravel() >= config.prefilter_coverage
            )
        return keep

    def candidates(
        self, texts: list[str], config: ClaimMatchConfig, block: int = 2048
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per text: candidate claim indices (BM25's and the encoder's top ``candidates``)
        with their encoder cosine and coverage."""
        pools = []
        k = min(config.candidates, len(self.vectors))
        for start in range(0, len(texts), block):
            part = texts[start : start + block]
            query_terms = [terms(t) for t in part]
            cleaned = [" ".join(_LINKS.sub(" ", t).replace("#", " ").split()) for t in part]
            cosines = self.encoder.encode(cleaned) @ self.vectors.T
            coverage = self.coverage(query_terms)
            lexical = self._bm25_candidates(query_terms, k)
            for q in range(len(part)):
                pool = np.union1d(np.argpartition(-cosines[q], k - 1)[:k], lexical[q])
                pools.append((pool, cosines[q, pool], coverage[q, pool].toarray().ravel()))
        return pools

    def search(self, texts: list[str], config: ClaimMatchConfig) -> list[list[tuple]]:
        """Per text, up to ``per_item`` (claim index, probability, cosine, coverage) with
        probability >= ``suggest``, best first (pass 2)."""
        results = []
        for pool, cosine, coverage in self.candidates(texts, config):
            probability = calibrated(cosine, coverage)
            order = np.lexsort((pool, -probability))[: config.per_item]
            floor = max(config.suggest, float(probability[order[0]]) - config.runner_up_gap)
            results.append([
                (int(pool[i]), float(probability[i]), float(cosine[i]), float(coverage[i]))
                for i in order if probability[i] >= floor
            ])  # fmt: skip
        return results

    def _bm25_candidates(self, query_terms: list[list[str]], k: int) -> list[np.ndarray]:
        known = [[t for t in q if t in self._term_ids] for q in query_terms]
        found = [np.zeros(0, dtype=np.int64)] * len(known)
        nonempty = [i for i, q in enumerate(known) if q]
        if nonempty:
            ids, scores = self.bm25.retrieve(
                [known[i] for i in nonempty], k=k, show_progress=False, n_threads=1
            )
            for row, i in enumerate(nonempty):
                found[i] = ids[row][scores[row] > 0].astype(np.int64)
        return found


def calibrated(cosine: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """Probability that a text states the claim, from the encoder cosine and the coverage."""
    intercept, a, b = CALIBRATION
    return 1 / (1 + np.exp(-(intercept + a * np.asarray(cosine) + b * np.asarray(coverage))))


def workspace_claims(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The bundled catalogue plus any the user added to this workspace (``add_claims``)."""
    added = has_table(con, "claim_catalogue_added")
    bundled = bundled_claims()
    if not added:
        return bundled
    extra = con.sql("SELECT * FROM claim_catalogue_added ORDER BY claim_id").to_arrow_table()
    return pa.concat_tables([bundled, extra.cast(CATALOGUE_SCHEMA)])


def add_claims(con: duckdb.DuckDBPyConnection, claims: pa.Table) -> int:
    """Keep ``claims`` in the workspace (replacing earlier rows of the same claim_id)."""
    if has_table(con, "claim_catalogue_added"):
        kept = (
            con.sql("SELECT * FROM claim_catalogue_added").to_arrow_table().cast(CATALOGUE_SCHEMA)
        )
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
        ("evidence", pa.string()),  # the post text, or the article sentence
        ("claim_id", pa.string()),
        ("score", pa.float64()),
        ("cosine", pa.float64()),
        ("coverage", pa.float64()),
        ("status", pa.string()),  # match or suggested
    ]
)


def match_claims(
    con: duckdb.DuckDBPyConnection,
    config: ClaimMatchConfig | None = None,
    index: ClaimIndex | None = None,
) -> int:
    """Create ``claim_matches`` (see ``MATCH_SCHEMA``) and ``claim_catalogue`` (the claims
    searched); return how many posts and articles matched."""
    config = config or ClaimMatchConfig()
    index = index or _cached_index(con, workspace_claims(con))
    items = _queries(con, config)
    texts = [text for *_, text in items]
    keep = index.prefilter(texts, config) if texts else np.zeros(0, dtype=bool)
    kept = [item for item, passed in zip(items, keep, strict=True) if passed]
    found = index.search([text for *_, text in kept], config)
    rows = []
    ids = index.claims.column("claim_id").to_pylist()
    for (kind, key, article, text), matches in zip(kept, found, strict=True):
        for claim, score, cosine, cov in matches:
            rows.append({"kind": kind, "text_key": key, "article_id": article, "evidence": text,
                         "claim_id": ids[claim], "score": round(score, 4),
                         "cosine": round(cosine, 4), "coverage": round(cov, 4),
                         "status": "match" if score >= config.confirm else "suggested"})  # fmt: skip
    store_arrow(
        con,
        "claim_catalogue",
        index.claims.append_column(
            "vector", pa.FixedSizeListArray.from_arrays(pa.array(index.vectors.ravel()), DIMENSIONS)
        ),
    )
    store_arrow(con, "claim_sentence_matches", pa.Table.from_pylist(rows, schema=MATCH_SCHEMA))
    con.execute(_BEST_PER_ITEM)
    return con.execute(
        "SELECT count(DISTINCT coalesce(text_key::VARCHAR, article_id)) FROM claim_matches"
    ).fetchall()[0][0]


def _cached_index(con: duckdb.DuckDBPyConnection, claims: pa.Table) -> ClaimIndex:
    """An index whose claim vectors come from the workspace's last run when the claims are
    the same (encoding 11,000 claims takes a quarter of a minute)."""
    cached = has_table(con, "claim_catalogue")
    if cached:
        previous = con.sql("SELECT * FROM claim_catalogue").to_arrow_table()
        if previous.drop_columns(["vector"]).cast(CATALOGUE_SCHEMA).equals(claims):
            flat = previous.column("vector").combine_chunks().flatten().to_numpy()
            return ClaimIndex(claims, vectors=flat.reshape(-1, DIMENSIONS).astype(np.float32))
    return ClaimIndex(claims)


# An article keeps, per claim, its best sentence.
_BEST_PER_ITEM = """
CREATE OR REPLACE TABLE claim_matches AS
SELECT * EXCLUDE (rank) FROM (
    SELECT *, row_number() OVER (PARTITION BY kind, text_key, article_id, claim_id
                                 ORDER BY score DESC, evidence) AS rank
    FROM claim_sentence_matches)
WHERE rank = 1
ORDER BY kind, text_key, article_id, score DESC, claim_id;
DROP TABLE claim_sentence_matches;
"""


def _queries(con: duckdb.DuckDBPyConnection, config: ClaimMatchConfig) -> list[tuple]:
    """(kind, text_key, article_id, text): distinct post texts, article titles and sentences."""
    posts = con.execute(
        """SELECT 'post', text_key, NULL, any_value(text ORDER BY rowid) FROM posts
           WHERE text_key IS NOT NULL AND length(text) >= 20
           GROUP BY text_key ORDER BY text_key"""
    ).fetchall()
    items = [p for p in posts if len(words(p[3])) >= config.min_words]
    for article_id, title, text in con.execute(
        "SELECT article_id, title, text FROM articles ORDER BY article_id"
    ).fetchall():
        pieces = ([title] if title else []) + split_sentences(text)
        pieces += [clause for piece in pieces for clause in _REPORTED.split(piece)[1:]]
        for piece in dict.fromkeys(pieces):
            if len(words(piece)) >= config.min_words:
                items.append(("article", None, article_id, piece))
    return items
