"""Engine: the workspace (DuckDB), its schema and migrations, and loading into it."""

from ._load import FileReport
from ._pipeline import (
    CoordinationReport,
    LaunderingReport,
    run_actors,
    run_claims,
    run_coordination,
    run_integrity,
    run_laundering,
    run_narratives,
)
from ._schema import TABLES
from ._workspace import IngestReport, Workspace

__all__ = [
    "TABLES",
    "CoordinationReport",
    "FileReport",
    "IngestReport",
    "LaunderingReport",
    "Workspace",
    "run_actors",
    "run_claims",
    "run_coordination",
    "run_integrity",
    "run_laundering",
    "run_narratives",
]
