"""A catalogue of claims ready for search: lexical and semantic features of every
(text, candidate claim) pair, in blocks of texts, so a million posts fit in memory.

Candidates of a text are its nearest claims by BM25 and by the Universal Sentence
Encoder (USE). Each candidate gets the features ``FEATURES`` names; ``_ranker``
turns them into a probability that the text states the claim.

BM25 is computed here as one sparse product (texts x terms by terms x claims)
rather than through a retrieval library: features need every candidate's score and
its rank among all claims, for thousands of texts at once, which a per-query
top-k API gives only one query at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import scipy.sparse as sp
from bm25s.stopwords import STOPWORDS_EN

from ...text._embed import SentenceEncoder, shared_encoder
from ...text._progress import Progress, no_progress
from ...text._static_embed import StaticEmbedder, words
from ._catalogue import bundled_claims, bundled_screen_vectors, sentences

_STOP = frozenset(STOPWORDS_EN)
_LINKS = re.compile(r"https?://\S+|www\.\S+|pic\.twitter\.com/\S+|@\w+")
# Names and figures: capitalised words (not the first of a sentence) and numbers.
_NAMES = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'’-]+|\b\d[\d,.]*\b")
_RANK_CAP = 100  # ranks beyond this count as this

FEATURES = (
    "use_cosine",  # USE cosine of the text and the claim
    "use_gap",  # that cosine minus the text's best
    "use_rank",  # log(1 + rank) of the claim among all by USE
    "bm25",  # log(1 + BM25 score) against the claim, its context and keywords
    "bm25_relative",  # that score over the text's best
    "bm25_rank",  # log(1 + rank) by that score
    "bm25_claim_relative",  # BM25 against the claim sentence alone, over the text's best
    "coverage",  # share of the claim's IDF-weighted terms present in the text
    "text_coverage",  # share of the text's IDF-weighted terms present in the claim
    "names",  # Jaccard overlap of names and numbers
    "text_terms",  # log(1 + number of content terms in the text)
    "dated",  # 1 when the text and the claim both have a date
    "date_gap",  # log(1 + days between them), minus the smallest among the text's candidates
)


@cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def terms(text: str | None) -> list[str]:
    """Stemmed English content words (other languages pass through the stemmer unchanged)."""
    return _stemmer().stemWords([w for w in words(text) if w not in _STOP and len(w) > 1])


def clean(text: str) -> str:
    """The text an encoder sees: no links or mentions, hashtags as words."""
    return " ".join(_LINKS.sub(" ", text).replace("#", " ").split())


def names(text: str | None) -> frozenset[str]:
    return frozenset(n.lower().rstrip(".,") for n in _NAMES.findall(text or ""))


def described(claims: pa.Table) -> tuple[list[str], list[str]]:
    """Each claim's text, and its text followed by its context (a fact-check's headline
    and summary) and keywords, which name the subjects a post may mention instead of
    the claim's words."""
    texts = claims.column("claim").to_pylist()
    contexts = claims.column("context").to_pylist()
    keywords = claims.column("keywords").to_pylist()
    full = [
        sentences([text, context, kw.replace("+", ", ") if kw else None])
        for text, context, kw in zip(texts, contexts, keywords, strict=True)
    ]
    return texts, full


def screen_vectors(claims: pa.Table, encoder: SentenceEncoder) -> np.ndarray:
    """Each claim's USE vector: its text and its described text, averaged (on the
    hand-written queries, MAP@5 +0.015 over the text alone, in both halves)."""
    texts, full = described(claims)
    mean = encoder.encode(texts) + encoder.encode(full)
    return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-9)


@dataclass(frozen=True)
class Pairs:
    """Candidate (text, claim) pairs of a block of texts and their features."""

    text: np.ndarray  # row of the text in the block
    claim: np.ndarray  # catalogue row of the claim
    features: np.ndarray  # (pairs, len(FEATURES)) float32


class _Vocabulary:
    """Term ids shared by the catalogue's BM25 matrices and the texts' term matrices."""

    def __init__(self, documents: list[list[str]]) -> None:
        self.ids: dict[str, int] = {}
        for document in documents:
            for term in document:
                self.ids.setdefault(term, len(self.ids))

    def matrix(self, documents: list[list[str]], counts: bool = False) -> sp.csr_matrix:
        """(documents x terms): term counts, or presence; unknown terms are dropped."""
        rows, cols = [], []
        for row, document in enumerate(documents):
            ids = [self.ids[t] for t in document if t in self.ids]
            cols.extend(ids if counts else sorted(set(ids)))
            rows.extend([row] * (len(ids) if counts else len(set(ids))))
        data = np.ones(len(cols), dtype=np.float32)
        shape = (len(documents), len(self.ids))
        matrix = sp.csr_matrix((data, (rows, cols)), shape=shape)
        matrix.sum_duplicates()
        return matrix


