"""Content laundering: articles that are copies or translations of other articles.

Every article is split into sentences and embedded with a multilingual encoder
(by default multilingual-e5-small, ``TranslationEncoder``; ``model="use"`` for
the faster USE, which misses languages it was not trained on, such as
Ukrainian), so a translation lands near its source. Candidate pairs are each
article's nearest neighbours by the mean of its sentence vectors; each candidate
is then scored by aligning sentences (``_alignment``: ``similarity``) and
compared with the article's background, its best alignments with the other
articles (``margin``). Pairs whose margin reaches the threshold, from either
side, are linked, and linked articles form a group.

Within a group, articles are ordered by publication time: the first is the
``origin`` and each later article's source (``copied_from``) is the earlier
member it matches best. Its role is ``copy`` in the source's language and
``translation`` in another. ``copied_share`` is the share of its sentences that
match a source sentence closely. Aligned sentence pairs whose negation or
numbers differ are reported as meaning changes ("we have not identified"
becoming "we still have to identify").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ...text._alignment import Calibration, background, pair_alignment
from ...text._embed import (
    Encoder,
    detect_language,
    shared_encoder,
    shared_translation_encoder,
    split_sentences,
)
from ...text._progress import Progress, no_progress
from ...text._vector_cache import CachedEncoder

LAUNDERING_MODELS = {"e5": shared_translation_encoder, "use": shared_encoder}


@dataclass(frozen=True)
class LaunderingConfig:
    """Options of the laundering step (docs/laundering.md).

    ``threshold`` and ``sentence_match`` default to the chosen model's calibration.
    """

    model: str = "e5"  # "e5": ~100 languages, ~45 sentences/s; "use": 16, ~1,100/s
    threshold: float | None = None  # least margin (alignment above background) to link
    sentence_match: float | None = None  # least cosine for two sentences to be aligned
    neighbours: int = 20  # candidates per article, by document vector
    max_sentences: int = 400  # sentences embedded per article (long pages are cut)

    def encoder(self) -> Encoder:
        if self.model not in LAUNDERING_MODELS:
            raise ValueError(
                f"unknown model {self.model!r}: choose one of {sorted(LAUNDERING_MODELS)}"
            )
        return LAUNDERING_MODELS[self.model]()

    def calibrated(self, calibration: Calibration) -> Calibration:
        """The encoder's calibration with this configuration's overrides."""
        overrides = {"threshold": self.threshold, "sentence_match": self.sentence_match}
        return replace(calibration, **{k: v for k, v in overrides.items() if v is not None})


@dataclass
class Article:
    article_id: str
    url: str | None
    domain: str | None
    title: str | None
    published_at: object
    lang: str | None
    sentences: list[str]
    vectors: np.ndarray | None = None


LAUNDERING_SCHEMA = pa.schema(
    [
        ("group_id", pa.string()),
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("domain", pa.string()),
        ("published_at", pa.timestamp("us")),
        ("lang", pa.string()),
        ("role", pa.string()),
        ("copied_from", pa.string()),
        ("similarity", pa.float64()),
        ("margin", pa.float64()),
        ("copied_share", pa.float64()),
        ("title", pa.string()),
    ]
)
CHANGES_SCHEMA = pa.schema(
    [
        ("group_id", pa.string()),
        ("article_id", pa.string()),
        ("copied_from", pa.string()),
        ("change", pa.string()),
        ("source_sentence", pa.string()),
        ("copy_sentence", pa.string()),
        ("similarity", pa.float64()),
    ]
)


def articles_from_table(table: pa.Table, max_sentences: int = 400) -> list[Article]:
    """Articles (title and text split into sentences, language detected when unknown)."""
    articles = []
    for row in table.to_pylist():
        text = row.get("text") or ""
        title = row.get("title") or ""
        sentences = split_sentences(title) + split_sentences(text)
        lang = row.get("lang") or detect_language(f"{title}\n{text}")
        articles.append(
            Article(
                row["article_id"], row.get("url"), row.get("domain"), title or None,
                row.get("published_at"), lang, sentences[:max_sentences],
            )
        )  # fmt: skip
    return articles


def find_laundering(
    articles: list[Article],
    config: LaunderingConfig | None = None,
    encoder: Encoder | CachedEncoder | None = None,
    on_progress: Progress = no_progress,
) -> tuple[pa.Table, pa.Table]:
    """Group copies and translations; returns (laundering, changes) tables.
    ``on_progress`` counts the sentences embedded."""
    config = config or LaunderingConfig()
    encoder = encoder or config.encoder()
    calibration = config.calibrated(encoder.calibration)
    _embed(articles, encoder, on_progress)
    usable = [a for a in articles if a.vectors is not None and len(a.vectors)]
    links, backgrounds = _linked_pairs(usable, config.neighbours, calibration)
    margins = {usable[i].article_id: value for i, value in backgrounds.items()}
    rows, changes = [], []
    for number, members in enumerate(_groups(usable, links), start=1):
        group_rows, group_changes = _describe_group(
            f"L{number:03d}", members, margins, calibration.sentence_match
        )
        rows += group_rows
        changes += group_changes
    return (
        pa.Table.from_pylist(rows, schema=LAUNDERING_SCHEMA),
        pa.Table.from_pylist(changes, schema=CHANGES_SCHEMA),
    )


def _embed(articles: list[Article], encoder, on_progress: Progress, batch: int = 512) -> None:
    """Embed the sentences of whole articles, about ``batch`` at a time: large enough for
    the encoder's speed, small enough to report progress every few seconds (a vector does
    not depend on its batch)."""
    total = sum(len(a.sentences) for a in articles)
    done = 0
    on_progress("sentences", 0, total)
    for group in _batches(articles, batch):
        vectors = encoder.encode([s for a in group for s in a.sentences])
        start = 0
        for article in group:
            article.vectors = vectors[start : start + len(article.sentences)]
            start += len(article.sentences)
        done += start
        on_progress("sentences", done, total)


def _batches(articles: list[Article], size: int) -> list[list[Article]]:
    """Consecutive articles, cut when a group's sentences reach ``size``."""
    groups: list[list[Article]] = [[]]
    count = 0
    for article in articles:
        if count >= size:
            groups.append([])
            count = 0
        groups[-1].append(article)
        count += len(article.sentences)
    return [g for g in groups if g]


