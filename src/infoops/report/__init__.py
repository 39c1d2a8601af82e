"""Outputs: files for other tools (CSV, GEXF) and, later, the briefing."""

from ._exports import (
    write_actors,
    write_claims,
    write_gexf,
    write_integrity,
    write_laundering,
    write_narratives,
    write_peer_csv,
    write_tables,
)

__all__ = [
    "write_actors",
    "write_claims",
    "write_gexf",
    "write_integrity",
    "write_laundering",
    "write_narratives",
    "write_peer_csv",
    "write_tables",
]
