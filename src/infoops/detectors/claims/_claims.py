"""Match posts and articles to known false claims.

Three passes, so that a million posts take minutes, not hours:

1. every distinct text is compared with every claim cheaply: static word-vector
   cosine (``StaticEmbedder``) and the claim's lexical coverage (the share of its
   IDF-weighted, stemmed terms present in the text); texts below both floors stop;
2. the remaining texts get candidates from BM25 (``bm25s``) and from the Universal
   Sentence Encoder, and each candidate a first probability from the USE cosine and
   the coverage (``SCREEN``); texts whose best candidate stays under
   ``rescore_floor`` stop (on the IRA archive, most of them);
3. the rest are re-scored with multilingual-e5 (``TranslationEncoder``): more
   candidates from its nearest claims, and a calibrated probability of being the
   same claim from the e5 similarity of the text and of its best sentence, the USE
   cosine and the coverage (``CALIBRATION``). Both logistic models were fitted on the
   even-numbered hand-written queries of ``benchmarks/eval_claims.py``.

A probability at or above ``confirm`` is reported as a ``match``; from
``suggest`` up to it, as ``suggested`` for an analyst to confirm. Articles are
matched sentence by sentence: the sentence that states the claim is the evidence.
The e5 and USE vectors of the bundled catalogue ship with the package
(``data/euvsdisinfo_claims_e5.npz``, ``data/euvsdisinfo_claims_use.npz``); claims a
user adds are encoded once and kept in the workspace.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import bm25s
import duckdb
import numpy as np
import pyarrow as pa
import scipy.sparse as sp
from bm25s.stopwords import STOPWORDS_EN

from ...text._embed import (
    DIMENSIONS,
    SentenceEncoder,
    TranslationEncoder,
    shared_encoder,
    shared_translation_encoder,
    split_sentences,
)
from ...text._static_embed import StaticEmbedder, words
from ...text._vector_cache import CachedEncoder
from ...workspace._tables import has_table, store_arrow
from ._catalogue import (
    CATALOGUE_SCHEMA,
    bundled_claim_vectors,
    bundled_claims,
    bundled_screen_vectors,
)

# Logistic models fitted on the even-numbered queries of tests/fixtures/claim_queries.jsonl.
# Both are printed by `python benchmarks/eval_claims.py --fit`. SCREEN (pass 2, the gate):
# intercept, USE cosine, coverage, fitted on pass-2 candidates. CALIBRATION (pass 3):
# intercept, e5 similarity of the text, USE cosine, coverage, e5 similarity of the text's
# best sentence.
SCREEN = (-10.32, 13.1, 0.94)
CALIBRATION = (-35.58, 14.43, 10.43, 0.05, 16.57)
E5_DIMENSIONS = TranslationEncoder.dimensions
# Share of reported posts that state their claim on a real stream: the IRA archive,
# the 329 of 388 reviewed pairs whose claim is still the text's best, weighted by how
# many texts each score band holds (benchmarks/eval_ira_claims.py). Most of the rest
# share the claim's subject only.
STREAM_PRECISION = {"match": 0.23, "suggested": 0.15}
log = logging.getLogger("infoops")
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

    confirm: float = 0.5  # reported as a match (hand-written posts: 93% right; IRA: see docs)
    suggest: float = 0.2  # lowest probability reported, as "suggested" (84% right)
    per_item: int = 3  # claims kept per post or article sentence...
    runner_up_gap: float = 0.25  # ...within this probability of the best one
    min_words: int = 4  # shorter texts carry no checkable claim
    candidates: int = 20  # from BM25, from USE and from e5, each
    prefilter_similarity: float = 0.45  # static cosine that lets a text through pass 1
    prefilter_coverage: float = 0.5  # or claim-term coverage that does
    rescore_floor: float = 0.1  # pass-2 probability that sends a text to e5 (pass 3)


@cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def terms(text: str | None) -> list[str]:
    """Stemmed English content words (other languages pass through the stemmer unchanged)."""
    return _stemmer().stemWords([w for w in words(text) if w not in _STOP and len(w) > 1])


@dataclass(frozen=True)
class Candidates:
    """One text's candidate claims (catalogue rows) and the features that score them."""

    pool: np.ndarray  # claim indices
    cosine: np.ndarray  # USE cosine
    coverage: np.ndarray  # share of the claim's term weight present in the text
    meaning: np.ndarray | None = None  # e5 similarity; None when pass 3 did not run
    sentence: np.ndarray | None = None  # e5 similarity of the text's best sentence

    @property
    def probability(self) -> np.ndarray:
        """Calibrated probability that the text states each claim (pass 3's model when
        the text reached it, else pass 2's)."""
        if self.meaning is None:
            return logistic(SCREEN, self.cosine, self.coverage)
        return logistic(CALIBRATION, self.meaning, self.cosine, self.coverage, self.sentence)