def _bm25(counts: sp.csr_matrix, k1: float = 1.5, b: float = 0.75) -> sp.csc_matrix:
    """(terms x documents) BM25 weights of each term in each document (Lucene's IDF)."""
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    norm = k1 * (1 - b + b * lengths / max(lengths.mean(), 1e-9))
    coo = counts.tocoo()
    tf = coo.data
    weight = tf * (k1 + 1) / (tf + norm[coo.row])
    df = np.bincount(coo.col, minlength=counts.shape[1])
    idf = np.log(1 + (counts.shape[0] - df + 0.5) / (df + 0.5))
    weights = sp.csr_matrix((weight * idf[coo.col], (coo.row, coo.col)), shape=counts.shape)
    return weights.T.tocsr().astype(np.float32)


class ClaimIndex:
    """A catalogue ready for search: BM25 weights, term weights and USE vectors of its
    claims; the USE vectors of the bundled catalogue ship with the package."""

    def __init__(
        self,
        claims: pa.Table,
        encoder: SentenceEncoder | None = None,
        vectors: np.ndarray | None = None,
    ) -> None:
        self.claims = claims
        self.encoder = encoder or shared_encoder()
        texts, full = described(claims)
        claim_terms = [terms(t) for t in texts]
        full_terms = [terms(t) for t in full]
        self.vocabulary = _Vocabulary(full_terms)
        full_counts = self.vocabulary.matrix(full_terms, counts=True)
        self._bm25_full = _bm25(full_counts)
        self._bm25_claim = _bm25(self.vocabulary.matrix(claim_terms, counts=True))
        df = np.asarray((full_counts > 0).sum(axis=0)).ravel()
        self._idf = np.log((len(full_terms) + 1) / (df + 0.5)).astype(np.float32)
        self._coverage = self._claim_term_weights(claim_terms)
        self._present = (full_counts > 0).T.tocsr().astype(np.float32)  # terms x claims
        self._names = [names(t) for t in full]
        self._claim_words = [words(t) for t in texts]
        self._dates = _days(claims.column("date").to_pylist())
        self.has_context = np.array([bool(c) for c in claims.column("context").to_pylist()], bool)
        self.vectors = self._screen() if vectors is None else vectors

    def __len__(self) -> int:
        return self.claims.num_rows

    def _screen(self) -> np.ndarray:
        """USE vectors: shipped for the bundled catalogue, encoded for claims added to it."""
        return self._shipped_then_encoded(
            bundled_screen_vectors, lambda claims: screen_vectors(claims, self.encoder)
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

    def _claim_term_weights(self, claim_terms: list[list[str]]) -> sp.csr_matrix:
        """(terms x claims): each claim's IDF weights, summing to 1 per claim."""
        present = self.vocabulary.matrix(claim_terms).T.tocsr()
        weighted = sp.diags(self._idf) @ present
        totals = np.asarray(weighted.sum(axis=0)).ravel()
        return (weighted @ sp.diags(1 / np.where(totals > 0, totals, 1))).tocsr()

    def coverage(self, texts: list[str]) -> sp.csr_matrix:
        """(texts x claims) share of each claim's term weight present in each text."""
        return (self.vocabulary.matrix([terms(t) for t in texts]) @ self._coverage).tocsr()

    def prefilter(self, texts: list[str], similarity: float, coverage: float,
                  block: int = 4096, on_progress: Progress = no_progress) -> np.ndarray:  # fmt: skip
        """Which ``texts`` may state a catalogue claim: a cheap gate (static word-vector
        cosine or claim-term coverage) before the sentence encoder runs."""
        tokens = [words(t) for t in texts]
        static = StaticEmbedder(self.encoder).fit(self._claim_words + tokens,
                                                  on_progress=on_progress)  # fmt: skip
        claim_vectors = static.transform(self._claim_words)
        keep = np.zeros(len(texts), dtype=bool)
        for start in range(0, len(texts), block):
            part = slice(start, start + block)
            best_cosine = (static.transform(tokens[part]) @ claim_vectors.T).max(axis=1)
            best_coverage = self.coverage(texts[part]).max(axis=1).toarray().ravel()
            keep[part] = (best_cosine >= similarity) | (best_coverage >= coverage)
        return keep

    def pairs(
        self,
        texts: list[str],
        dates: np.ndarray | None = None,
        candidates: int = 30,
        exclude: list[list[int]] | None = None,
    ) -> Pairs:
        """Candidate pairs of ``texts`` (one block: all scores are held as dense arrays)
        with their features: each text's top ``candidates`` claims by BM25 and by USE.
        ``dates`` (datetime64[D], NaT where unknown) are when each text was posted;
        ``exclude`` lists per text claims to act as if absent from the catalogue (to
        learn what a text whose claim is not catalogued looks like)."""
        n, size = len(texts), len(self)
        if n == 0 or size == 0:
            return Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64),
                         np.zeros((0, len(FEATURES)), np.float32))  # fmt: skip
        text_terms = [terms(t) for t in texts]
        present = self.vocabulary.matrix(text_terms)
        bm25 = (present @ self._bm25_full).toarray()
        bm25_claim = (present @ self._bm25_claim).toarray()
        cosine = self.encoder.encode([clean(t) for t in texts]) @ self.vectors.T
        coverage = (present @ self._coverage).toarray()
        if exclude:
            rows_out = np.repeat(np.arange(n), [len(e) for e in exclude])
            cols_out = np.concatenate([np.asarray(e, dtype=np.int64) for e in exclude])
            for matrix in (bm25, bm25_claim, cosine):  # below any real score
                matrix[rows_out, cols_out] = -2.0
        weighted = present @ sp.diags(self._idf)
        shared = (weighted @ self._present).toarray()
        text_weight = np.asarray(weighted.sum(axis=1)).ravel()
        k = min(candidates, size)
        # Each row's best claims by each score, sorted once: the first k are the
        # candidates, the first _RANK_CAP give the rank features.
        by_cosine = _best_first(cosine, min(max(_RANK_CAP, k), size))
        by_bm25 = _best_first(bm25, min(max(_RANK_CAP, k), size))
        pool = np.concatenate([by_cosine[:, :k], by_bm25[:, :k]], axis=1)
        rows = np.repeat(np.arange(n), pool.shape[1])
        flat = pool.ravel()
        unique = np.unique(rows * size + flat)
        if exclude:
            unique = np.setdiff1d(unique, rows_out * size + cols_out)
        rows, cols = unique // size, unique % size
        best_cos = cosine.max(axis=1)
        best_bm25 = bm25.max(axis=1)
        best_claim = bm25_claim.max(axis=1)
        text_names = [names(t) for t in texts]
        features = np.column_stack([
            cosine[rows, cols],
            cosine[rows, cols] - best_cos[rows],
            np.log1p(_ranks(cosine.shape, by_cosine, rows, cols)),
            np.log1p(bm25[rows, cols]),
            _ratio(bm25[rows, cols], best_bm25[rows]),
            np.log1p(_ranks(bm25.shape, by_bm25, rows, cols)),
            _ratio(bm25_claim[rows, cols], best_claim[rows]),
            coverage[rows, cols],
            _ratio(shared[rows, cols], text_weight[rows]),
            [_jaccard(text_names[r], self._names[c]) for r, c in zip(rows, cols, strict=True)],
            np.log1p([len(text_terms[r]) for r in rows]),
            *self._date_features(dates, rows, cols, n),
        ]).astype(np.float32)  # fmt: skip
        return Pairs(rows, cols, features)

    def _date_features(
        self, dates: np.ndarray | None, rows: np.ndarray, cols: np.ndarray, n: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Whether both dates are known, and how much farther apart they are than the
        text's closest-dated candidate: fact-checks follow the posts they check, so among
        similar claims the one recorded nearest the post is likelier its claim. Relative
        to the closest, so an old catalogue does not lower every new post's probability."""
        if dates is None:
            return np.zeros(len(rows)), np.zeros(len(rows))
        posted = np.asarray(dates, dtype="datetime64[D]")[rows]
        days = (self._dates[cols] - posted) / np.timedelta64(1, "D")  # NaT gives NaN
        dated = ~np.isnan(days)
        gap = np.where(dated, np.log1p(np.abs(np.nan_to_num(days))), 0.0)
        closest = np.full(n, np.inf)
        np.minimum.at(closest, rows[dated], gap[dated])
        return dated.astype(float), np.where(dated, gap - closest[rows], 0.0)


def _days(values: list[str | None]) -> np.ndarray:
    """ISO dates as datetime64[D]; NaT where missing or unreadable."""
    days = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    for i, value in enumerate(values):
        try:
            days[i] = np.datetime64(value[:10], "D") if value else days[i]
        except ValueError:
            continue
    return days


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of each row's ``k`` highest scores (ties by lower index)."""
    if k >= scores.shape[1]:
        return np.tile(np.arange(scores.shape[1]), (scores.shape[0], 1))
    return np.argpartition(-scores, k - 1, axis=1)[:, :k]


def _best_first(scores: np.ndarray, count: int) -> np.ndarray:
    """Column indices of each row's ``count`` highest scores, best first."""
    top = _top(scores, count)
    return np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, 1), 1,
                                              kind="stable"), 1)  # fmt: skip


def _ranks(shape: tuple[int, int], order: np.ndarray, rows: np.ndarray,
           cols: np.ndarray) -> np.ndarray:  # fmt: skip
    """Rank (0 = best) of each (row, col) among its row, from each row's best-first
    ``order``, capped at ``_RANK_CAP``."""
    cap = min(_RANK_CAP, order.shape[1])
    rank = np.full(shape, cap, dtype=np.float32)
    np.put_along_axis(rank, order[:, :cap], np.arange(cap, dtype=np.float32)[None, :], 1)
    return rank[rows, cols]


def _ratio(values: np.ndarray, best: np.ndarray) -> np.ndarray:
    return np.where(best > 0, values / np.where(best > 0, best, 1), 0.0)


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