def document_vectors(articles: list[Article]) -> np.ndarray:
    """Mean of each article's sentence vectors, normalised."""
    means = np.stack([a.vectors.mean(axis=0) for a in articles])
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return means / np.where(norms > 0, norms, 1.0)


def _linked_pairs(
    articles: list[Article], neighbours: int, calibration: Calibration
) -> tuple[dict[tuple[int, int], float], dict[int, float]]:
    """Pairs (i < j) whose alignment clears either article's background by the threshold
    (value: the alignment), and each article's background."""
    if len(articles) < 2:
        return {}, {}
    docs = document_vectors(articles)
    k = min(neighbours, len(articles) - 1)
    scores: dict[tuple[int, int], float] = {}
    for start in range(0, len(articles), 2048):  # blocked: memory stays small for many articles
        block = docs[start : start + 2048] @ docs.T
        for offset, row in enumerate(block):
            i = start + offset
            row[i] = -np.inf
            for j in np.argpartition(-row, k - 1)[:k]:
                pair = (min(i, int(j)), max(i, int(j)))
                if pair not in scores:
                    a, b = articles[pair[0]].vectors, articles[pair[1]].vectors
                    scores[pair] = pair_alignment(a, b)[0]
    seen: dict[int, list[float]] = {}
    for (i, j), score in scores.items():
        seen.setdefault(i, []).append(score)
        seen.setdefault(j, []).append(score)
    backgrounds = {i: background(np.array(values), calibration) for i, values in seen.items()}
    links = {
        (i, j): score
        for (i, j), score in scores.items()
        if score - min(backgrounds[i], backgrounds[j]) >= calibration.threshold
    }
    return links, backgrounds


def _groups(articles: list[Article], links: dict) -> list[list[Article]]:
    """Connected components of the links, each ordered by publication time."""
    if not links:
        return []
    pairs = np.array(sorted(links), dtype=np.int64)
    graph = coo_matrix(
        (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(articles), len(articles))
    )
    _, component = connected_components(graph, directed=False)
    linked = set(pairs.reshape(-1).tolist())
    groups: dict[int, list[Article]] = {}
    for index in sorted(linked):
        groups.setdefault(int(component[index]), []).append(articles[index])
    ordered = [sorted(members, key=_publication_order) for members in groups.values()]
    return sorted(ordered, key=lambda members: (-len(members), _publication_order(members[0])))


