"""Content: what texts say and where they come from.

- near-duplicate clusters of posts (MinHash/LSH), used by the coordination
  signal ``near_duplicate``; clusters of the same meaning across words and
  languages (``similar_meaning_clusters``) for ``similar_meaning``;
- multilingual sentence embeddings (``SentenceEncoder``, fast; ``TranslationEncoder``,
  about 100 languages, for article alignment), sentence splitting and language
  identification;
- content laundering: articles that copy or translate other articles
  (``find_laundering``), and posts that paste an article's text
  (``link_posts_to_articles``);
- narratives: posts and articles that tell one story in any language
  (``find_narratives``), from fast multilingual word-vector embeddings
  (``StaticEmbedder``);
- known false claims: the bundled EUvsDisinfo catalogue and users' own
  (``bundled_claims``, ``read_claim_file``) and matching (``match_claims``);
- election-integrity tags by transparent rules (``tag_election_integrity``).
"""

from ._alignment import Calibration, alignment_matrix, corpus_margin, pair_alignment
from ._article_posts import link_posts_to_articles
from ._claim_catalogue import bundled_claims, read_claim_file, read_euvsdisinfo
from ._claims import (
    STREAM_PRECISION,
    ClaimIndex,
    ClaimMatchConfig,
    add_claims,
    match_claims,
    workspace_claims,
)
from ._embed import (
    SentenceEncoder,
    TranslationEncoder,
    detect_language,
    shared_encoder,
    shared_translation_encoder,
    split_sentences,
)
from ._integrity import integrity_tags, tag_election_integrity
from ._laundering import (
    LAUNDERING_MODELS,
    Article,
    LaunderingConfig,
    articles_from_table,
    find_laundering,
    meaning_changes,
)
from ._narratives import NarrativeConfig, find_narratives
from ._near_duplicates import Signatures, near_duplicate_clusters
from ._semantic import similar_meaning_clusters
from ._static_embed import StaticEmbedder

__all__ = [
    "LAUNDERING_MODELS",
    "STREAM_PRECISION",
    "Article",
    "Calibration",
    "ClaimIndex",
    "ClaimMatchConfig",
    "NarrativeConfig",
    "StaticEmbedder",
    "add_claims",
    "bundled_claims",
    "find_narratives",
    "integrity_tags",
    "match_claims",
    "read_claim_file",
    "read_euvsdisinfo",
    "tag_election_integrity",
    "workspace_claims",
    "LaunderingConfig",
    "SentenceEncoder",
    "TranslationEncoder",
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
    "shared_translation_encoder",
    "similar_meaning_clusters",
    "split_sentences",
]