def logistic(model: tuple[float, ...], *features: np.ndarray) -> np.ndarray:
    intercept, *weights = model
    linear = intercept + sum(w * np.asarray(f) for w, f in zip(weights, features, strict=True))
    return 1 / (1 + np.exp(-linear))


def _described(claims: pa.Table) -> tuple[list[str], list[str]]:
    """Each claim's text, and its text followed by its keywords, which name the subjects
    (people, places, topics) a post may mention instead of the claim's words."""
    texts = claims.column("claim").to_pylist()
    keywords = claims.column("keywords").to_pylist()
    described = [
        text + (". " + names.replace("+", ", ") if names else "")
        for text, names in zip(texts, keywords, strict=True)
    ]
    return texts, described


def screen_vectors(claims: pa.Table, encoder: SentenceEncoder) -> np.ndarray:
    """Each claim's USE vector: its text and its described text, averaged (on the
    hand-written queries, MAP@5 +0.015 over the text alone, in both halves)."""
    texts, described = _described(claims)
    mean = encoder.encode(texts) + encoder.encode(described)
    return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-9)


def meaning_vectors(claims: pa.Table, encoder: TranslationEncoder) -> np.ndarray:
    """Each claim's e5 vector: its text encoded as a query and as a passage (averaged),
    averaged with its described text (each alone, or their maximum, ranks worse)."""
    texts, described = _described(claims)
    title = (encoder.encode(texts) + encoder.encode_passages(texts)) / 2
    return (title + encoder.encode(described)) / 2


