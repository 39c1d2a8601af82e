"""Content: what texts say and where they come from.

- near-duplicate clusters of posts (MinHash/LSH), used by the coordination
  signal ``near_duplicate``; clusters of the same meaning across words and
  languages (``similar_meaning_clusters``) for ``similar_meaning``;
- multilingual sentence embeddings (``SentenceEncoder``), sentence splitting and
  language identification;
- content laundering: articles that copy or translate other articles
  (``find_laundering``), and posts that paste an article's text
  (``link_posts_to_articles``).
"""

from ._alignment import alignment_matrix, corpus_margin, pair_alignment
from ._article_posts import link_posts_to_articles
from ._embed import SentenceEncoder, detect_language, shared_encoder, split_sentences
from ._laundering import (
    Article,
    LaunderingConfig,
    articles_from_table,
    find_laundering,
    meaning_changes,
)
from ._near_duplicates import Signatures, near_duplicate_clusters
from ._semantic import similar_meaning_clusters

__all__ = [
    "Article",
    "LaunderingConfig",
    "SentenceEncoder",
    "Signatures",
    "alignment_matrix",
    "corpus_margin",
    "articles_from_table",
    "detect_language",
    "find_laundering",
    "link_posts_to_articles",
    "meaning_changes",
    "near_duplicate_clusters",
    "pair_alignment",
    "shared_encoder",
    "similar_meaning_clusters",
    "split_sentences",
]
