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
from collections import Counter
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import scipy.sparse as sp

from ...text._embed import SentenceEncoder
from ...text._progress import Progress, no_progress, steps
from ...text._static_embed import StaticEmbedder, words
from ...workspace._tables import store_arrow
from ._labels import (
    Phrases,
    class_tfidf,
    key_terms,
    mean_npmi,
    topic_profiles,
    vocabulary_matrix,
)


@dataclass(frozen=True)
class NarrativeConfig:
    """Options of narrative clustering."""

    min_words: int = 4  # shorter texts carry no story
    words: int = 50_000  # vocabulary of the word vectors (most frequent first)
    micro_clusters: int = 0  # 0: chosen from the data (1.5 x the square root of the texts)
    sample: int = 100_000  # distinct texts the micro-clusters are learnt from
    neighbours: int = 8  # micro-cluster graph: links to the nearest ones...
    link_similarity: float = 0.5  # ...at least this alike (centres or distinctive words)
    resolution: float = 1.0  # Leiden: higher gives more, smaller narratives
    member_similarity: float = 0.4  # a text this far from its topic's centre is noise
    generic_cohesion: float = 0.6  # a topic whose texts sit further from its centre is chatter
    max_share: float = 0.05  # a larger narrative is split along its topics...
    split_above: int = 1000  # ...if it also has more texts than this (few stories are fine)
    min_posts: int = 30  # smaller narratives are noise
    min_accounts: int = 3
    key_terms: int = 10
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
    keys, texts, kinds, languages = _texts(con, config)
    tokens = [words(t) for t in texts]
    start("word vectors")
    embedder = StaticEmbedder(encoder).fit(
        tokens, max_words=config.words, min_count=3, on_progress=on_progress
    )
    vectors = embedder.transform(tokens)
    if int((np.linalg.norm(vectors, axis=1) > 0).sum()) < config.min_posts:
        _store_members(con, [], [], np.zeros(0, np.int64), np.zeros(0))
        store_arrow(con, "narrative_terms", _empty_terms())
        return 0  # too few texts with known words to tell stories apart
    start("topics")
    vectors, topic, similarity, centres = _micro_clusters(vectors, config)
    start("narratives")
    present, terms = vocabulary_matrix(tokens)
    related = _related_topics(centres, topic_profiles(present, topic, len(centres)))
    narrative_of_topic = _link_topics(related, _topic_weights(topic, similarity, config), config)
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
    described = _describe(texts, tokens, languages, vectors, narrative, (present, terms), config)
    store_arrow(con, "narrative_terms", described)
    return len(set(renumbered.values()))


def _texts(con: duckdb.DuckDBPyConnection, config: NarrativeConfig):
    """Distinct post texts (by text_key) and article texts, in a fixed order, with the
    language of each (its first post's)."""
    posts = con.execute(
        """SELECT text_key, any_value(text ORDER BY rowid), 'post',
                  coalesce(any_value(lang ORDER BY rowid), '') FROM posts
           WHERE text_key IS NOT NULL GROUP BY text_key ORDER BY text_key"""
    ).fetchall()
    articles = con.execute(
        """SELECT article_id, concat_ws('. ', title, left(text, 2000)), 'article',
                  coalesce(lang, '') FROM articles ORDER BY article_id"""
    ).fetchall()
    rows = posts + articles
    rows = [r for r in rows if len(words(r[1])) >= config.min_words]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]


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


def _topic_weights(topic: np.ndarray, similarity: np.ndarray, config: NarrativeConfig):
    """Texts per topic, or 0 for a topic of generic chatter: one whose texts lie on average
    far from its centre (everyday talk sits in the middle of the word-vector space, close to
    many topics and to none; left in, it gathers into one catch-all narrative)."""
    count = np.bincount(topic, minlength=int(topic.max()) + 1 if len(topic) else 0)
    cohesion = np.bincount(topic, weights=similarity, minlength=len(count)) / np.maximum(count, 1)
    return np.where(cohesion >= config.generic_cohesion, count, 0).astype(np.float64)


def _related_topics(centres: np.ndarray, profiles: sp.csr_matrix) -> np.ndarray:
    """How close two micro-clusters are: the cosine of their centres, or of their most
    distinctive words if higher. One story told in different words ("the Pentagon funds
    secret biolabs", "Ukraine hides secret biolabs") lies apart in word-vector space,
    which averages all words of a text, but shares its distinctive words."""
    return np.maximum(centres @ centres.T, (profiles @ profiles.T).toarray())


