"""Text primitives shared by the detectors.

- MinHash sketches and near-duplicate clusters (``near_duplicate_clusters``);
- multilingual sentence embeddings (``SentenceEncoder``, fast; ``TranslationEncoder``,
  about 100 languages), sentence splitting and language identification;
- word-vector embeddings for narratives (``StaticEmbedder``);
- clusters of the same meaning across words and languages (``similar_meaning_clusters``);
- sentence alignment of two documents (``alignment_matrix``, ``corpus_margin``).
"""

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._alignment": ["Calibration", "alignment_matrix", "corpus_margin", "pair_alignment"],
        "._embed": [
            "SentenceEncoder",
            "TranslationEncoder",
            "detect_language",
            "shared_encoder",
            "shared_translation_encoder",
            "split_sentences",
        ],
        "._near_duplicates": ["Signatures", "near_duplicate_clusters"],
        "._semantic": ["similar_meaning_clusters"],
        "._static_embed": ["StaticEmbedder"],
    },
)