def _publication_order(article: Article) -> tuple:
    known = article.published_at is not None
    return (not known, str(article.published_at) if known else "", article.url or "",
            article.article_id)  # fmt: skip


def _describe_group(
    group_id: str, members: list[Article], backgrounds: dict[str, float], sentence_match: float
):
    rows, changes = [], []
    origin = members[0]
    rows.append(_row(group_id, origin, "origin", None, 1.0, None, 1.0))
    for position in range(1, len(members)):
        article = members[position]
        best = None
        for earlier in members[:position]:
            score, best_match, index = pair_alignment(article.vectors, earlier.vectors)
            if best is None or score > best[0]:
                best = (score, earlier, best_match, index)
        score, source, best_match, index = best
        role = "copy" if (article.lang or "?") == (source.lang or "?") else "translation"
        share = float((best_match >= sentence_match).mean())
        margin = score - backgrounds[article.article_id]
        rows.append(_row(group_id, article, role, source.article_id, score, margin, share))
        for i in np.flatnonzero(best_match >= sentence_match):
            original, copy = source.sentences[int(index[i])], article.sentences[int(i)]
            for change in meaning_changes(original, source.lang, copy, article.lang):
                changes.append(
                    {
                        "group_id": group_id, "article_id": article.article_id,
                        "copied_from": source.article_id, "change": change,
                        "source_sentence": original, "copy_sentence": copy,
                        "similarity": round(float(best_match[i]), 4),
                    }
                )  # fmt: skip
    return rows, changes


def _row(group_id, article: Article, role, copied_from, similarity, margin, share) -> dict:
    return {
        "group_id": group_id, "article_id": article.article_id, "url": article.url,
        "domain": article.domain, "published_at": article.published_at, "lang": article.lang,
        "role": role, "copied_from": copied_from, "similarity": round(similarity, 4),
        "margin": None if margin is None else round(margin, 4),
        "copied_share": round(share, 4), "title": article.title,
    }  # fmt: skip


# Negation cues per language (whole words, or word parts for CJK), lower case.
NEGATION_CUES = {
    "en": r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot)\b|n't\b",
    "fr": r"\b(?:ne|n'|pas|jamais|aucun|aucune|sans|ni|personne|rien)\b",
    "de": r"\b(?:nicht|kein|keine|keinen|keinem|keiner|nie|niemals|ohne|weder|nichts)\b",
    "es": r"\b(?:no|nunca|ningún|ninguna|ninguno|sin|ni|nada|nadie|jamás)\b",
    "it": r"\b(?:non|mai|nessun|nessuno|nessuna|senza|né|niente|nulla)\b",
    "pt": r"\b(?:não|nunca|nenhum|nenhuma|sem|nem|nada|ninguém|jamais)\b",
    "nl": r"\b(?:niet|geen|nooit|zonder|noch|niets|niemand)\b",
    "ru": r"(?<!\w)(?:не|нет|ни|никогда|без|ничего|никто|нельзя)(?!\w)",
    "uk": r"(?<!\w)(?:не|немає|ні|ніколи|без|нічого|ніхто)(?!\w)",
    "pl": r"\b(?:nie|nigdy|bez|żaden|żadna|żadne|nic|nikt)\b",
    "zh": r"不|没|未|无|非|别",
    "ja": r"ない|ません|ず|無|未|非",
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def meaning_changes(
    source: str, source_lang: str | None, copy: str, copy_lang: str | None
) -> list[str]:
    """How an aligned copy of ``source`` may change its meaning: negation lost or added,
    numbers changed. Languages without a cue list are not checked for negation."""
    found = []
    negated = _negation_count(source, source_lang)
    negated_copy = _negation_count(copy, copy_lang)
    if negated is not None and negated_copy is not None:
        if negated > 0 and negated_copy == 0:
            found.append("negation dropped")
        elif negated == 0 and negated_copy > 0:
            found.append("negation added")
    numbers = {n.replace(",", "").replace(".", "") for n in _NUMBER.findall(source)}
    numbers_copy = {n.replace(",", "").replace(".", "") for n in _NUMBER.findall(copy)}
    if numbers and numbers_copy and numbers != numbers_copy:
        found.append("numbers changed")
    return found


def _negation_count(text: str, lang: str | None) -> int | None:
    pattern = NEGATION_CUES.get((lang or "")[:2])
    if pattern is None:
        return None
    return len(re.findall(pattern, text.lower()))
