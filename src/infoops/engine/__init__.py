"""Engine: the workspace (DuckDB), its schema and migrations, loading into it, and the
optional Spark engine for the coordination detectors."""

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
from ._spark import SparkOptions, export_posts
from ._workspace import IngestReport, Workspace

__all__ = [
    "TABLES",
    "CoordinationReport",
    "FileReport",
    "IngestReport",
    "LaunderingReport",
    "SparkOptions",
    "Workspace",
    "export_posts",
    "run_actors",
    "run_claims",
    "run_coordination",
    "run_integrity",
    "run_laundering",
    "run_narratives",
]
