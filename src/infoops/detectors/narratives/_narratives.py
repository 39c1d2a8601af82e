"""Narratives: groups of posts and articles that tell the same story, in any language.

Each distinct text becomes a multilingual vector (``StaticEmbedder``: word
vectors of the sentence encoder, so a story told in Russian and in English lands
in one place). Spherical k-means on a fixed sample cuts the texts into many small
topics ("micro-clusters"); a graph links each micro-cluster to its nearest
neighbours above a cosine floor, and Leiden communities of that graph are the
narratives: a graph clustering that finds as many narratives as the data has,
rather than a number fixed in advance. Texts far from their micro-cluster's
centre, and narratives with too few posts or accounts, are left out as noise.

Every narrative is labelled with its most distinctive terms (class-based TF-IDF)
and its most central texts, and measured: cohesion (mean cosine of its texts to
its centre) and NPMI coherence of its key terms. Fixed seeds and ordered inputs
make the result the same on every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import scipy.sparse as sp

from ...text._embed import SentenceEncoder
from ...text._progress import Progress, no_progress, steps
from ...text._static_embed import StaticEmbedder, words
from ...text._stopwords import label_stopwords
from ...workspace._tables import store_arrow


@dataclass(frozen=True)
class NarrativeConfig:
    """Options of narrative clustering."""

    min_words: int = 4  # shorter texts carry no story
    micro_clusters: int = 0  # 0: chosen from the data (1.5 x the square root of the texts)
    sample: int = 100_000  # distinct texts the micro-clusters are learnt from
    neighbours: int = 8  # micro-cluster graph: links to the nearest ones...
    link_similarity: float = 0.7  # ...whose centres are at least this close
    resolution: float = 1.0  # Leiden: higher gives more, smaller narratives
    member_similarity: float = 0.4  # a text this far from its topic's centre is noise
    min_posts: int = 30  # smaller narratives are noise
    min_accounts: int = 3
    key_terms: int = 8
    examples: int = 3
    seed: int = 42


# The parts of the step, reported as they start (the word vectors also count their words).
PARTS = ("reading texts", "word vectors", "topics", "narratives", "labels")


def find_narratives(
    con: duckdb.DuckDBPyConnection,
    config: NarrativeConfig | None = None,
    encoder: SentenceEncoder | None = None,
    on_progress: Progress = no_progress,
) -> int:
    """Create ``text_narratives`` (text_key, narrative, similarity) for posts,
    ``article_narratives`` (article_id, narrative, similarity) and ``narrative_terms``
    (narrative, key terms, examples, cohesion, coherence); return the narrative count.
    ``on_progress`` hears each of ``PARTS`` start and the words encoded."""
    config = config or NarrativeConfig()
    start = steps(on_progress, PARTS)
    start("reading texts")
    keys, texts, kinds = _texts(con, config)
    tokens = [words(t) for t in texts]
    start("word vectors")
    embedder = StaticEmbedder(encoder).fit(tokens, min_count=3, on_progress=on_progress)
    vectors = embedder.transform(tokens)
    if int((np.linalg.norm(vectors, axis=1) > 0).sum()) < config.min_posts:
        _store_members(con, [], [], np.zeros(0, np.int64), np.zeros(0))
        store_arrow(con, "narrative_terms", _empty_terms())
        return 0  # too few texts with known words to tell stories apart
    start("topics")
    vectors, topic, similarity, centres = _micro_clusters(vectors, config)
    start("narratives")
    narrative_of_topic = _link_topics(centres, config)
    narrative = np.where(similarity >= config.member_similarity, narrative_of_topic[topic], -1)
    is_post = np.asarray(kinds) == "post"
    members = pa.table({
        "text_key": pa.array([k if p else None for k, p in zip(keys, is_post, strict=True)],
                             pa.uint64()),
        "narrative": narrative.astype(np.int64),
    })  # fmt: skip
    store_arrow(con, "narrative_members_raw", members, temporary=True)
    renumbered = _keep_and_number(con, config)
    narrative = np.array([renumbered.get(int(n), -1) for n in narrative], dtype=np.int64)
    _store_members(con, keys, kinds, narrative, similarity)
    start("labels")
    store_arrow(con, "narrative_terms", _describe(texts, tokens, vectors, narrative, config))
    return len(set(renumbered.values()))


def _texts(con: duckdb.DuckDBPyConnection, config: NarrativeConfig):
    """Distinct post texts (by text_key) and article texts, in a fixed order."""
    posts = con.execute(
        """SELECT text_key, any_value(text ORDER BY rowid), 'post' FROM posts
           WHERE text_key IS NOT NULL GROUP BY text_key ORDER BY text_key"""
    ).fetchall()
    articles = con.execute(
        """SELECT article_id, concat_ws('. ', title, left(text, 2000)), 'article' FROM articles
           ORDER BY article_id"""
    ).fetchall()
    rows = posts + articles
    rows = [r for r in rows if len(words(r[1])) >= config.min_words]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def _micro_clusters(vectors: np.ndarray, config: NarrativeConfig):
    """Spherical k-means in a 96-dimension PCA space learnt on an evenly spaced sample
    (five times faster than the full 512, with three quarters of the variance kept);
    returns each text's reduced unit vector, topic, cosine to the topic's centre, and
    the centres."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA

    usable = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0)
    k = config.micro_clusters or int(np.clip(1.5 * np.sqrt(len(usable)), 2, 2000))
    k = max(1, min(k, len(usable)))
    sample = vectors[usable[:: max(1, len(usable) // config.sample)]]
    pca = PCA(min(96, *sample.shape), svd_solver="randomized", random_state=config.seed)
    reduced = _unit(pca.fit(sample).transform(vectors).astype(np.float32))
    reduced[np.linalg.norm(vectors, axis=1) == 0] = 0
    model = KMeans(n_clusters=k, init="random", n_init=1, max_iter=50, random_state=config.seed)
    centres = _unit(model.fit(reduced[usable[:: max(1, len(usable) // config.sample)]])
                    .cluster_centers_.astype(np.float32))  # fmt: skip
    topic = np.zeros(len(vectors), dtype=np.int64)
    similarity = np.zeros(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), 65_536):
        scores = reduced[start : start + 65_536] @ centres.T
        topic[start : start + 65_536] = scores.argmax(axis=1)
        similarity[start : start + 65_536] = scores.max(axis=1)
    return reduced, topic, similarity, centres


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def _link_topics(centres: np.ndarray, config: NarrativeConfig) -> np.ndarray:
    """Leiden communities of the micro-cluster graph: the narrative of each micro-cluster."""
    scores = centres @ centres.T
    np.fill_diagonal(scores, -1)
    links: dict[tuple[int, int], float] = {}
    neighbours = min(config.neighbours, len(centres) - 1)
    for a in range(len(centres)):
        for b in np.argsort(-scores[a], kind="stable")[:neighbours]:
            if scores[a, b] >= config.link_similarity:
                links[(min(a, int(b)), max(a, int(b)))] = float(scores[a, b])
    import igraph  # here, not at the top: it loads matplotlib, slowing every start-up

    graph = igraph.Graph(n=len(centres), edges=sorted(links),
                         edge_attrs={"weight": [links[e] for e in sorted(links)]})  # fmt: skip
    state = random.getstate()
    random.seed(config.seed)
    try:
        partition = graph.community_leiden(objective_function="modularity", weights="weight",
                                           resolution=config.resolution, n_iterations=-1)  # fmt: skip
    finally:
        random.setstate(state)
    return np.asarray(partition.membership, dtype=np.int64)


def _keep_and_number(con: duckdb.DuckDBPyConnection, config: NarrativeConfig) -> dict[int, int]:
    """Narratives with enough posts and accounts, numbered 1.. by posts (ties by first key)."""
    kept = con.execute(
        """WITH posts_of AS (
               SELECT m.narrative, count(*) AS posts, count(DISTINCT p.account_id) AS accounts,
                      min(m.text_key) AS first_key
               FROM narrative_members_raw m JOIN posts p USING (text_key)
               WHERE m.narrative >= 0 GROUP BY m.narrative)
           SELECT narrative FROM posts_of WHERE posts >= ? AND accounts >= ?
           ORDER BY posts DESC, first_key""",
        [config.min_posts, config.min_accounts],
    ).fetchall()
    con.execute("DROP TABLE narrative_members_raw")
    return {narrative: number for number, (narrative,) in enumerate(kept, 1)}


def _store_members(con, keys, kinds, narrative, similarity) -> None:
    kinds_array = np.asarray(kinds)
    for kind, table, key_name in (("post", "text_narratives", "text_key"),
                                  ("article", "article_narratives", "article_id")):  # fmt: skip
        chosen = np.flatnonzero((kinds_array == kind) & (narrative > 0))
        store_arrow(con, table, pa.table({
            key_name: pa.array([keys[i] for i in chosen],
                               pa.uint64() if kind == "post" else pa.string()),
            "narrative": pa.array(narrative[chosen], pa.int64()),
            "similarity": pa.array(np.round(similarity[chosen], 4), pa.float64()),
        }))  # fmt: skip


def _describe(texts, tokens, vectors, narrative, config: NarrativeConfig) -> pa.Table:
    """Key terms (class-based TF-IDF), central examples, cohesion and NPMI per narrative."""
    stop = label_stopwords()
    kept = sorted({t for document in tokens for t in document if len(t) > 2 and t not in stop})
    vocabulary = {term: i for i, term in enumerate(kept)}  # alphabetical: ties break by term
    rows, cols = [], []
    for i, document in enumerate(tokens):
        ids = {vocabulary[t] for t in document if t in vocabulary}
        cols.extend(ids)
        rows.extend([i] * len(ids))
    terms = np.array(kept, dtype=object)
    present = sp.csc_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                            shape=(len(tokens), len(vocabulary)))  # fmt: skip
    labels = sorted(int(n) for n in set(narrative.tolist()) if n > 0)
    if not labels:
        return _empty_terms()
    groups = sp.csr_matrix((np.ones(int((narrative > 0).sum()), np.float32),
                            (narrative[narrative > 0] - 1, np.flatnonzero(narrative > 0))),
                           shape=(len(labels), len(tokens)))  # fmt: skip
    per_class = np.asarray((groups @ present).todense())
    frequency = per_class.sum(axis=0)
    average = per_class.sum() / len(labels)
    ctfidf = (per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)) * np.log(
        1 + average / np.maximum(frequency, 1)
    )
    out = []
    for label in labels:
        members = np.flatnonzero(narrative == label)
        centre = vectors[members].mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-9)
        closeness = vectors[members] @ centre
        top = np.argsort(-ctfidf[label - 1], kind="stable")[: config.key_terms]
        central = members[np.lexsort((members, -closeness))[: config.examples]]
        out.append({
            "narrative": label,
            "key_terms": ", ".join(terms[top]),
            "examples": " | ".join(" ".join(texts[i].split())[:280] for i in central),
            "cohesion": round(float(closeness.mean()), 4),
            "npmi": round(_npmi(present, top), 4),
        })  # fmt: skip
    return pa.Table.from_pylist(out)


def _npmi(present: sp.csc_matrix, term_ids: np.ndarray) -> float:
    """Mean normalised pointwise mutual information of term pairs over all texts (terms of
    different languages rarely share a text, so a multilingual narrative scores lower)."""
    columns = present[:, term_ids]
    n = present.shape[0]
    counts = np.asarray(columns.sum(axis=0)).ravel()
    both = np.asarray((columns.T @ columns).todense())
    scores = []
    for a in range(len(term_ids)):
        for b in range(a + 1, len(term_ids)):
            if both[a, b] == 0:
                scores.append(-1.0)
                continue
            p_ab = both[a, b] / n
            if p_ab >= 1:
                scores.append(1.0)
                continue
            pmi = np.log(p_ab / (counts[a] / n * counts[b] / n))
            scores.append(float(pmi / -np.log(p_ab)))
    return float(np.mean(scores)) if scores else 0.0


def _empty_terms() -> pa.Table:
    return pa.table({"narrative": pa.array([], pa.int64()), "key_terms": pa.array([], pa.string()),
                     "examples": pa.array([], pa.string()), "cohesion": pa.array([], pa.float64()),
                     "npmi": pa.array([], pa.float64())})  # fmt: skip
