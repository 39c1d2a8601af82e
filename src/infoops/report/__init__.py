"""Outputs: files for other tools (CSV, GEXF, campaigns.json) and the briefing."""

from ._briefing import briefing_html, write_briefing, write_pdf
from ._campaign_objects import FAMILIES, campaign_objects
from ._exports import (
    raw_csv,
    write_actors,
    write_campaigns,
    write_claims,
    write_gexf,
    write_graphml,
    write_integrity,
    write_laundering,
    write_narratives,
    write_parquet,
    write_peer_csv,
    write_tables,
)
from ._subset import Subset, parse_moment, subset_views

__all__ = [
    "FAMILIES",
    "campaign_objects",
    "Subset",
    "parse_moment",
    "subset_views",
    "briefing_html",
    "raw_csv",
    "write_briefing",
    "write_actors",
    "write_campaigns",
    "write_claims",
    "write_gexf",
    "write_graphml",
    "write_integrity",
    "write_laundering",
    "write_narratives",
    "write_parquet",
    "write_pdf",
    "write_peer_csv",
    "write_tables",
]