class ClaimIndex:
    """A catalogue ready for search: BM25, term weights, USE and e5 vectors of its claims."""

    def __init__(
        self,
        claims: pa.Table,
        encoder: SentenceEncoder | None = None,
        vectors: np.ndarray | None = None,
        meaning_encoder: TranslationEncoder | CachedEncoder | None = None,
        meanings: np.ndarray | None = None,
    ) -> None:
        self.claims = claims
        self.encoder = encoder or shared_encoder()
        self.meaning_encoder = meaning_encoder or shared_translation_encoder()
        texts = claims.column("claim").to_pylist()
        claim_terms = [terms(t) for t in texts]
        self.bm25 = bm25s.BM25()
        self.bm25.index(claim_terms, show_progress=False)
        self._term_ids: dict[str, int] = {}
        self._coverage = self._term_matrix(claim_terms)
        self.vectors = self._screen() if vectors is None else vectors
        self.meanings = self._meanings() if meanings is None else meanings
        self._claim_words = [words(t) for t in texts]

    def _screen(self) -> np.ndarray:
        """USE vectors: shipped for the bundled catalogue, encoded for claims added to it."""
        return self._shipped_then_encoded(
            bundled_screen_vectors, lambda claims: screen_vectors(claims, self.encoder)
        )

    def _meanings(self) -> np.ndarray:
        """e5 vectors: shipped for the bundled catalogue, encoded for claims added to it."""
        return self._shipped_then_encoded(
            bundled_claim_vectors, lambda claims: meaning_vectors(claims, self.meaning_encoder)
        )

    def _shipped_then_encoded(
        self,
        shipped: Callable[[pa.Table], np.ndarray | None],
        encode: Callable[[pa.Table], np.ndarray],
    ) -> np.ndarray:
        """The shipped vectors of the bundled catalogue when the index starts with it
        unchanged, and ``encode`` for the claims after it (or for all, otherwise)."""
        bundled = bundled_claims().num_rows
        head = shipped(self.claims.slice(0, bundled)) if self.claims.num_rows >= bundled else None
        if head is None:
            return encode(self.claims)
        rest = self.claims.slice(bundled)
        return head if rest.num_rows == 0 else np.concatenate([head, encode(rest)])

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
    ) -> list[Candidates]:
        """Per text: candidate claims (BM25's and USE's top ``candidates``, and e5's for
        texts re-scored in pass 3) with their features."""
        found = []
        k = min(config.candidates, len(self.vectors))
        for start in range(0, len(texts), block):
            part = texts[start : start + block]
            query_terms = [terms(t) for t in part]
            cleaned = [" ".join(_LINKS.sub(" ", t).replace("#", " ").split()) for t in part]
            cosines = self.encoder.encode(cleaned) @ self.vectors.T
            coverage = self.coverage(query_terms)
            lexical = self._bm25_candidates(query_terms, k)
            screened = []
            for q in range(len(part)):
                pool = np.union1d(np.argpartition(-cosines[q], k - 1)[:k], lexical[q])
                screened.append(
                    Candidates(pool, cosines[q, pool], coverage[q, pool].toarray().ravel())
                )
            rescore = [
                q for q, c in enumerate(screened) if c.probability.max() >= config.rescore_floor
            ]
            log.debug("Claims: %d of %d texts re-scored with e5", len(rescore), len(part))
            meaning, sentence = self._meaning_scores([cleaned[q] for q in rescore])
            for row, q in enumerate(rescore):
                pool = np.union1d(screened[q].pool, np.argpartition(-meaning[row], k - 1)[:k])
                screened[q] = Candidates(pool, cosines[q, pool], coverage[q, pool].toarray().ravel(),
                                         meaning[row, pool], sentence[row, pool])  # fmt: skip
            found.extend(screened)
        return found

    def _meaning_scores(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(texts x claims) e5 similarity of each text, and of its best sentence (the text
        itself when it has one sentence): a claim is often one sentence of a longer post."""
        whole = self.meaning_encoder.encode(texts) @ self.meanings.T
        best = whole.copy()
        pieces = [split_sentences(t) for t in texts]
        owners = [i for i, p in enumerate(pieces) if len(p) > 1 for _ in p]
        if owners:
            flat = [s for p in pieces if len(p) > 1 for s in p]
            per_sentence = self.meaning_encoder.encode(flat) @ self.meanings.T
            np.maximum.at(best, np.asarray(owners), per_sentence)
        return whole, best

    def search(self, texts: list[str], config: ClaimMatchConfig) -> list[list[tuple]]:
        """Per text, up to ``per_item`` (claim index, probability, cosine, coverage,
        meaning) with probability >= ``suggest``, best first."""
        results = []
        for found in self.candidates(texts, config):
            probability = found.probability
            order = np.lexsort((found.pool, -probability))[: config.per_item]
            floor = max(config.suggest, float(probability[order[0]]) - config.runner_up_gap)
            meaning = (
                found.meaning if found.meaning is not None else np.full(len(found.pool), np.nan)
            )
            results.append([
                (int(found.pool[i]), float(probability[i]), float(found.cosine[i]),
                 float(found.coverage[i]), float(meaning[i]))
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
        ("cosine", pa.float64()),  # USE
        ("coverage", pa.float64()),
        ("meaning", pa.float64()),  # e5 similarity (pass 3)
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
    log.info("Claims: %d of %d texts pass the first pass", len(kept), len(items))
    found = index.search([text for *_, text in kept], config)
    rows = []
    ids = index.claims.column("claim_id").to_pylist()
    for (kind, key, article, text), matches in zip(kept, found, strict=True):
        for claim, score, cosine, cov, meaning in matches:
            rows.append({"kind": kind, "text_key": key, "article_id": article, "evidence": text,
                         "claim_id": ids[claim], "score": round(score, 4),
                         "cosine": round(cosine, 4), "coverage": round(cov, 4),
                         "meaning": None if np.isnan(meaning) else round(meaning, 4),
                         "status": "match" if score >= config.confirm else "suggested"})  # fmt: skip
    store_arrow(con, "claim_catalogue", _with_vectors(index))
    store_arrow(con, "claim_sentence_matches", pa.Table.from_pylist(rows, schema=MATCH_SCHEMA))
    con.execute(_BEST_PER_ITEM)
    return con.execute(
        "SELECT count(DISTINCT coalesce(text_key::VARCHAR, article_id)) FROM claim_matches"
    ).fetchall()[0][0]


# How the stored claim vectors were made: a workspace whose vectors were made otherwise
# (by an older infoops) has them encoded again.
VECTORS_RECIPE = (
    "use: text + text with keywords; e5: text as query and passage + text with keywords"
)
_VECTOR_COLUMNS = ["vector", "meaning", "vectors_recipe"]


def _with_vectors(index: ClaimIndex) -> pa.Table:
    """The index's claims with their USE and e5 vectors and the recipe that made them."""
    catalogue = index.claims
    vectors = {"vector": (index.vectors, DIMENSIONS), "meaning": (index.meanings, E5_DIMENSIONS)}
    for name, (values, width) in vectors.items():
        flat = pa.array(values.astype(np.float32).ravel())
        catalogue = catalogue.append_column(name, pa.FixedSizeListArray.from_arrays(flat, width))
    recipe = pa.array([VECTORS_RECIPE] * catalogue.num_rows, pa.string())
    return catalogue.append_column("vectors_recipe", recipe)


def _cached_index(con: duckdb.DuckDBPyConnection, claims: pa.Table) -> ClaimIndex:
    """An index whose claim vectors come from the workspace's last run when the claims and
    the recipe are the same (USE takes two minutes for 11,000 claims, e5 a minute per
    1,000)."""
    stored = _stored_catalogue(con, claims)
    meaning_encoder = CachedEncoder(shared_translation_encoder(), con)
    if stored is None:
        return ClaimIndex(claims, meaning_encoder=meaning_encoder)
    vectors, meanings = (
        stored.column(name).combine_chunks().flatten().to_numpy().astype(np.float32)
        for name in ("vector", "meaning")
    )
    return ClaimIndex(claims, vectors=vectors.reshape(-1, DIMENSIONS), meaning_encoder=meaning_encoder,
                      meanings=meanings.reshape(-1, E5_DIMENSIONS))  # fmt: skip


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
    same = stored.drop_columns(_VECTOR_COLUMNS).cast(CATALOGUE_SCHEMA).equals(claims)
    return stored if same else None


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