def _link_topics(related: np.ndarray, weights: np.ndarray, config: NarrativeConfig) -> np.ndarray:
    """The narrative of each micro-cluster (-1: chatter): Leiden communities of the graph of
    micro-clusters, and any community over ``max_share`` of the texts cut again at a higher
    resolution, so no narrative grows into a catch-all."""
    narrative = np.full(len(related), -1, dtype=np.int64)
    kept = np.flatnonzero(weights > 0)
    if not len(kept):
        return narrative
    narrative[kept] = _leiden(related[np.ix_(kept, kept)], config.link_similarity,
                              config.resolution, config)  # fmt: skip
    cap = max(config.max_share * weights.sum(), config.split_above)
    for depth in range(1, 7):
        sizes = np.bincount(narrative[kept], weights=weights[kept])
        too_big = [int(n) for n in np.flatnonzero(sizes > cap)]
        for big in too_big:
            inside = np.flatnonzero(narrative == big)
            parts = _leiden(related[np.ix_(inside, inside)], config.link_similarity + 0.05 * depth,
                            config.resolution * 2**depth, config)  # fmt: skip
            narrative[inside] = np.where(parts > 0, parts + narrative.max(), big)
        if not too_big:
            break
    return narrative


def _leiden(related: np.ndarray, floor: float, resolution: float, config: NarrativeConfig):
    """Leiden communities of micro-clusters linked to their nearest neighbours above ``floor``."""
    scores = related.copy()
    np.fill_diagonal(scores, -1)
    links: dict[tuple[int, int], float] = {}
    neighbours = min(config.neighbours, len(scores) - 1)
    for a in range(len(scores)):
        for b in np.argsort(-scores[a], kind="stable")[:neighbours]:
            if scores[a, b] >= floor:
                links[(min(a, int(b)), max(a, int(b)))] = float(scores[a, b])
    import igraph  # here, not at the top: it loads matplotlib, slowing every start-up

    graph = igraph.Graph(n=len(scores), edges=sorted(links),
                         edge_attrs={"weight": [links[e] for e in sorted(links)]})  # fmt: skip
    state = random.getstate()
    random.seed(config.seed)
    try:
        partition = graph.community_leiden(objective_function="modularity", weights="weight",
                                           resolution=resolution, n_iterations=-1)  # fmt: skip
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


def _describe(texts, tokens, languages, vectors, narrative, matrix, config) -> pa.Table:
    """Label, key terms, main language, central examples, cohesion and NPMI per narrative."""
    labels = sorted(int(n) for n in set(narrative.tolist()) if n > 0)
    if not labels:
        return _empty_terms()
    present, terms = matrix
    distinct = class_tfidf(present, narrative, len(labels))
    corpora = _language_corpora(present, languages)
    phrases = Phrases(texts, tokens)
    used: Counter = Counter()
    taken: set[str] = set()
    out = []
    for label in labels:
        members = np.flatnonzero(narrative == label)
        language = Counter(languages[i] for i in members).most_common(1)[0][0]
        top = key_terms(distinct[label - 1], corpora[language], used, config.key_terms)
        used.update(int(t) for t in top)
        centre = vectors[members].mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-9)
        closeness = vectors[members] @ centre
        central = members[np.lexsort((members, -closeness))[: config.examples]]
        shown = members[:: max(1, len(members) // 5000)]
        name = phrases.label([texts[i] for i in shown], [tokens[i] for i in shown],
                             list(terms[top]), taken)  # fmt: skip
        taken.add(name)
        out.append({
            "narrative": label,
            "label": name,
            "key_terms": ", ".join(terms[top]),
            "language": language or "unknown",
            "examples": " | ".join(" ".join(texts[i].split())[:280] for i in central),
            "cohesion": round(float(closeness.mean()), 4),
            "npmi": round(mean_npmi(corpora[language], top), 4),
        })  # fmt: skip
    return pa.Table.from_pylist(out)


def _language_corpora(present: sp.csr_matrix, languages: list[str]) -> dict[str, sp.csc_matrix]:
    """The text-by-term matrix of each language's texts: key terms are measured over texts
    of the narrative's own language, where its words can meet."""
    language = np.asarray(languages)
    return {lang: present[language == lang].tocsc() for lang in sorted(set(languages))}


def _empty_terms() -> pa.Table:
    return pa.table({"narrative": pa.array([], pa.int64()), "label": pa.array([], pa.string()),
                     "key_terms": pa.array([], pa.string()), "language": pa.array([], pa.string()),
                     "examples": pa.array([], pa.string()), "cohesion": pa.array([], pa.float64()),
                     "npmi": pa.array([], pa.float64())})  # fmt: skip
