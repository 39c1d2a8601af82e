"""What a narrative is about, in words: a short label, key terms, their NPMI coherence.

Key terms start from class-based TF-IDF (terms frequent in the narrative and rare
elsewhere), but the ten most distinctive terms of a narrative are often names and
one-off tags that never meet in one text, which reads as a bag of words. So terms
are picked one at a time: each next term is distinctive and also co-occurs with the
terms already picked (NPMI over the texts of the narrative's main language: terms of
different languages never share a text), and a term another narrative already uses
counts less, so the list says what sets this narrative apart. The label is the
phrase (two adjacent words) or hashtag most over-represented in the narrative.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import scipy.sparse as sp

from ...text._stopwords import label_stopwords

_HASHTAG = re.compile(r"#(\w{3,})")
CANDIDATES = 40  # distinctive terms considered for the key terms of a narrative
REUSED = 0.5  # cost of a term another narrative already has among its key terms
DISTINCT = 0.5  # weight of distinctiveness against coherence when picking the next term


def vocabulary_matrix(tokens: list[list[str]]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Binary text-by-term matrix over words long enough to mean something and not
    stopwords; terms in alphabetical order, so ties break by the term."""
    stop = label_stopwords()
    kept = sorted({t for document in tokens for t in document if len(t) > 2 and t not in stop})
    vocabulary = {term: i for i, term in enumerate(kept)}
    rows, cols = [], []
    for i, document in enumerate(tokens):
        ids = {vocabulary[t] for t in document if t in vocabulary}
        cols.extend(ids)
        rows.extend([i] * len(ids))
    present = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                            shape=(len(tokens), len(vocabulary)))  # fmt: skip
    return present, np.array(kept, dtype=object)


def class_tfidf(present: sp.csr_matrix, narrative: np.ndarray, count: int) -> np.ndarray:
    """(narratives, terms) class-based TF-IDF of narratives 1..count (BERTopic's weighting)."""
    inside = np.flatnonzero(narrative > 0)
    groups = sp.csr_matrix((np.ones(len(inside), np.float32), (narrative[inside] - 1, inside)),
                           shape=(count, present.shape[0]))  # fmt: skip
    per_class = np.asarray((groups @ present).todense())
    average = per_class.sum() / max(count, 1)
    idf = np.log(1 + average / np.maximum(per_class.sum(axis=0), 1))
    return per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1) * idf


def topic_profiles(present: sp.csr_matrix, topic: np.ndarray, count: int, top: int = 20):
    """(topics, terms) unit rows of each topic's ``top`` most distinctive terms (class-based
    TF-IDF), sparse: what a topic's texts say in words, to compare topics by."""
    groups = sp.csr_matrix((np.ones(len(topic), np.float32), (topic, np.arange(len(topic)))),
                           shape=(count, present.shape[0]))  # fmt: skip
    per_class = (groups @ present).tocsr()
    idf = np.log(1 + per_class.sum() / max(count, 1) / np.maximum(per_class.sum(axis=0).A1, 1))
    weighted = sp.diags(1 / np.maximum(per_class.sum(axis=1).A1, 1)) @ per_class @ sp.diags(idf)
    weighted = weighted.tocsr()
    rows, cols, values = [], [], []
    for t in range(count):
        start, end = weighted.indptr[t], weighted.indptr[t + 1]
        row = weighted.data[start:end]
        best = np.argsort(-row, kind="stable")[:top]
        norm = max(float(np.linalg.norm(row[best])), 1e-12)
        rows.extend([t] * len(best))
        cols.extend(weighted.indices[start:end][best])
        values.extend(row[best] / norm)
    return sp.csr_matrix((values, (rows, cols)), shape=(count, present.shape[1]))


def pair_npmi(corpus: sp.csc_matrix, term_ids: np.ndarray) -> np.ndarray:
    """NPMI of every pair of ``term_ids`` over the texts of ``corpus`` (-1: never together)."""
    columns = corpus[:, term_ids]
    n = max(corpus.shape[0], 1)
    counts = np.asarray(columns.sum(axis=0)).ravel() / n
    both = np.asarray((columns.T @ columns).todense()) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.log(both / np.outer(counts, counts)) / -np.log(both)
    scores[both == 0] = -1.0
    scores[both >= 1] = 1.0
    return scores


def mean_npmi(corpus: sp.csc_matrix, term_ids: np.ndarray) -> float:
    """Mean NPMI of the distinct pairs of ``term_ids``: the usual topic-coherence score."""
    if len(term_ids) < 2:
        return 0.0
    scores = pair_npmi(corpus, term_ids)
    return float(scores[np.triu_indices(len(term_ids), 1)].mean())


def key_terms(distinct: np.ndarray, corpus: sp.csc_matrix, used: Counter, count: int):
    """Ids of ``count`` terms, each distinctive and co-occurring with those before it."""
    candidates = np.argsort(-distinct, kind="stable")[:CANDIDATES]
    candidates = candidates[distinct[candidates] > 0]
    if not len(candidates):
        return candidates
    coherence = pair_npmi(corpus, candidates)
    weight = distinct[candidates] / distinct[candidates[0]]
    reused = np.array([used[int(c)] > 0 for c in candidates], dtype=np.float64)
    chosen = [0]
    while len(chosen) < min(count, len(candidates)):
        gain = coherence[:, chosen].mean(axis=1) + DISTINCT * weight - REUSED * reused
        gain[chosen] = -np.inf
        chosen.append(int(np.argmax(gain)))
    return candidates[chosen]


class Phrases:
    """Counts of two-word phrases and hashtags over a sample of all texts: the baseline a
    narrative's phrases are compared with."""

    def __init__(self, texts: list[str], tokens: list[list[str]], sample: int = 200_000):
        step = max(1, len(texts) // sample)
        self.stop = label_stopwords()
        self.total = len(range(0, len(texts), step))
        self.counts: Counter = Counter()
        for i in range(0, len(texts), step):
            self.counts.update(self.of(texts[i], tokens[i]))

    def of(self, text: str, tokens: list[str]) -> set[str]:
        tags = {"#" + t.lower() for t in _HASHTAG.findall(text)}
        pairs = {f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)
                 if len(a) > 2 and len(b) > 2 and a not in self.stop and b not in self.stop}  # fmt: skip
        return tags | pairs

    def label(self, texts: list[str], tokens: list[list[str]], terms: list[str],
              taken: set[str]) -> str:  # fmt: skip
        """The phrase or hashtag most over-represented in these texts (a log-odds weighted by
        how often it occurs in them) that holds one of the narrative's first three key
        ``terms`` (a nonsense tag a few accounts stamp on everything is frequent, but not
        what the narrative is about) and is not ``taken`` by another narrative; the first
        two terms if none is in 3% of them."""
        inside: Counter = Counter()
        for text, document in zip(texts, tokens, strict=True):
            inside.update(self.of(text, document))
        n = max(len(texts), 1)
        best, best_score = ", ".join(terms[:2]), 0.0
        wanted = set(terms[:3])
        for phrase, k in sorted(inside.items()):
            share = k / n
            if share < 0.03 or phrase in taken or not wanted & set(phrase.strip("#").split()):
                continue
            score = share * np.log(share / ((self.counts[phrase] + 1) / (self.total + 1)))
            if score > best_score:
                best, best_score = phrase, score
        return best
