"""Outputs: files for other tools (CSV, GEXF, campaigns.json) and the briefing."""

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "._briefing": ["briefing_html", "write_briefing", "write_pdf"],
        "._exports": [
            "raw_csv",
            "write_actors",
            "write_campaigns",
            "write_claims",
            "write_coortweet",
            "write_gexf",
            "write_graphml",
            "write_integrity",
            "write_laundering",
            "write_narratives",
            "write_parquet",
            "write_peer_csv",
            "write_statements",
            "write_tables",
        ],
        "._subset": ["Subset", "parse_moment", "subset_views"],
    },
)
