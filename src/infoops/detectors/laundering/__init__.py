"""Content laundering: articles that copy or translate other articles, and posts that
paste an article's text."""

from ..._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._article_posts": ["link_posts_to_articles"],
        "._laundering": [
            "LAUNDERING_MODELS",
            "Article",
            "LaunderingConfig",
            "articles_from_table",
            "find_laundering",
            "meaning_changes",
        ],
    },
)
