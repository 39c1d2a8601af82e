"""infoops narratives against BERTopic on a 100k-tweet IRA sample, same machine, same run.

BERTopic (UMAP, HDBSCAN with its outlier class, class-based TF-IDF) is the standard
topic model; it is installed for this benchmark only, not a dependency of infoops:

    pip install --target /tmp/btlib --no-deps bertopic hdbscan umap-learn pynndescent \\
        numba llvmlite plotly narwhals
    PYTHONPATH=/tmp/btlib:src python benchmarks/compare_bertopic.py --workspace ira.duckdb

Both get the same texts (the distinct texts of 4+ words among 100,000 tweets drawn with
a fixed seed) and the same embedding: the shipped encoder's word vectors pooled by
``StaticEmbedder``, handed to BERTopic as its embedding model, so its time includes
embedding as infoops's does. Both are scored the same way: NPMI of each topic's top
10 terms over the texts of its main language, topic diversity, outlier share, seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import add_workspace_option, ira_workspace, machine, write_results  # noqa: E402,I001

from infoops import Workspace
from infoops.detectors.narratives import NarrativeConfig, find_narratives
from infoops.detectors.narratives._labels import mean_npmi, vocabulary_matrix
from infoops.detectors.narratives._narratives import _texts
from infoops.text._static_embed import StaticEmbedder, words
from infoops.text._stopwords import label_stopwords

SAMPLE = 100_000
SEED = 42


def sample_workspace(full: Workspace, folder: Path) -> Workspace:
    """A workspace with ``SAMPLE`` tweets of the archive drawn with a fixed seed."""
    path = folder / "sample.duckdb"
    Workspace(path).close()
    full.con.execute(f"ATTACH '{path}' AS s")
    full.con.execute(
        f"""INSERT INTO s.posts SELECT * FROM posts
            ORDER BY hash(post_id || ':{SEED}'), post_id LIMIT {SAMPLE}"""
    )
    full.con.execute("DETACH s")
    return Workspace(path)


def run_bertopic(texts: list[str]) -> tuple[np.ndarray, list[list[str]], float]:
    """Topic of each text (-1: outlier), top 10 terms per topic, seconds."""
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    class Static(BaseEmbedder):
        def embed(self, documents, verbose=False):
            tokens = [words(d) for d in documents]
            return StaticEmbedder().fit(tokens, max_words=50_000, min_count=3).transform(tokens)

    stop = label_stopwords()
    vectorizer = CountVectorizer(
        tokenizer=lambda t: [w for w in words(t) if len(w) > 2 and w not in stop],
        lowercase=False, token_pattern=None, min_df=2,
    )  # fmt: skip
    model = BERTopic(
        embedding_model=Static(),
        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                        random_state=SEED),
        hdbscan_model=HDBSCAN(min_cluster_size=30, metric="euclidean",
                              cluster_selection_method="eom", prediction_data=False),
        vectorizer_model=vectorizer, top_n_words=10,
    )  # fmt: skip
    started = time.perf_counter()
    topics, _ = model.fit_transform(texts)
    seconds = time.perf_counter() - started
    terms = [[w for w, _ in model.get_topic(t)][:10] for t in sorted(set(topics)) if t >= 0]
    return np.asarray(topics), terms, seconds


def scores(topic_terms: list[list[str]], topic_langs: list[str], tokens, langs) -> dict:
    """Mean NPMI per language (each topic over its language's texts), diversity."""
    present, vocabulary = vocabulary_matrix(tokens)
    index = {t: i for i, t in enumerate(vocabulary)}
    language = np.asarray(langs)
    corpora = {g: present[language == g].tocsc() for g in sorted(set(langs))}
    npmi: dict[str, list[float]] = {}
    for terms, lang in zip(topic_terms, topic_langs, strict=True):
        ids = np.array([index[t] for t in terms if t in index], dtype=np.int64)
        npmi.setdefault(lang, []).append(mean_npmi(corpora[lang], ids))
    flat = [t for terms in topic_terms for t in terms]
    return {
        "topics": len(topic_terms),
        "npmi_en": round(float(np.mean(npmi.get("en", [0]))), 3),
        "npmi_all": round(float(np.mean([x for v in npmi.values() for x in v])), 3),
        "diversity": round(len(set(flat)) / max(len(flat), 1), 3),
    }


def main_language(labels: np.ndarray, langs: list[str]) -> dict[int, str]:
    found: dict[int, Counter] = {}
    for label, lang in zip(labels.tolist(), langs, strict=True):
        found.setdefault(label, Counter())[lang] += 1
    return {label: c.most_common(1)[0][0] for label, c in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_workspace_option(parser)
    args = parser.parse_args()
    with ira_workspace(args.workspace) as full, tempfile.TemporaryDirectory() as tmp:
        ws = sample_workspace(full, Path(tmp))
        keys, texts, kinds, langs = _texts(ws.con, NarrativeConfig())
        tokens = [words(t) for t in texts]
        started = time.perf_counter()
        find_narratives(ws.con)
        ours_seconds = time.perf_counter() - started
        found = dict(ws.sql("SELECT text_key, narrative FROM text_narratives").fetchall())
        rows = ws.sql("SELECT key_terms, language FROM narrative_terms ORDER BY 1").fetchall()
    ours = np.array([found.get(k, -1) for k in keys])
    ours_scores = scores([k.split(", ") for k, _ in rows], [g if g != "unknown" else "" for
                         _, g in rows], tokens, langs)  # fmt: skip
    load_ours = os.getloadavg()
    topics, terms, theirs_seconds = run_bertopic(texts)
    language_of = main_language(topics, langs)
    theirs_scores = scores(terms, [language_of[t] for t in sorted(set(topics)) if t >= 0],
                           tokens, langs)  # fmt: skip
    load_theirs = os.getloadavg()
    table = {
        "infoops": ours_scores | {"seconds": round(ours_seconds, 1),
                                  "outliers": round(float((ours < 0).mean()), 3),
                                  "largest": round(float(np.bincount(ours[ours > 0]).max()
                                                         / (ours > 0).sum()), 3)},
        "BERTopic": theirs_scores | {"seconds": round(theirs_seconds, 1),
                                     "outliers": round(float((topics < 0).mean()), 3),
                                     "largest": round(float(np.bincount(topics[topics >= 0]).max()
                                                            / (topics >= 0).sum()), 3)},
    }  # fmt: skip
    results = {"machine": machine(), "texts": len(texts), "load": [load_ours, load_theirs],
               "methods": table}  # fmt: skip
    lines = [
        "# infoops narratives and BERTopic on a 100k-tweet IRA sample", "",
        f"{len(texts):,} distinct texts of 4+ words among {SAMPLE:,} tweets (seed {SEED}); same "
        "word-vector embedding of the shipped encoder for both; 2 cores shared "
        f"(load after infoops {load_ours[0]:.1f}, after BERTopic {load_theirs[0]:.1f}).", "",
        "| method | seconds | topics | outlier share | largest topic | NPMI en | NPMI all | "
        "diversity |", "|---|---:|---:|---:|---:|---:|---:|---:|",
        *[f"| {m} | {s['seconds']} | {s['topics']} | {s['outliers']:.1%} | {s['largest']:.1%} | "
          f"{s['npmi_en']} | {s['npmi_all']} | {s['diversity']} |" for m, s in table.items()],
    ]  # fmt: skip
    write_results("compare_bertopic", results, lines)


if __name__ == "__main__":
    main()
